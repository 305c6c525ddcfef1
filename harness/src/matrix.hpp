// An owned, row-major matrix: the harness side of the SDK's non-owning views.
#pragma once

#include <algorithm>
#include <harness/tensor.hpp>
#include <vector>

namespace harness {

template <class Scalar>
class Matrix {
 public:
  Matrix() = default;
  Matrix(int rows, int cols) { resize(rows, cols); }

  // Reallocates only when the size grows; contents are unspecified after a resize.
  void resize(int rows, int cols) {
    rows_ = rows;
    cols_ = cols;
    const auto size = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
    if (data_.size() < size) data_.resize(size);
  }
  void fill(Scalar value) { std::fill(data_.begin(), data_.begin() + size(), value); }

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  std::size_t size() const { return static_cast<std::size_t>(rows_) * cols_; }
  Scalar* data() { return data_.data(); }
  const Scalar* data() const { return data_.data(); }
  Scalar& operator()(int r, int c) { return view()(r, c); }
  Scalar operator()(int r, int c) const { return view()(r, c); }

  MatrixView<Scalar> view() { return {data_.data(), rows_, cols_}; }
  ConstMatrixView<Scalar> view() const { return {data_.data(), rows_, cols_}; }

 private:
  int rows_ = 0;
  int cols_ = 0;
  std::vector<Scalar> data_;
};

// Copies `from` into `to`, of the same shape; either may be a block of a wider matrix.
template <class Scalar>
void copy_rows(ConstMatrixView<Scalar> from, MatrixView<Scalar> to) {
  for (int r = 0; r < from.rows; ++r) std::copy_n(from.row(r), from.cols, to.row(r));
}

}  // namespace harness
