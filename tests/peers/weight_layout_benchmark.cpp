// Whether preparing W_h once per pass would pay: the recurrent GEMMs of T steps with W_h as the
// layer stores it, (G·H, H), against W_hᵀ laid out once beforehand, on one thread of each engine
// (oneDNN's dnnl_sgemm, OpenBLAS's cblas_sgemm).
//   forward   gates⟨t⟩ (B, G·H) += h⟨t−1⟩ (B, H) · W_hᵀ       stored: transB = T;  prepared: N
//   backward  dh⟨t−1⟩ (B, H)  += d_gates⟨t⟩ (B, G·H) · W_h     stored: transB = N;  prepared: T
// Names: <engine>/<forward|backward>/<stored|prepared>/<size>; the sizes are the LSTM's S, M, L.
// The preparation itself (one transpose per pass) is not timed: it is O(G·H²) against the T
// steps' O(T·B·G·H²).
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <dnnl.h>
#include <omp.h>

#include <random>
#include <string>
#include <vector>

#include "openblas_kernels.hpp"

namespace {

struct Shape {
  const char* id;
  int batch, hidden, gates, steps;
};
constexpr Shape kShapes[]{{"S", 32, 128, 4, 200}, {"M", 64, 512, 4, 50}, {"L", 32, 1024, 4, 25}};

enum class Engine { Onednn, Openblas };
enum class Pass { Forward, Backward };

void sgemm(Engine engine, bool transpose_b, int m, int n, int k, const float* a, int lda,
           const float* b, int ldb, float* c, int ldc) {
  if (engine == Engine::Onednn) {
    dnnl_sgemm('N', transpose_b ? 'T' : 'N', m, n, k, 1.0f, a, lda, b, ldb, 1.0f, c, ldc);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0f,
                a, lda, b, ldb, 1.0f, c, ldc);
  }
}

void recurrent_gemms(benchmark::State& state, Engine engine, Pass pass, bool prepared,
                     Shape shape) {
  omp_set_num_threads(1);
  openblas_set_num_threads(1);
  const int B = shape.batch, H = shape.hidden, GH = shape.gates * shape.hidden, T = shape.steps;
  std::mt19937 random(1);
  std::uniform_real_distribution<float> uniform(-0.1f, 0.1f);
  auto filled = [&](std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = uniform(random);
    return v;
  };
  const std::vector<float> w = filled(std::size_t(GH) * H);  // (GH, H), or (H, GH) prepared
  const int in_width = pass == Pass::Forward ? H : GH, out_width = pass == Pass::Forward ? GH : H;
  const std::vector<float> in = filled(std::size_t(T) * B * in_width);
  std::vector<float> out = filled(std::size_t(T) * B * out_width);
  // forward: stored (GH, H) is read transposed; backward: stored (GH, H) is read as it is.
  const bool transpose_b = (pass == Pass::Forward) != prepared;
  const int ldb = transpose_b == (pass == Pass::Forward) ? H : GH;
  for (auto _ : state) {
    for (int t = 0; t < T; ++t) {
      sgemm(engine, transpose_b, B, out_width, in_width, in.data() + std::size_t(t) * B * in_width,
            in_width, w.data(), ldb, out.data() + std::size_t(t) * B * out_width, out_width);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * T * B * GH * H, benchmark::Counter::kIsRate);
}

void register_all() {
  for (const auto& [engine, engine_name] :
       {std::pair{Engine::Onednn, "onednn"}, std::pair{Engine::Openblas, "openblas"}}) {
    for (const auto& [pass, pass_name] :
         {std::pair{Pass::Forward, "forward"}, std::pair{Pass::Backward, "backward"}}) {
      for (const Shape& shape : kShapes) {
        for (const bool prepared : {false, true}) {
          const std::string name = std::string(engine_name) + "/" + pass_name + "/" +
                                   (prepared ? "prepared" : "stored") + "/" + shape.id;
          benchmark::RegisterBenchmark(name.c_str(), recurrent_gemms, engine, pass, prepared, shape)
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  harness::prefer_avx512_openblas_kernels();
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
