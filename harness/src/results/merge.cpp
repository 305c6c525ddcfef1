#include "results/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "run/trial_order.hpp"

namespace harness {

namespace {

struct StoredShard {
  RunRecord run;
  std::filesystem::path store;
  std::map<std::string, std::string> environments;  // of its trials: id → JSON
  Shard part;
  std::string name() const { return fmt::format("run {} in {}", run.run_id, store.string()); }
};

// What must be equal for runs to be parts of one sweep: the harness binary and the plugins by
// their SHA-256 (not their paths: the parts may have run on different machines).
std::string binaries(const std::string& environment) {
  const auto json = nlohmann::json::parse(environment);
  std::string text = "harness " + json.value("harness_sha256", std::string());
  for (const auto& plugin : json.at("plugins")) {
    text += fmt::format(", {} {}", plugin.at("name").get<std::string>(),
                        plugin.at("sha256").get<std::string>());
  }
  return text;
}

std::vector<StoredShard> read_shards(const std::vector<std::filesystem::path>& stores) {
  std::vector<StoredShard> shards;
  std::vector<std::filesystem::path> seen;  // a store named twice is read once
  for (const auto& path : stores) {
    if (std::filesystem::exists(path)) {
      const auto canonical = std::filesystem::canonical(path);
      if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
      seen.push_back(canonical);
    }
    if (!std::filesystem::exists(path)) {
      throw std::runtime_error(fmt::format("{} does not exist", path.string()));
    }
    const ResultsStore store(path.string());
    const std::size_t before = shards.size();
    for (const auto& id : store.run_ids()) {
      RunRecord run = store.load_run(id);
      if (run.shard.empty()) continue;
      StoredShard& shard = shards.emplace_back(StoredShard{.run = std::move(run), .store = path});
      shard.part = Shard::parse(shard.run.shard);
      for (const auto& trial : shard.run.trials) {
        shard.environments.emplace(trial.environment, store.environment(trial.environment));
      }
    }
    if (shards.size() == before) {
      throw std::runtime_error(fmt::format(
          "{} holds no part of a sweep (runs of harness run --shard I/N)", path.string()));
    }
  }
  return shards;
}

// Throws unless the shards are every part of one sweep, once each.
void check_one_sweep(const std::vector<StoredShard>& shards) {
  const StoredShard& first = shards.front();
  std::map<int, const StoredShard*> parts;
  for (const auto& shard : shards) {
    if (shard.run.experiment_yaml != first.run.experiment_yaml ||
        shard.run.experiment_sha256 != first.run.experiment_sha256) {
      const bool same_file = shard.run.experiment_sha256 == first.run.experiment_sha256;
      throw std::runtime_error(
          fmt::format("{} and {} ran different experiments ({}): only the parts of one sweep merge",
                      first.name(), shard.name(),
                      same_file ? "the same file with other --set settings"
                                : fmt::format("{} and {}, files of different SHA-256",
                                              first.run.file, shard.run.file)));
    }
    if (binaries(shard.run.environment) != binaries(first.run.environment)) {
      throw std::runtime_error(
          fmt::format("{} and {} ran different harness binaries or plugins ({} against {}): "
                      "only the parts of one sweep, run by the same build, merge",
                      first.name(), shard.name(), binaries(first.run.environment),
                      binaries(shard.run.environment)));
    }
    if (shard.part.count != first.part.count) {
      throw std::runtime_error(
          fmt::format("{} is part {} and {} part {}: the sweep was split in "
                      "different numbers of parts",
                      first.name(), first.run.shard, shard.name(), shard.run.shard));
    }
    const auto [other, added] = parts.emplace(shard.part.index, &shard);
    if (!added) {
      throw std::runtime_error(fmt::format("part {} is given twice: {} and {}", shard.run.shard,
                                           other->second->name(), shard.name()));
    }
  }
  for (int i = 1; i <= first.part.count; ++i) {
    if (!parts.contains(i)) {
      throw std::runtime_error(fmt::format(
          "part {0}/{1} of the sweep is missing: name the store that holds it, or run it with "
          "harness run {2} --shard {0}/{1}",
          i, first.part.count, first.run.file));
    }
  }
}

}  // namespace

RunRecord merge_shards(const std::vector<std::filesystem::path>& stores,
                       const std::filesystem::path& into_path, const std::string& run_id) {
  const std::vector<StoredShard> shards = read_shards(stores);
  check_one_sweep(shards);
  ResultsStore into(into_path.string());
  RunRecord merged = shards.front().run;
  merged.run_id = run_id;
  merged.shard.clear();
  merged.trials_planned = 0;
  merged.trials.clear();
  bool complete = true;
  for (const auto& shard : shards) {
    merged.trials_planned += shard.run.trials_planned;
    complete = complete && shard.run.status == "complete";
  }
  into.begin_run(merged);
  int added = 0;
  for (const auto& shard : shards) {
    for (const auto& trial : shard.run.trials) {
      into.add_environment(shard.environments.at(trial.environment));
      into.add_trial(run_id, trial);
      ++added;
    }
  }
  complete = complete && added == merged.trials_planned;
  into.finish_run(run_id, complete ? "complete" : "incomplete");
  return into.load_run(run_id);
}

}  // namespace harness
