// A run's folder, derived from its records in the store: summary.md (the table as printed, with a
// legend) and summary.csv (every column), curves.csv (training and held-out loss by step),
// grad_profile.csv (‖∂L/∂h⟨t⟩‖ at initialisation and at the end), and run.json (the experiment as
// run, the environment, every trial's complete spec, status and summary). Each file is written to
// a temporary name and renamed, so none is ever half-written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/record.hpp"

namespace harness {

// `store`: the database holding the run, named in run.json so that tools find it from the
// folder. `columns`: the summary.md table's columns (summary.hpp's names; empty: the default ones).
void export_run(const RunRecord& run, const std::filesystem::path& folder,
                const std::filesystem::path& store, const std::vector<std::string>& columns = {});

}  // namespace harness
