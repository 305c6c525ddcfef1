// The parts of a sweep run apart (`harness run --shard I/N`, each its own run, in one store or in
// several) combined into one run: the trials of every part, each with the environment it ran in,
// under a new run id, as if one process had run the sweep. Only parts of one sweep are combined:
// the same experiment (file and settings), the same harness binary and plugins, every part once.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/record.hpp"
#include "results/store.hpp"

namespace harness {

// The shards the stores hold, combined into a new run `run_id` of the store `into` (created if
// need be; it may be one of `stores`), marked complete when every part was. Returns the new run
// as stored. Throws std::runtime_error, before writing anything, saying which runs do not belong
// together, which part is missing or given twice, or which store holds no shard.
RunRecord merge_shards(const std::vector<std::filesystem::path>& stores,
                       const std::filesystem::path& into, const std::string& run_id);

}  // namespace harness
