#include "conformance/backend_checks.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "conformance/guarded_matrix.hpp"
#include "process/child_process.hpp"

namespace harness::conformance {

namespace {

struct GemmShape {
  int m, n, k;
};

struct Scaling {
  double alpha, beta;
};

// Tolerance on |actual − reference| / max(1, max |reference|): the reference runs in double.
template <class Scalar>
constexpr double gemm_tolerance() {
  return sizeof(Scalar) == sizeof(float) ? 1e-4 : 1e-12;
}

const char* operand(Transpose t, const char* plain, const char* transposed) {
  return t == Transpose::No ? plain : transposed;
}

// A copy of a float or double matrix in double, for the reference.
template <class Scalar>
GuardedMatrix<double> in_double(const GuardedMatrix<Scalar>& from, const std::string& name) {
  const auto v = from.view();
  GuardedMatrix<double> to(name, v.rows, v.cols);
  for (int r = 0; r < v.rows; ++r) {
    for (int c = 0; c < v.cols; ++c) to.view()(r, c) = double(v(r, c));
  }
  return to;
}

// The worst element of `actual` against `expected`, as a message; empty within tolerance.
template <class Scalar>
std::string compare(ConstMatrixView<Scalar> actual, ConstMatrixView<double> expected,
                    double tolerance, const char* reference_name) {
  double scale = 1;
  for (int r = 0; r < expected.rows; ++r) {
    for (int c = 0; c < expected.cols; ++c) scale = std::max(scale, std::abs(expected(r, c)));
  }
  double worst = 0;
  int worst_r = 0, worst_c = 0;
  for (int r = 0; r < expected.rows; ++r) {
    for (int c = 0; c < expected.cols; ++c) {
      const double error = std::abs(double(actual(r, c)) - expected(r, c)) / scale;
      if (std::isnan(error) ? !std::isnan(worst) : error > worst) {
        worst = error;
        worst_r = r;
        worst_c = c;
      }
    }
  }
  if (worst <= tolerance) return {};
  return fmt::format("C[{},{}] is {:.8g} where {} gives {:.8g}", worst_r, worst_c,
                     double(actual(worst_r, worst_c)), reference_name, expected(worst_r, worst_c));
}

template <class Scalar>
std::string gemm_case_error(const Backend& backend, const Backend& reference, Transpose ta,
                            Transpose tb, GemmShape s, Scaling scaling, std::mt19937& rng) {
  GuardedMatrix<Scalar> a("A", ta == Transpose::No ? s.m : s.k, ta == Transpose::No ? s.k : s.m);
  GuardedMatrix<Scalar> b("B", tb == Transpose::No ? s.k : s.n, tb == Transpose::No ? s.n : s.k);
  GuardedMatrix<Scalar> c("C", s.m, s.n);
  a.fill_random(rng);
  b.fill_random(rng);
  // beta = 0 means C is overwritten: start from NaN to see that it is.
  if (scaling.beta == 0) {
    c.fill(std::numeric_limits<Scalar>::quiet_NaN());
  } else {
    c.fill_random(rng);
  }
  auto expected = in_double(c, "C");
  reference.gemm(ta, in_double(a, "A").view(), tb, in_double(b, "B").view(), scaling.alpha,
                 scaling.beta, expected.view());
  process::note_activity(fmt::format("the gemm with m={} n={} k={}", s.m, s.n, s.k));
  backend.gemm(ta, a.view(), tb, b.view(), static_cast<Scalar>(scaling.alpha),
               static_cast<Scalar>(scaling.beta), c.view());

  std::string error = compare<Scalar>(c.view(), expected.view(), gemm_tolerance<Scalar>(), "naive");
  if (error.empty()) error = c.first_write_outside();
  if (error.empty()) return {};
  return fmt::format("gemm {}, C = {}·{}·{} + {}·C with m={} n={} k={}: {}",
                     sizeof(Scalar) == sizeof(float) ? "float" : "double", scaling.alpha,
                     operand(ta, "A", "Aᵀ"), operand(tb, "B", "Bᵀ"), scaling.beta, s.m, s.n, s.k,
                     error);
}

}  // namespace

template <class Scalar>
std::vector<std::string> gemm_errors(const Backend& backend, const Backend& reference) {
  static const GemmShape shapes[] = {{1, 1, 1},    {1, 7, 3},    {5, 1, 9},     {3, 5, 7},
                                     {17, 33, 13}, {64, 64, 64}, {70, 130, 33}, {130, 17, 129}};
  static const Scaling scalings[] = {{1, 0}, {1, 1}, {-1.5, 0.5}, {2, 0}};
  std::mt19937 rng(23);
  std::vector<std::string> errors;
  for (const Transpose ta : {Transpose::No, Transpose::Yes}) {
    for (const Transpose tb : {Transpose::No, Transpose::Yes}) {
      for (const GemmShape& shape : shapes) {
        for (const Scaling& scaling : scalings) {
          auto error = gemm_case_error<Scalar>(backend, reference, ta, tb, shape, scaling, rng);
          if (!error.empty()) errors.push_back(std::move(error));
        }
      }
    }
  }
  return errors;
}

template std::vector<std::string> gemm_errors<float>(const Backend&, const Backend&);
template std::vector<std::string> gemm_errors<double>(const Backend&, const Backend&);

std::vector<std::string> slices_errors(const Registry& plugins, const std::string& backend_name) {
  const auto one = plugins.make_backend(backend_name, {.threads = 1});
  const auto two = plugins.make_backend(backend_name, {.threads = 2});
  std::vector<std::string> errors;
  for (const int rows : {1, 2, 3, 7, 16, 31, 32, 33, 64, 100, 257, 1000}) {
    const auto slices = one->slices(rows);
    int next = 0;
    for (const auto& slice : slices) {
      if (slice.first != next || slice.count < 1) {
        errors.push_back(fmt::format(
            "slices({}) gives rows [{}, {}) where the next slice should start at row {} and "
            "hold at least one row",
            rows, slice.first, slice.first + slice.count, next));
        break;
      }
      next = slice.first + slice.count;
    }
    if (next != rows) {
      errors.push_back(
          fmt::format("slices({}) covers rows [0, {}), not all {} rows", rows, next, rows));
    }
    const auto with_two = two->slices(rows);
    const bool same =
        with_two.size() == slices.size() &&
        std::equal(slices.begin(), slices.end(), with_two.begin(),
                   [](RowRange x, RowRange y) { return x.first == y.first && x.count == y.count; });
    if (!same) {
      errors.push_back(fmt::format(
          "slices({}) differs between 1 and 2 threads ({} and {} ranges); the split must depend "
          "on the rows only, so that results do not depend on the thread count",
          rows, slices.size(), with_two.size()));
    }
  }
  return errors;
}

std::vector<std::string> parallel_for_errors(const Backend& backend) {
  std::vector<std::string> errors;
  for (const int n : {0, 1, 2, 7, 100}) {
    std::vector<std::atomic<int>> runs(static_cast<std::size_t>(n));
    backend.parallel_for(n, [&](int i) {
      if (i >= 0 && i < n) runs[static_cast<std::size_t>(i)]++;
    });
    for (int i = 0; i < n; ++i) {
      if (const int count = runs[static_cast<std::size_t>(i)]; count != 1) {
        errors.push_back(fmt::format(
            "parallel_for({}, fn) ran fn({}) {} times by the time it returned", n, i, count));
        break;
      }
    }
  }
  return errors;
}

std::vector<std::string> concurrency_errors(const Backend& backend, const Backend& reference) {
  constexpr int kBlocks = 4, kBlockRows = 24, kInner = 40, kCols = 48, kRepeats = 20;
  std::mt19937 rng(29);
  GuardedMatrix<double> a("A", kBlocks * kBlockRows, kInner), b("B", kInner, kCols);
  a.fill_random(rng);
  b.fill_random(rng);
  GuardedMatrix<double> expected("C", kBlocks * kBlockRows, kCols);
  reference.gemm(Transpose::No, a.view(), Transpose::No, b.view(), 1.0, 0.0, expected.view());

  // C's rows [i·kBlockRows, (i+1)·kBlockRows) = A's same rows · B, kRepeats times.
  GuardedMatrix<double> c("C", kBlocks * kBlockRows, kCols);
  auto block = [&](int i) {
    for (int repeat = 0; repeat < kRepeats; ++repeat) {
      backend.gemm(Transpose::No, a.view().row_block(i * kBlockRows, kBlockRows), Transpose::No,
                   b.view(), 1.0, 0.0, c.view().row_block(i * kBlockRows, kBlockRows));
    }
  };
  std::vector<std::string> errors;
  auto expect_reference = [&](const char* how) {
    auto error = compare<double>(c.view(), expected.view(), gemm_tolerance<double>(), "naive");
    if (error.empty()) error = c.first_write_outside();
    if (!error.empty()) {
      errors.push_back(
          fmt::format("gemm on {} disjoint row blocks of C {}: {}", kBlocks, how, error));
    }
  };

  c.fill(std::numeric_limits<double>::quiet_NaN());
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kBlocks; ++i) threads.emplace_back(block, i);
  }
  expect_reference("from 4 threads at once");

  c.fill(std::numeric_limits<double>::quiet_NaN());
  backend.parallel_for(kBlocks, block);
  expect_reference("from inside the backend's parallel_for");
  return errors;
}

}  // namespace harness::conformance
