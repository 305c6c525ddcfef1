// The T* table of a run that searched over T (experiment/length_search.hpp), from its stored
// records: for each search (one model on one task) the longest T most of its seeds solved, the
// shortest T above it they did not, and how many seeds solved each T tried.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "results/record.hpp"
#include "results/summary.hpp"

namespace harness {

struct CriticalLength {
  std::vector<std::string> labels;           // its values of CriticalLengths::keys
  std::map<int, std::pair<int, int>> tried;  // T → (seeds that solved it, seeds run)
  std::optional<int> solved;                 // T*: the longest T most seeds solved
  std::optional<int> unsolved;               // the shortest T above T* most did not
};

struct CriticalLengths {
  // What tells the searches apart: the task and the cell, then any other key they differ in.
  std::vector<std::string> keys;
  std::vector<CriticalLength> searches;  // in the order of their first trials; none: no search
};

CriticalLengths critical_lengths(const RunRecord& run);

// The table: a row per search with T*, the first T not solved, the seeds' agreement at both and
// every T tried. Empty rows when the run searched nothing.
SummarySection critical_length_section(const CriticalLengths& lengths);

// The table as Markdown with what its columns mean, or "" when the run searched nothing.
std::string critical_length_markdown(const RunRecord& run);

}  // namespace harness
