// The task table: every task kind the harness knows, each in one entry that serves validation
// (its keys and the smallest T it can be laid out in), its record (its options write themselves)
// and construction. Adding a task = its own file defining a TaskKind, and one line in
// task_kind.cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "experiment/spec.hpp"

namespace harness {

class Task;

// What a kind's reader of its own keys gets besides them: where relative file names start (the
// experiment file's folder) and the task's T.
struct TaskContext {
  std::filesystem::path folder;
  int length = 0;
};

struct TaskKind {
  const char* name;
  int min_length;  // the smallest T the task can be laid out in
  // The keys of its own, besides kind, T, eval_sequences, carry_state and training.
  std::vector<std::string> own_keys;
  // Reads those keys (defaults filled, values checked; errors through `task`); null when there
  // are none.
  std::shared_ptr<const TaskOptions> (*read_options)(const Settings& task,
                                                     const TaskContext& context) = nullptr;
  std::unique_ptr<Task> (*make)(const TaskSpec& spec) = nullptr;
  // It generates its sequences, so eval_sequences sizes its held-out set (else: a fixed split).
  bool generated = true;
  // Its batches continue each other (a text read chunk by chunk), so a state can be carried
  // from one to the next; carry_state's default.
  bool batches_continue = false;
};

// Every task kind, in the order the README lists them.
std::span<const TaskKind* const> task_kinds();

// The kind's options, as its reader made them.
template <class Options>
const Options& options_of(const TaskSpec& spec) {
  return static_cast<const Options&>(*spec.options);
}

}  // namespace harness
