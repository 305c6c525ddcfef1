// A run's folder: summary.md and summary.csv (one row per trial), curves.csv (training and
// held-out loss by step), grad_profile.csv (‖∂L/∂h⟨t⟩‖ at initialisation and at the end), and
// run.json (the experiment as run, the environment, every trial's spec and summary). Each file is
// written to a temporary name and renamed, so none is ever half-written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "train/trial.hpp"

namespace harness {

struct RunRecord {
  std::string run_id;
  std::string status;  // complete | incomplete
  const ExperimentSpec* experiment = nullptr;
  std::string environment_json;
  std::vector<TrialResult> trials;  // finished ones, in trial order
};

void export_run(const RunRecord& run, const std::filesystem::path& folder);

}  // namespace harness
