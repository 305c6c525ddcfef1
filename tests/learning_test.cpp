// Training learns: with a fixed seed, an LSTM solves the adding problem at T = 20 (held-out MSE
// below a tenth of the chance loss) within a fixed budget of steps.
#include <gtest/gtest.h>

#include "support/plugins.hpp"
#include "tasks/adding.hpp"
#include "train/trial.hpp"

namespace harness {
namespace {

TrialSpec adding_at_20(const std::string& cell) {
  TrialSpec spec;
  spec.seed = 11;
  spec.task = {.kind = &kAddingTask,
               .length = 20,
               .eval_sequences = 256,
               .options = std::make_shared<AddingOptions>()};
  spec.model = {.cell = cell, .hidden = 32};
  spec.backend = {.name = "blas", .threads = 1};
  spec.training.optimizer = OptimizerKind::Adam;
  spec.training.learning_rate = 0.01;
  spec.training.batch = 32;
  spec.training.steps = 2000;
  spec.training.clip_norm = 1.0;
  spec.training.eval_every = 100;
  return spec;
}

TEST(Learning, LstmSolvesAddingAtT20WithinTheBudget) {
  const TrialResult result = run_trial(adding_at_20("lstm"), test::builtin_plugins(), {});
  EXPECT_EQ(result.status, TrialStatus::Complete) << result.message;
  EXPECT_TRUE(result.solved) << "held-out MSE " << result.eval_loss << " after " << result.steps_run
                             << " steps";
  EXPECT_LT(result.eval_loss, result.chance_loss / 10);
  EXPECT_LT(result.steps_run, 2000);  // stopped when solved, before the budget ran out
}

}  // namespace
}  // namespace harness
