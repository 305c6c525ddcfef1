#include "task.hpp"

#include <stdexcept>

#include "tasks/adding.hpp"
#include "tasks/copy_memory.hpp"
#include "tasks/temporal_order.hpp"

namespace harness {

double Task::accuracy(const std::vector<int>& predicted, const Batch& batch) const {
  if (batch.classes.empty()) return -1;
  std::size_t right = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == batch.classes[i];
  return double(right) / double(predicted.size());
}

std::unique_ptr<Task> make_task(const TaskSpec& spec) {
  if (spec.kind == "adding") return std::make_unique<AddingTask>(spec.length, spec.placement);
  if (spec.kind == "copy_memory") return std::make_unique<CopyMemoryTask>(spec.length);
  if (spec.kind == "temporal_order") return std::make_unique<TemporalOrderTask>(spec.length);
  throw std::invalid_argument("unknown task kind " + spec.kind);
}

}  // namespace harness
