// Debian 12's OpenBLAS (0.3.21) does not recognise AVX-512 on AMD CPUs (Zen 4 and later) and runs
// its AVX2 "Haswell" kernels there, at about half the speed of its AVX-512 "SkylakeX" kernels.
#pragma once

namespace harness {

// On an AMD CPU with AVX-512 (F, BW, DQ, VL), asks OpenBLAS for its SkylakeX kernels through
// OPENBLAS_CORETYPE, unless the user already set that variable. Must run before any plugin loads
// OpenBLAS, which reads the variable once when it is loaded.
void prefer_avx512_openblas_kernels();

}  // namespace harness
