// Two runs side by side (harness compare). Trials are matched by their spec: every key except
// the seed and the keys that differ between the runs in every trial (the backend of two runs of
// one experiment, say), which the comparison names once. Each matched pair gets a row: the keys
// that tell the pairs apart, then held-out loss, solved, steps to solve and training sequences/s
// of A and of B with the difference (B − A; a ratio B / A for speed). Trials without a partner
// are listed below the table.
#pragma once

#include <string>
#include <vector>

#include "results/record.hpp"
#include "results/summary.hpp"

namespace harness {

struct RunComparison {
  std::vector<std::string> run_wide;     // "backend: blas (A), onednn (B)"
  std::vector<SummarySection> sections;  // one per task kind (headed when several)
  std::vector<std::string> totals;  // lines: solved counts, median loss difference, speed ratio
  std::vector<std::string> only_in_a, only_in_b;  // "trial 4: cell lstm, T 100"
  int matched = 0;
};

RunComparison compare_runs(const RunRecord& a, const RunRecord& b);

// The comparison as Markdown, headed by what A and B are.
std::string comparison_markdown(const RunComparison& comparison, const RunRecord& a,
                                const RunRecord& b);

}  // namespace harness
