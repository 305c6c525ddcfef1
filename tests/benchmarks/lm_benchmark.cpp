// The language model's training step at a character model's size — a vocabulary of V = 80,
// H = 256, B = 32, T = 100: the embedding gather, the layer, the softmax head and its loss,
// backward, and an Adam update — for lstm, gru and rnn_tanh on every built-in backend but naive,
// with one and two threads. Counter: tokens/s (B·T per step). tests/peers/lm_step.py times PyTorch
// doing the same.
//
// Names: lm_step/<cell>/<backend>/threads:<n>, e.g. lm_step/lstm/blas/threads:1.
#include <benchmark/benchmark.h>

#include <random>

#include "model/model.hpp"
#include "run_benchmarks.hpp"
#include "support/plugins.hpp"
#include "train/loss.hpp"
#include "train/optimizer.hpp"

namespace harness::bench {
namespace {

constexpr int kVocabulary = 80, kHidden = 256, kBatch = 32, kSteps = 100;

void lm_step(benchmark::State& state, const std::string& cell_name, const std::string& backend_name,
             int threads) {
  const auto& plugins = test::builtin_plugins();
  const auto cell = plugins.make_cell(cell_name);
  const auto backend = plugins.make_backend(backend_name, {.threads = threads});
  Model<float> model(*cell, *backend,
                     {.input = kVocabulary,
                      .hidden = kHidden,
                      .output = kVocabulary,
                      .readout = Readout::EveryStep});
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<float> u(-0.05f, 0.05f);
  for (float& w : model.weights()) w = u(rng);
  TrainingSpec training;
  training.optimizer = OptimizerKind::Adam;
  const auto optimizer = make_optimizer(training, model.weights().size());
  Batch batch;
  batch.size = kBatch;
  batch.steps = kSteps;
  std::uniform_int_distribution<int> token(0, kVocabulary - 1);
  for (int i = 0; i < kBatch * kSteps; ++i) {
    batch.tokens.push_back(token(rng));
    batch.classes.push_back(token(rng));
  }
  Matrix<float> d_outputs;
  auto step = [&] {
    const auto outputs = model.forward(std::span<const int>(batch.tokens), kSteps, kBatch);
    benchmark::DoNotOptimize(
        compute_loss(LossKind::SoftmaxCrossEntropy, outputs, batch, &d_outputs, nullptr));
    model.backward(d_outputs.view());
    optimizer->step(model.weights(), model.gradients());
    benchmark::ClobberMemory();
  };
  step();  // buffers are sized on the first step: keep that out of the timing
  for (auto _ : state) step();
  state.counters["tokens/s"] =
      benchmark::Counter(kBatch * kSteps, benchmark::Counter::kIsIterationInvariantRate);
}

void register_all() {
  for (const std::string cell : {"lstm", "gru", "rnn_tanh"}) {
    for (const auto& entry : test::builtin_plugins().backends()) {
      const std::string& backend = entry.name;
      if (backend == "naive") continue;
      for (const int threads : {1, 2}) {
        const std::string name =
            "lm_step/" + cell + "/" + backend + "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(
            name.c_str(), [=](benchmark::State& s) { lm_step(s, cell, backend, threads); })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
}

}  // namespace
}  // namespace harness::bench

int main(int argc, char** argv) {
  return harness::bench::run_benchmarks(argc, argv, harness::bench::register_all);
}
