// The task table: every task kind the harness knows, each in one entry that serves validation
// (its keys and the smallest T it can be laid out in), its record (its options write themselves)
// and construction. Adding a task = its own file defining a TaskKind, and one line in
// task_kind.cpp.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "experiment/spec.hpp"

namespace harness {

class Task;

struct TaskKind {
  const char* name;
  int min_length;  // the smallest T the task can be laid out in
  // The keys of its own, besides kind, T, eval_sequences and training (adding: placement).
  std::vector<std::string> own_keys;
  // Reads those keys (defaults filled, values checked); null when there are none.
  std::shared_ptr<const TaskOptions> (*read_options)(const Settings& task) = nullptr;
  std::unique_ptr<Task> (*make)(const TaskSpec& spec) = nullptr;
};

// Every task kind, in the order the README lists them.
std::span<const TaskKind* const> task_kinds();

// The kind's options, as its reader made them.
template <class Options>
const Options& options_of(const TaskSpec& spec) {
  return static_cast<const Options&>(*spec.options);
}

}  // namespace harness
