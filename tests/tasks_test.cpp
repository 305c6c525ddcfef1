// The task generators: structure of every sequence, marker placement, label balance, and the
// chance loss matching what a predictor that ignores the inputs actually gets.
#include <gtest/gtest.h>

#include <cmath>

#include "tasks/adding.hpp"
#include "tasks/copy_memory.hpp"
#include "tasks/temporal_order.hpp"
#include "train/loss.hpp"

namespace harness {
namespace {

constexpr int kSequences = 4000;

// Steps where the adding task's marker channel is 1, for sequence b.
std::vector<int> markers(const Batch& batch, int T, int b) {
  std::vector<int> steps;
  for (int t = 0; t < T; ++t) {
    if (batch.inputs(t * batch.size + b, 1) == 1.0f) steps.push_back(t);
  }
  return steps;
}

TEST(AddingTask, TwoMarkersPlacedAsEachRuleSaysAndTargetIsTheirSum) {
  const int T = 50;
  for (const auto& [name, placement] : kPlacementNames) {
    const AddingTask task(T, placement);
    std::mt19937_64 rng(1);
    Batch batch;
    task.sample(rng, kSequences, batch);
    int first_min = T, first_max = -1, second_min = T, second_max = -1;
    for (int b = 0; b < kSequences; ++b) {
      const auto m = markers(batch, T, b);
      ASSERT_EQ(m.size(), 2u) << name;
      const float sum =
          batch.inputs(m[0] * kSequences + b, 0) + batch.inputs(m[1] * kSequences + b, 0);
      ASSERT_FLOAT_EQ(batch.values[b], sum) << name;
      first_min = std::min(first_min, m[0]), first_max = std::max(first_max, m[0]);
      second_min = std::min(second_min, m[1]), second_max = std::max(second_max, m[1]);
    }
    if (placement == Placement::Halves) {
      EXPECT_EQ(first_min, 0);
      EXPECT_EQ(first_max, T / 2 - 1);
      EXPECT_EQ(second_min, T / 2);
      EXPECT_EQ(second_max, T - 1);
    } else if (placement == Placement::Pascanu) {
      EXPECT_EQ(first_min, 0);
      EXPECT_EQ(first_max, T / 10 - 1);
      EXPECT_EQ(second_min, T / 10);
      EXPECT_EQ(second_max, T / 2 - 1);
    } else {  // anywhere: both markers range over the whole sequence
      EXPECT_EQ(first_min, 0);
      EXPECT_EQ(second_max, T - 1);
      EXPECT_GT(first_max, T / 2);
      EXPECT_LT(second_min, T / 2);
    }
  }
}

TEST(AddingTask, ChanceLossIsWhatPredictingOneGets) {
  const AddingTask task(20, Placement::Halves);
  std::mt19937_64 rng(2);
  Batch batch;
  task.sample(rng, 40000, batch);
  Matrix<float> ones(40000, 1);
  ones.fill(1.0f);
  const double loss =
      compute_loss(LossKind::MeanSquaredError, ones.view(), batch, nullptr, nullptr);
  // Var((U₁ + U₂ − 1)²) = 1/180 − 1/36 + … ≈ 0.0167; its mean over 40000 has σ ≈ 0.0007
  EXPECT_NEAR(loss, task.chance_loss(), 0.003);
  EXPECT_NEAR(task.chance_loss(), 1.0 / 6.0, 1e-15);
}

TEST(CopyMemoryTask, SequenceLayoutAndTargets) {
  const int delay = 7;
  const CopyMemoryTask task(delay);
  const int T = task.steps();
  ASSERT_EQ(T, delay + 20);
  std::mt19937_64 rng(3);
  Batch batch;
  task.sample(rng, 200, batch);
  for (int b = 0; b < 200; ++b) {
    auto input_class = [&](int t) {
      int hot = -1, count = 0;
      for (int c = 0; c < 10; ++c) {
        if (batch.inputs(t * 200 + b, c) == 1.0f) hot = c, ++count;
      }
      EXPECT_EQ(count, 1);
      return hot;
    };
    for (int t = 0; t < 10; ++t) {
      const int symbol = input_class(t);
      EXPECT_LT(symbol, 8);
      EXPECT_EQ(batch.classes[(T - 10 + t) * 200 + b], symbol);  // recalled in order at the end
    }
    for (int t = 10; t < T; ++t) {
      EXPECT_EQ(input_class(t),
                t == delay + 9 ? CopyMemoryTask::kDelimiter : CopyMemoryTask::kBlank);
    }
    for (int t = 0; t < T - 10; ++t) EXPECT_EQ(batch.classes[t * 200 + b], CopyMemoryTask::kBlank);
  }
}

TEST(CopyMemoryTask, ChanceLossIsWhatTheBestMemorylessPredictorGets) {
  const CopyMemoryTask task(30);
  const int T = task.steps(), B = 2000;
  std::mt19937_64 rng(4);
  Batch batch;
  task.sample(rng, B, batch);
  // Certain blank for the first T − 10 steps; uniform over the 8 symbols for the last 10.
  Matrix<float> logits(T * B, 10);
  logits.fill(-60.0f);
  for (int t = 0; t < T; ++t) {
    for (int b = 0; b < B; ++b) {
      if (t < T - 10) {
        logits(t * B + b, CopyMemoryTask::kBlank) = 60.0f;
      } else {
        for (int s = 0; s < 8; ++s) logits(t * B + b, s) = 0.0f;
      }
    }
  }
  const double loss =
      compute_loss(LossKind::SoftmaxCrossEntropy, logits.view(), batch, nullptr, nullptr);
  EXPECT_NEAR(loss, task.chance_loss(), 1e-6);
  EXPECT_NEAR(task.chance_loss(), 10 * std::log(8.0) / 50, 1e-12);
}

TEST(TemporalOrderTask, RelevantSymbolsInTheirWindowsAndBalancedClasses) {
  const int T = 60;
  const TemporalOrderTask task(T);
  std::mt19937_64 rng(5);
  Batch batch;
  task.sample(rng, kSequences, batch);
  const auto [a0, a1] = task.first_window();
  const auto [b0, b1] = task.second_window();
  EXPECT_EQ(a0, 6);
  EXPECT_EQ(a1, 12);
  EXPECT_EQ(b0, 30);
  EXPECT_EQ(b1, 36);
  std::vector<int> counts(4);
  for (int b = 0; b < kSequences; ++b) {
    std::vector<int> relevant_steps, relevant_symbols;
    for (int t = 0; t < T; ++t) {
      for (int s : {0, 1}) {
        if (batch.inputs(t * kSequences + b, s) == 1.0f)
          relevant_steps.push_back(t), relevant_symbols.push_back(s);
      }
    }
    ASSERT_EQ(relevant_steps.size(), 2u);
    EXPECT_GE(relevant_steps[0], a0);
    EXPECT_LT(relevant_steps[0], a1);
    EXPECT_GE(relevant_steps[1], b0);
    EXPECT_LT(relevant_steps[1], b1);
    EXPECT_EQ(batch.classes[b], 2 * relevant_symbols[0] + relevant_symbols[1]);
    ++counts[batch.classes[b]];
  }
  // Each class has probability 1/4: with 4000 sequences, σ ≈ 27; allow 5σ.
  for (int c = 0; c < 4; ++c) EXPECT_NEAR(counts[c], kSequences / 4, 140) << "class " << c;
}

TEST(TemporalOrderTask, ChanceLossIsWhatAUniformPredictorGets) {
  const TemporalOrderTask task(20);
  std::mt19937_64 rng(6);
  Batch batch;
  task.sample(rng, 100, batch);
  Matrix<float> zeros(100, 4);
  zeros.fill(0.0f);
  EXPECT_NEAR(compute_loss(LossKind::SoftmaxCrossEntropy, zeros.view(), batch, nullptr, nullptr),
              task.chance_loss(), 1e-12);
  EXPECT_NEAR(task.chance_loss(), std::log(4.0), 1e-15);
}

TEST(Tasks, SameSeedSameBatches) {
  const AddingTask task(30, Placement::Halves);
  std::mt19937_64 a(9), b(9);
  Batch x, y;
  task.sample(a, 8, x);
  task.sample(b, 8, y);
  EXPECT_EQ(x.values, y.values);
}

}  // namespace
}  // namespace harness
