// A run's report, from its records in the store: report.html — one self-contained page with
// inline SVG plots, the summary tables, the run's environment and experiment — and report.md with
// PNG plots beside it (plots/). The plots, per task and T:
//   loss       training (dashed) and held-out (solid) loss against step, one colour per trial,
//              the chance loss as a dashed black line; a log y axis when the losses span decades
//   gradients  ‖∂L/∂h⟨t⟩‖ against t on a log axis, at initialisation (dashed) and after training
//   clipping   the gradient norm before clipping against step, and how often clipping fired
//   language   a language model's held-out bits per character (or perplexity) against step, the
//              n-gram baselines as dashed lines
// and for the run: training sequences/s and GFLOP/s by trial (cell × backend).
// Without gnuplot the report says so and still holds the tables.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/record.hpp"

namespace harness {

struct ReportFiles {
  std::filesystem::path html, markdown;
  int plots = 0;        // rendered, per format
  std::string missing;  // why there are no plots, or ""
};

// Writes report.html, report.md and plots/ into `folder`. Throws std::runtime_error when gnuplot
// fails on a plot (its message), or a file cannot be written.
ReportFiles write_report(const RunRecord& run, const std::filesystem::path& folder);

}  // namespace harness
