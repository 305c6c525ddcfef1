// The main of a benchmark program: OpenBLAS's kernel preference set before any plugin loads it,
// then Google Benchmark with the program's benchmarks registered.
#pragma once

#include <benchmark/benchmark.h>

#include "openblas_kernels.hpp"

namespace harness::bench {

inline int run_benchmarks(int argc, char** argv, void (*register_all)()) {
  prefer_avx512_openblas_kernels();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace harness::bench
