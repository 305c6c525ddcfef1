#include "conformance/suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "conformance/backend_checks.hpp"
#include "conformance/gradient_check.hpp"
#include "conformance/layer_checks.hpp"
#include "conformance/step_contract.hpp"
#include "process/child_process.hpp"

namespace harness::conformance {

namespace {

constexpr const char* kReference = "naive";

struct StepShape {
  int input, hidden, rows;
};
constexpr StepShape kStepShapes[] = {{1, 1, 1}, {3, 13, 5}, {5, 7, 2}, {2, 33, 3}};
const Shape kGradientShapes[] = {Shape{},  // the first also requires every tensor to matter
                                 {.input = 1, .hidden = 1, .batch = 1, .steps = 1},
                                 {.input = 5, .hidden = 7, .batch = 3, .steps = 3}};

constexpr char kFailureMessage = 'F';

std::string exception_failure(std::string_view what) {
  return fmt::format("threw an exception: {}", what);
}

// Runs one check, in a child process when isolated; an exception escaping plugin code, a crash
// or a hang is a failure of that check.
CheckResult run_one_check(const SuiteOptions& options, std::string subject, std::string check,
                          std::string scope,
                          const std::function<std::vector<std::string>()>& errors) {
  CheckResult result{std::move(subject), std::move(check), std::move(scope), {}};
  if (!options.isolate) {
    try {
      result.failures = errors();
    } catch (const std::exception& error) {
      result.failures.push_back(exception_failure(error.what()));
    }
    return result;
  }
  const auto end = process::run_in_child(
      [&](const process::Channel& channel) {
        for (const auto& failure : errors()) channel.send(kFailureMessage, failure);
      },
      [&](const process::Message& message) {
        result.failures.push_back(message.kind == process::kExceptionMessage
                                      ? exception_failure(message.payload)
                                      : message.payload);
      },
      {.timeout = options.timeout});
  if (!end.finished) {
    result.failures.push_back(end.describe());
  }
  return result;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void run_suite(const Registry& plugins, const Subjects& subjects, const SuiteOptions& options,
               const std::function<void(const CheckResult&)>& report) {
  const auto run_check = [&](std::string subject, std::string check, std::string scope,
                             const std::function<std::vector<std::string>()>& errors) {
    return run_one_check(options, std::move(subject), std::move(check), std::move(scope), errors);
  };
  const auto reference = plugins.make_backend(kReference, {});
  // The cells and backends under test that are safe to run in a layer.
  std::vector<std::string> consistent_cells, sound_backends;

  for (const auto& name : subjects.cells) {
    const auto cell = plugins.make_cell(name);
    const std::string subject = "cell " + name;
    const auto spec = run_check(subject, "spec is consistent", "H = 1, 7, 13", [&] {
      std::vector<std::string> errors;
      for (const auto& [input, hidden] : {std::pair{1, 1}, {3, 7}, {5, 13}}) {
        append(errors, spec_errors(*cell, input, hidden));
      }
      return errors;
    });
    report(spec);
    if (!spec.passed()) continue;  // running it would read and write out of bounds
    const auto contract = run_check(
        subject, "each step writes its outputs and only inside its views",
        "4 shapes, float and double", [&] {
          std::vector<std::string> errors;
          for (const auto& s : kStepShapes) {
            append(errors, step_contract_errors(*cell, *reference, s.input, s.hidden, s.rows));
          }
          return errors;
        });
    report(contract);
    if (!contract.passed()) continue;  // in a layer it would corrupt the layer's buffers
    consistent_cells.push_back(name);
    report(run_check(subject, "gradients match finite differences",
                     "x, h0, c0 and every parameter; 3 shapes", [&] {
                       std::vector<std::string> errors;
                       for (const auto& shape : kGradientShapes) {
                         const bool first = &shape == &kGradientShapes[0];
                         append(errors, gradient_errors(*cell, *reference, shape, first));
                       }
                       return errors;
                     }));
  }

  for (const auto& name : subjects.backends) {
    const std::string subject = "backend " + name;
    // Made where it is used: a backend may start threads, which a later fork would not carry.
    const auto backend = [&] { return plugins.make_backend(name, {.threads = 2}); };
    const char* gemm_scope = "4 transpositions × 8 shapes × 4 alpha, beta";
    const auto gemm_float = run_check(subject, "gemm in float matches naive", gemm_scope,
                                      [&] { return gemm_errors<float>(*backend(), *reference); });
    report(gemm_float);
    const auto gemm_double = run_check(subject, "gemm in double matches naive", gemm_scope,
                                       [&] { return gemm_errors<double>(*backend(), *reference); });
    report(gemm_double);
    report(run_check(subject, "slices cover the batch, whatever the threads", "12 batch sizes",
                     [&] { return slices_errors(plugins, name); }));
    report(run_check(subject, "parallel_for runs every task once", "5 task counts",
                     [&] { return parallel_for_errors(*backend()); }));
    // A wrong gemm would fail every check built on it, and one writing outside C would corrupt
    // a layer's buffers: the rest needs a correct gemm.
    if (!gemm_float.passed() || !gemm_double.passed()) continue;
    sound_backends.push_back(name);
    report(run_check(subject, "gemm is safe on disjoint outputs concurrently",
                     "4 threads; inside parallel_for",
                     [&] { return concurrency_errors(*backend(), *reference); }));
  }

  // Every cell with every backend where either is under test.
  for (const auto& cell_info : plugins.cells()) {
    for (const auto& backend_info : plugins.backends()) {
      const bool cell_tested = contains(subjects.cells, cell_info.name);
      const bool backend_tested = contains(subjects.backends, backend_info.name);
      if (!cell_tested && !backend_tested) continue;
      if (cell_tested && !contains(consistent_cells, cell_info.name)) continue;
      if (backend_tested && !contains(sound_backends, backend_info.name)) continue;
      const auto cell = plugins.make_cell(cell_info.name);
      const std::string subject =
          fmt::format("cell {} on backend {}", cell_info.name, backend_info.name);
      if (backend_info.name != kReference) {
        report(run_check(
            subject, "agrees with naive", "7 shapes; 1, 2 threads; float, double",
            [&] { return agreement_errors(plugins, *cell, backend_info.name, *reference); }));
      }
      report(run_check(subject, "deterministic", "repeated; reused buffers; 1, 2 threads",
                       [&] { return determinism_errors(plugins, *cell, backend_info.name); }));
    }
  }
}

}  // namespace harness::conformance
