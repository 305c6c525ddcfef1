// The memory estimate's parts: a model's footprint counts exactly the parameters the model
// allocates (for every cell and every shape the stack takes), a refusal names both figures, and the
// budget lets trials run side by side only while their estimates fit.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "model/model.hpp"
#include "run/memory_check.hpp"
#include "support/plugins.hpp"
#include "train/memory_estimate.hpp"

namespace harness {
namespace {

class ModelFootprintTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelFootprintTest, CountsTheParametersTheModelAllocates) {
  const auto cell = test::builtin_plugins().make_cell(GetParam());
  const auto backend = test::builtin_plugins().make_backend("naive", {});
  const ModelShape shapes[] = {
      {.input = 3, .hidden = 5, .output = 2},
      {.input = 4,
       .hidden = 6,
       .layers = 2,
       .bidirectional = true,
       .learn_initial_state = true,
       .output = 3,
       .readout = Readout::EveryStep},
      {.input = 7,
       .hidden = 4,
       .layers = 3,
       .bidirectional = true,
       .merge = Merge::Sum,
       .dropout = 0.2,
       .output = 1},
  };
  for (const auto& shape : shapes) {
    const Model<float> model(*cell, *backend, shape);
    EXPECT_EQ(Model<float>::footprint(*cell, *backend, shape, 10, 4, false).parameters,
              model.weights().size())
        << shape.layers << " layers, bidirectional " << shape.bidirectional;
  }
}

INSTANTIATE_TEST_SUITE_P(AllCells, ModelFootprintTest, ::testing::ValuesIn(test::all_cell_names()),
                         test::cell_test_name);

TEST(ModelFootprint, BuffersGrowWithTheSequenceAndTheBatch) {
  const auto cell = test::builtin_plugins().make_cell("lstm");
  const auto backend = test::builtin_plugins().make_backend("naive", {});
  const ModelShape shape{.input = 3, .hidden = 16, .output = 1};
  const auto at = [&](int steps, int batch) {
    return Model<float>::footprint(*cell, *backend, shape, steps, batch, false).buffers;
  };
  EXPECT_GT(at(20, 8), at(10, 8));
  EXPECT_GT(at(10, 16), at(10, 8));
  EXPECT_NEAR(double(at(200, 8)) / double(at(100, 8)), 2.0, 0.05);  // linear in T
}

TEST(MemoryEstimate, ReadsAsPeopleCount) {
  EXPECT_EQ(readable_bytes(512), "512 B");
  EXPECT_EQ(readable_bytes(1536), "1.5 KiB");
  EXPECT_EQ(readable_bytes(300 * 0x1p20), "300 MiB");
  EXPECT_EQ(readable_bytes(41.25 * 0x1p30), "41 GiB");
  EXPECT_EQ(readable_bytes(2.5 * 0x1p30), "2.5 GiB");
}

TEST(MemoryEstimate, RefusalNamesTheEstimateAndTheMemoryAvailable) {
  const MemoryEstimate estimate{
      .parameters = 2 * 0x1p30, .optimizer = 0x1p30, .buffers = 20 * 0x1p30, .data = 12 * 0x1p20};
  EXPECT_EQ(memory_refusal(estimate, 24 * 0x1p30), "");
  EXPECT_EQ(memory_refusal(estimate, 16 * 0x1p30),
            "refused before it started: it needs an estimated 23 GiB (parameters and gradients "
            "2.0 GiB, optimizer 1.0 GiB, buffers 20 GiB, data 12 MiB), more than the 16 GiB of "
            "memory available; make it smaller (model.hidden, training.batch, task.T, "
            "task.eval_sequences) or run it where it fits");
}

TEST(MemoryEstimate, TheMachineHasSomeMemoryAvailable) {
  const double available = available_memory_bytes();
  EXPECT_GT(available, 0x1p20);
  EXPECT_TRUE(std::isfinite(available));
}

TEST(MemoryBudget, ATrialThatFitsAloneAlwaysStarts) {
  MemoryBudget budget(10);
  const std::atomic<bool> stop{false};
  EXPECT_TRUE(budget.acquire(25, stop));
  budget.release(25);
}

TEST(MemoryBudget, ATrialWaitsUntilTheOthersLeaveRoom) {
  MemoryBudget budget(10);
  const std::atomic<bool> stop{false};
  ASSERT_TRUE(budget.acquire(6, stop));
  std::atomic<bool> started{false};
  std::thread second([&] {
    EXPECT_TRUE(budget.acquire(6, stop));
    started = true;
    budget.release(6);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(started.load()) << "6 + 6 bytes started beside each other in a budget of 10";
  budget.release(6);
  second.join();
  EXPECT_TRUE(started.load());
}

TEST(MemoryBudget, StopEndsTheWait) {
  MemoryBudget budget(10);
  std::atomic<bool> stop{false};
  ASSERT_TRUE(budget.acquire(6, stop));
  stop = true;
  EXPECT_FALSE(budget.acquire(6, stop));
  budget.release(6);
}

}  // namespace
}  // namespace harness
