// A run and its trials as the results store holds them. A trial's record is complete: its spec
// with every key (defaults included), its seed, the environment it ran in, its status and
// message, the task's "solved" criterion, its metric rows (metric_names.hpp) and its gradient
// profile. Every export, the summary and the reports are derived from these records, never from
// the objects a trial produced in memory.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "train/trial.hpp"

namespace harness {

struct MetricRow {
  int step = 0;
  std::string metric;
  double value = 0;
};

struct TrialRecord {
  int trial = 0;
  std::uint64_t seed = 0;
  nlohmann::ordered_json spec;  // to_json(TrialSpec): nested as in the experiment file
  std::string status;           // complete | diverged | failed
  std::string message;          // why it diverged or failed, or ""
  std::string criterion;        // when the task counts as solved, in words
  std::string environment;      // id of the environment it ran in (the store's environments)
  std::vector<MetricRow> metrics;
  std::vector<double> profile_init, profile_final;  // ‖∂L/∂h⟨t⟩‖, t = 1 … T
  std::vector<std::string> samples;                 // text a trained language model wrote

  // The last value of a metric, if the trial has it.
  std::optional<double> value(std::string_view metric) const;
  // Every (step, value) of a metric, in step order.
  std::vector<std::pair<int, double>> series(std::string_view metric) const;
};

// The record of a finished trial (not of an interrupted one: it has nothing to keep).
TrialRecord make_record(const TrialResult& result);
// The record of a trial whose cell or backend threw or crashed: its spec, status "failed" and why.
TrialRecord failed_record(const TrialSpec& spec, std::string message);

// A record as JSON and back, every value exact (non-finite numbers as "nan", "inf", "-inf"): how
// a trial run in a child process hands its record to the runner.
nlohmann::ordered_json record_to_json(const TrialRecord& record);
TrialRecord record_from_json(const nlohmann::ordered_json& json);

struct RunRecord {
  std::string run_id;
  std::string experiment;         // its name
  std::string file;               // the experiment file
  std::string status;             // running | complete | incomplete
  std::string started, finished;  // UTC, ISO 8601
  std::string environment;        // JSON: commit, CPU, compiler, libraries, plugins
  std::string experiment_yaml;    // as run, every --set applied
  std::string experiment_sha256;  // of the experiment file when the run began
  std::string shard;              // "2/3": the part of the sweep it ran; "" for all of it
  int trials_planned = 0;
  std::vector<TrialRecord> trials;  // finished ones, by trial number
};

}  // namespace harness
