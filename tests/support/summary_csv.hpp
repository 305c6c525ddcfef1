// A run folder's summary.csv without the columns that measure time and memory: what two runs of
// the same trials (resumed, sharded and merged, on MPI ranks) must have equal.
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.hpp"

namespace harness::test {

inline std::string summary_without_timing(const std::filesystem::path& folder) {
  std::stringstream in(read_text(folder / "summary.csv"));
  std::string line, out;
  std::vector<bool> keep;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    for (std::size_t c = 0; std::getline(fields, field, ','); ++c) {
      const bool measured = field == "seq_per_s" || field == "timesteps_per_s" ||
                            field == "gflops" || field == "peak_memory_mb" ||
                            field == "memory_mb" || field == "wall_s";
      if (keep.size() <= c) keep.push_back(!measured);
      if (keep[c]) out += field + ",";
    }
    out += "\n";
  }
  return out;
}

}  // namespace harness::test
