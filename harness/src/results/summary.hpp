// The one-row-per-trial summary: the columns of summary.csv and summary.md, in order.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "train/trial.hpp"

namespace harness {

using SummaryRow = std::vector<std::pair<std::string, std::string>>;  // (column, value)

SummaryRow summary_row(const TrialResult& result);

// The rows as a Markdown table (columns from the first row).
std::string summary_markdown(const std::vector<SummaryRow>& rows);

}  // namespace harness
