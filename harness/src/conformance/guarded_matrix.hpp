// A matrix view whose rows are followed by padding holding a sentinel value, so that a check can
// see both whether every element was written and whether anything was written outside the view.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <harness/tensor.hpp>
#include <random>
#include <string>
#include <vector>

namespace harness::conformance {

inline constexpr int kPadding = 3;           // elements after each row of every buffer
inline constexpr double kSentinel = 1234.5;  // what the padding holds

// A (rows, cols) view into storage with kPadding spare elements after each row.
template <class Scalar>
class GuardedMatrix {
 public:
  GuardedMatrix(std::string name, int rows, int cols)
      : name_(std::move(name)),
        rows_(rows),
        cols_(cols),
        storage_(static_cast<std::size_t>(rows) * (cols + kPadding), Scalar(kSentinel)) {}

  void fill(Scalar value) {
    for (int r = 0; r < rows_; ++r) std::fill_n(view().row(r), cols_, value);
  }
  void fill_random(std::mt19937& rng) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    for (int r = 0; r < rows_; ++r) {
      for (int c = 0; c < cols_; ++c) view()(r, c) = static_cast<Scalar>(uniform(rng));
    }
  }
  MatrixView<Scalar> view() { return {storage_.data(), rows_, cols_, cols_ + kPadding}; }
  ConstMatrixView<Scalar> view() const { return {storage_.data(), rows_, cols_, cols_ + kPadding}; }

  // "h[2,7] is NaN", or empty when every element is finite.
  std::string first_non_finite() {
    for (int r = 0; r < rows_; ++r) {
      for (int c = 0; c < cols_; ++c) {
        if (!std::isfinite(view()(r, c))) return fmt::format("{}[{},{}]", name_, r, c);
      }
    }
    return {};
  }
  // "workspace: row 1, 2 past the last column", or empty when the padding is untouched.
  std::string first_write_outside() {
    for (int r = 0; r < rows_; ++r) {
      for (int p = 0; p < kPadding; ++p) {
        if (view().row(r)[cols_ + p] != Scalar(kSentinel)) {
          return fmt::format("{} (row {}, {} past its last column {})", name_, r, p + 1, cols_ - 1);
        }
      }
    }
    return {};
  }

 private:
  std::string name_;
  int rows_, cols_;
  std::vector<Scalar> storage_;
};

}  // namespace harness::conformance
