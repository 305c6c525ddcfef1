#include "task.hpp"

#include "tasks/task_kind.hpp"

namespace harness {

double Task::accuracy(const std::vector<int>& predicted, const Batch& batch) const {
  if (batch.classes.empty()) return -1;
  std::size_t right = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == batch.classes[i];
  return double(right) / double(predicted.size());
}

std::unique_ptr<Task> make_task(const TaskSpec& spec) {
  return spec.kind->make(spec);
}

}  // namespace harness
