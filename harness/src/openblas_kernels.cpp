#include "openblas_kernels.hpp"

#include <cstdlib>

namespace harness {

void prefer_avx512_openblas_kernels() {
  if (std::getenv("OPENBLAS_CORETYPE")) return;
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  if (__builtin_cpu_is("amd") && avx512) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
}

}  // namespace harness
