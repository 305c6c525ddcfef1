// A sweep of six trials for the tests of sweeps split apart (shards, MPI ranks), in a scratch
// folder of its own, and `harness run` of it.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "support/files.hpp"
#include "support/run_harness.hpp"

namespace harness::test {

// Six trials of unequal size: three cells at two widths.
constexpr const char* kSweep = R"(name: sweep
seed: 3
tasks: [{kind: adding, T: 10, eval_sequences: 32}]
models: [{cell: [rnn_tanh, gru, lstm], hidden: [4, 12]}]
backend: {name: naive}
training: {batch: 8, steps: 40, eval_every: 20, stop_when_solved: false}
)";

struct Sweep {
  std::filesystem::path folder, experiment;
};

inline Sweep make_sweep(const std::string& name) {
  Sweep sweep{scratch_folder("sweep_test_" + name), {}};
  sweep.experiment = sweep.folder / "sweep.yaml";
  std::ofstream(sweep.experiment) << kSweep;
  return sweep;
}

// `harness run` of the sweep into OUT and STORE, with more arguments.
inline CommandResult run_sweep(const Sweep& sweep, const std::string& out, const std::string& store,
                               const std::string& more = "") {
  return run_harness("run '" + sweep.experiment.string() + "' --out '" +
                     (sweep.folder / out).string() + "' --store '" +
                     (sweep.folder / store).string() + "' --no-report " + more);
}

}  // namespace harness::test
