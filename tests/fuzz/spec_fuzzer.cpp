// libFuzzer target: the experiment loader and its validation (YAML reading, --set, the grid, every
// key's checks) on arbitrary text. A ConfigError is the loader doing its job; anything else — a
// crash, a sanitizer report, another exception, a hang — is a bug. Built by -DHARNESS_FUZZ=ON with
// clang; run by tools/fuzz-spec.
#include <cstddef>
#include <cstdint>
#include <string>

#include "experiment/spec.hpp"
#include "experiment/yaml_reader.hpp"

namespace {

// What the built-in plugins provide, without loading them: a projecting cell and ones that are not.
const harness::KnownNames& known() {
  static const harness::KnownNames names{
      .cells = {"rnn_tanh", "gru", "lstm", "lstm_peephole", "lstmp"},
      .backends = {"naive", "blas", "tbb"},
      .cell_problem = [](const std::string& cell, int, int proj) -> std::string {
        return proj > 0 && cell != "lstmp" ? "cell " + cell + " has no projection" : "";
      }};
  return names;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    harness::parse_experiment(text, "fuzz.yaml", {}, known());
  } catch (const harness::ConfigError&) {
  }
  return 0;
}
