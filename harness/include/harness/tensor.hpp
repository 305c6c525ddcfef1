// Non-owning matrix views: the only way tensors cross the plugin boundary.
//
// A view is (data, rows, cols, ld): element (r, c) lives at data[r * ld + c]. Rows are contiguous,
// ld >= cols, so a view can name a block of columns of a wider buffer (a gate block inside the
// stacked gate buffer) or a range of batch rows (a slice) without copying.
//
// Dimension letters used across the SDK: B batch, T time, X input width, H hidden width,
// G gates (W_x is (G·H, X)), L layers.
//
// Ownership: the harness owns every buffer a view points to and keeps it alive for the duration of
// the call it is passed to. Plugins must not keep views beyond that call.
#pragma once

#include <cassert>
#include <cstddef>

namespace harness {

template <class Scalar>
struct MatrixView {
  Scalar* data = nullptr;
  int rows = 0;
  int cols = 0;
  int ld = 0;  // distance between the starts of consecutive rows, in elements

  MatrixView() = default;
  MatrixView(Scalar* data_, int rows_, int cols_, int ld_)
      : data(data_), rows(rows_), cols(cols_), ld(ld_) {
    assert(ld >= cols || rows <= 1);
  }
  MatrixView(Scalar* data_, int rows_, int cols_) : MatrixView(data_, rows_, cols_, cols_) {}

  // A const view of a mutable one.
  operator MatrixView<const Scalar>() const { return {data, rows, cols, ld}; }

  Scalar& operator()(int r, int c) const {
    assert(r >= 0 && r < rows && c >= 0 && c < cols);
    return data[static_cast<std::ptrdiff_t>(r) * ld + c];
  }
  Scalar* row(int r) const { return data + static_cast<std::ptrdiff_t>(r) * ld; }

  // Rows [first, first + count): a batch slice.
  MatrixView row_block(int first, int count) const {
    assert(first >= 0 && count >= 0 && first + count <= rows);
    return {row(first), count, cols, ld};
  }
  // Columns [first, first + count): one gate block of a stacked buffer.
  MatrixView col_block(int first, int count) const {
    assert(first >= 0 && count >= 0 && first + count <= cols);
    return {data + first, rows, count, ld};
  }
};

template <class Scalar>
using ConstMatrixView = MatrixView<const Scalar>;

// A (rows, G·H) buffer addressed by gate: gates(r, gate, j) is unit j of gate `gate` in row r.
template <class Scalar>
struct GateView {
  MatrixView<Scalar> matrix;
  int hidden = 0;  // H

  Scalar& operator()(int r, int gate, int j) const { return matrix(r, gate * hidden + j); }
  // Units 0 … H−1 of one gate in row r: the pointer element-wise loops run over.
  Scalar* row(int r, int gate) const { return matrix.row(r) + gate * hidden; }
  // All rows of one gate: a (rows, H) view.
  MatrixView<Scalar> gate(int gate_index) const {
    return matrix.col_block(gate_index * hidden, hidden);
  }
};

}  // namespace harness
