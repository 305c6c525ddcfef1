#include "conformance/layer_checks.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>

#include "conformance/outcome.hpp"

namespace harness::conformance {

namespace {

// The names of the tensors in which two outcomes differ in any bit.
std::vector<std::string> differing_tensors(const Outcome& a, const Outcome& b) {
  std::vector<std::string> names;
  for (const auto& [name, values] : a) {
    const auto it = b.find(name);
    if (it == b.end() || it->second.size() != values.size() ||
        std::memcmp(values.data(), it->second.data(), values.size() * sizeof(double)) != 0) {
      names.push_back(name);
    }
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

const std::vector<Shape>& agreement_shapes() {
  static const std::vector<Shape> shapes{
      {.input = 1, .hidden = 1, .batch = 1, .steps = 1},
      {.input = 2, .hidden = 1, .batch = 3, .steps = 4},
      {.input = 3, .hidden = 13, .batch = 1, .steps = 6},
      {.input = 5, .hidden = 7, .batch = 9, .steps = 1},
      {.input = 11, .hidden = 37, .batch = 19, .steps = 5},   // batch slices of odd sizes
      {.input = 24, .hidden = 70, .batch = 37, .steps = 12},  // GEMMs split by rows
      {.input = 3, .hidden = 400, .batch = 12, .steps = 2},   // and by columns
  };
  return shapes;
}

std::vector<std::string> agreement_errors(const Registry& plugins, const Cell& cell,
                                          const std::string& backend_name,
                                          const Backend& reference) {
  std::vector<std::string> errors;
  const std::shared_ptr<const Backend> backends[] = {
      plugins.make_backend(backend_name, {.threads = 1}),
      plugins.make_backend(backend_name, {.threads = 2})};
  for (const Shape& shape : agreement_shapes()) {
    const Layer<double> probe(cell, reference, shape.input, shape.hidden);
    const LayerProblem<float> problem_f(probe.layout(), shape, /*seed=*/3);
    const auto problem_d = convert<double>(probe.layout(), problem_f);
    const Outcome expected = run_layer(cell, reference, problem_d);
    for (const int threads : {1, 2}) {
      const auto& backend = backends[threads - 1];
      const std::string where =
          fmt::format("{}, {} thread{}", describe(shape), threads, threads == 1 ? "" : "s");
      for (const auto& m :
           mismatches(run_layer(cell, *backend, problem_d), expected, kDoubleAgreement)) {
        errors.push_back(fmt::format("{}, double: {}", where, m.describe()));
      }
      for (const auto& m :
           mismatches(run_layer(cell, *backend, problem_f), expected, kFloatAgreement)) {
        errors.push_back(fmt::format("{}, float: {}", where, m.describe()));
      }
    }
  }
  return errors;
}

std::vector<std::string> determinism_errors(const Registry& plugins, const Cell& cell,
                                            const std::string& backend_name) {
  std::vector<std::string> errors;
  for (const int threads : {1, 2}) {
    const auto backend = plugins.make_backend(backend_name, {.threads = threads});
    for (const Shape& shape : agreement_shapes()) {
      Layer<float> reused(cell, *backend, shape.input, shape.hidden);
      const LayerProblem<float> problem(reused.layout(), shape, /*seed=*/5);
      // An earlier problem, larger in batch and time, leaves its values in the layer's buffers.
      const Shape larger{shape.input, shape.hidden, shape.batch + 2, shape.steps + 3};
      run_layer(reused, LayerProblem<float>(reused.layout(), larger, /*seed=*/6));

      const Outcome first = run_layer(cell, *backend, problem);
      const std::string where =
          fmt::format("{}, {} thread{}", describe(shape), threads, threads == 1 ? "" : "s");
      if (auto differ = differing_tensors(first, run_layer(cell, *backend, problem));
          !differ.empty()) {
        errors.push_back(
            fmt::format("{}: {} differ between two identical runs", where, joined(differ)));
      }
      if (auto differ = differing_tensors(first, run_layer(reused, problem)); !differ.empty()) {
        errors.push_back(fmt::format("{}: {} differ when the layer ran another problem before",
                                     where, joined(differ)));
      }
    }
  }
  return errors;
}

std::vector<std::string> thread_count_errors(const Registry& plugins, const Cell& cell,
                                             const std::string& backend_name) {
  std::vector<std::string> errors;
  const auto one = plugins.make_backend(backend_name, {.threads = 1});
  const auto two = plugins.make_backend(backend_name, {.threads = 2});
  for (const Shape& shape : agreement_shapes()) {
    const Layer<float> probe(cell, *one, shape.input, shape.hidden);
    const LayerProblem<float> problem(probe.layout(), shape, /*seed=*/5);
    if (auto differ =
            differing_tensors(run_layer(cell, *one, problem), run_layer(cell, *two, problem));
        !differ.empty()) {
      errors.push_back(
          fmt::format("{}: {} differ between 1 and 2 threads", describe(shape), joined(differ)));
    }
  }
  return errors;
}

}  // namespace harness::conformance
