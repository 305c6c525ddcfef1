#include "run/trial_order.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <numeric>

#include "experiment/yaml_reader.hpp"
#include "train/memory_estimate.hpp"

namespace harness {

std::string Shard::text() const {
  return whole() ? "" : fmt::format("{}/{}", index, count);
}

Shard Shard::parse(const std::string& text) {
  // I/N: two whole numbers and nothing else (a sign is refused as out of range below).
  Shard shard;
  const char* const end = text.data() + text.size();
  const auto index = std::from_chars(text.data(), end, shard.index);
  const bool well_formed =
      index.ec == std::errc() && index.ptr != end && *index.ptr == '/' &&
      std::from_chars(index.ptr + 1, end, shard.count) == std::from_chars_result{end, std::errc()};
  if (!well_formed) {
    throw ConfigError(fmt::format(
        "--shard '{}' is not I/N: give the part and the number of parts, e.g. --shard 2/3", text));
  }
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    const int count = std::max(shard.count, 1);
    throw ConfigError(
        fmt::format("--shard {}: parts are counted from 1 to their number, 1/{} to {}/{}", text,
                    count, count, count));
  }
  return shard;
}

namespace {

// Each trial's expected work; 0 for a trial whose cell cannot be made (it fails at once).
std::vector<double> expected_works(const std::vector<TrialSpec>& trials, const Registry& plugins) {
  std::vector<double> work(trials.size(), 0.0);
  for (std::size_t i = 0; i < trials.size(); ++i) {
    try {
      work[i] = expected_work(trials[i], plugins);
    } catch (const std::exception&) {
    }
  }
  return work;
}

std::vector<std::size_t> most_work_first(const std::vector<double>& work) {
  std::vector<std::size_t> order(work.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return work[a] > work[b]; });
  return order;
}

}  // namespace

std::vector<std::size_t> longest_first(const std::vector<TrialSpec>& trials,
                                       const Registry& plugins) {
  return most_work_first(expected_works(trials, plugins));
}

std::vector<TrialSpec> shard_trials(const std::vector<TrialSpec>& trials, const Registry& plugins,
                                    Shard shard) {
  if (shard.whole()) return trials;
  const std::vector<double> work = expected_works(trials, plugins);
  std::vector<double> load(shard.count, 0.0);
  std::vector<int> part(trials.size());
  for (const std::size_t i : most_work_first(work)) {
    const auto lightest = std::min_element(load.begin(), load.end()) - load.begin();
    part[i] = static_cast<int>(lightest);
    load[lightest] += work[i] + 1;  // plus one: trials of no measurable work spread evenly too
  }
  std::vector<TrialSpec> mine;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (part[i] == shard.index - 1) mine.push_back(trials[i]);
  }
  return mine;
}

}  // namespace harness
