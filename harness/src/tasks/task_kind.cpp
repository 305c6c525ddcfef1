#include "tasks/task_kind.hpp"

#include "tasks/adding.hpp"
#include "tasks/agreement.hpp"
#include "tasks/copy_memory.hpp"
#include "tasks/language_model.hpp"
#include "tasks/temporal_order.hpp"

namespace harness {

std::span<const TaskKind* const> task_kinds() {
  static const TaskKind* const table[]{&kAddingTask, &kCopyMemoryTask, &kTemporalOrderTask,
                                       &kLanguageModelTask, &kAgreementTask};
  return table;
}

}  // namespace harness
