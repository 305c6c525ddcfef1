// Every cell × backend at the S, M and L sizes (naive at S only), forward and forward + backward,
// on one and two threads. Each is checked against the naive reference (in double, on the same X,
// H and B with T = 2) before it is timed; a benchmark that disagrees is reported as an error, not
// timed. Counters: steps/s (timesteps of the layer per second) and FLOP/s.
//
// Names: <cell>/<backend>/<size>/<fwd|fwd+bwd>/threads:<n>, e.g. lstm/blas/M/fwd+bwd/threads:1.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "conformance/outcome.hpp"
#include "run_benchmarks.hpp"
#include "sizes.hpp"
#include "support/plugins.hpp"

namespace harness::bench {
namespace {

constexpr double kFloatTolerance = 2e-4;  // as in backend_agreement_test

enum class Mode { Forward, ForwardBackward };

struct Benchmarked {
  std::string cell, backend;
  Size size;
  Mode mode;
  int threads;
};

// The naive double reference for a cell at a size (T = 2), computed once and shared.
const conformance::Outcome& reference(const Cell& cell, const std::string& cell_name,
                                      const Size& size, const conformance::Shape& check_shape,
                                      const conformance::LayerProblem<float>& problem) {
  static std::map<std::string, conformance::Outcome> cache;
  const std::string key = cell_name + "/" + size.id;
  auto it = cache.find(key);
  if (it == cache.end()) {
    const auto naive = test::builtin_plugins().make_backend("naive", {});
    const Layer<double> probe(cell, *naive, check_shape.input, check_shape.hidden);
    const auto problem_d = conformance::convert<double>(probe.layout(), problem);
    it = cache.emplace(key, conformance::run_layer(cell, *naive, problem_d)).first;
  }
  return it->second;
}

// Empty when the backend agrees with the reference, else what disagrees.
std::string check_against_reference(const Cell& cell, const Backend& backend,
                                    const Benchmarked& b) {
  conformance::Shape check_shape = b.size.shape;
  check_shape.steps = 2;
  const Layer<float> probe(cell, backend, check_shape.input, check_shape.hidden);
  const conformance::LayerProblem<float> problem(probe.layout(), check_shape, /*seed=*/1);
  const auto& expected = reference(cell, b.cell, b.size, check_shape, problem);
  const auto found = conformance::mismatches(conformance::run_layer(cell, backend, problem),
                                             expected, kFloatTolerance);
  return found.empty() ? "" : "disagrees with naive: " + found.front().describe();
}

void run(benchmark::State& state, const Benchmarked& b) {
  const auto& plugins = test::builtin_plugins();
  const auto cell = plugins.make_cell(b.cell);
  const auto backend = plugins.make_backend(b.backend, {.threads = b.threads});
  if (const std::string error = check_against_reference(*cell, *backend, b); !error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }

  const conformance::Shape& shape = b.size.shape;
  Layer<float> layer(*cell, *backend, shape.input, shape.hidden);
  const conformance::LayerProblem<float> problem(layer.layout(), shape, /*seed=*/2, 0.1f);
  const auto parameters = problem.parameter_views(layer.layout());
  std::vector<float> gradient_arena(layer.layout().size());
  const auto gradients = layer.layout().views(std::span<float>(gradient_arena));
  Matrix<float> dx(shape.steps * shape.batch, shape.input);

  auto pass = [&] {
    layer.forward(parameters, problem.x.view(), shape.steps, problem.h0.view(), problem.c0.view());
    if (b.mode == Mode::ForwardBackward) {
      layer.backward(parameters, gradients, problem.x.view(), problem.w_y.view(),
                     problem.w_h.view(), problem.w_c.view(), dx.view());
    }
    benchmark::DoNotOptimize(layer.final_hidden().data);
    benchmark::ClobberMemory();
  };
  pass();  // the layer sizes its buffers on its first pass: keep that out of the timing
  for (auto _ : state) pass();
  const double flops =
      forward_flops(layer.layout().size(), shape) * (b.mode == Mode::Forward ? 1 : 3);
  state.counters["FLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["steps/s"] =
      benchmark::Counter(shape.steps, benchmark::Counter::kIsIterationInvariantRate);
}

void register_all() {
  for (const auto& size : sizes()) {
    for (const auto& cell : size.cells) {
      for (const auto& entry : test::builtin_plugins().backends()) {
        const std::string& backend = entry.name;
        if (backend == "naive" && size.id != "S") continue;
        for (const Mode mode : {Mode::Forward, Mode::ForwardBackward}) {
          for (const int threads : {1, 2}) {
            if (backend == "naive" && threads == 2) continue;
            const Benchmarked b{cell, backend, size, mode, threads};
            const std::string name = cell + "/" + backend + "/" + size.id + "/" +
                                     (mode == Mode::Forward ? "fwd" : "fwd+bwd") +
                                     "/threads:" + std::to_string(threads);
            benchmark::RegisterBenchmark(name.c_str(), [b](benchmark::State& s) { run(s, b); })
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
          }
        }
      }
    }
  }
}

// --sizes prints the size table as JSON (for the peer comparison) instead of benchmarking.
void print_sizes() {
  nlohmann::json sizes_json = nlohmann::json::array();
  for (const auto& size : sizes()) {
    const auto& s = size.shape;
    sizes_json.push_back({{"id", size.id},
                          {"X", s.input},
                          {"H", s.hidden},
                          {"B", s.batch},
                          {"T", s.steps},
                          {"cells", size.cells}});
  }
  std::printf("%s\n", sizes_json.dump().c_str());
}

}  // namespace
}  // namespace harness::bench

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--sizes") {
    harness::bench::print_sizes();
    return 0;
  }
  return harness::bench::run_benchmarks(argc, argv, harness::bench::register_all);
}
