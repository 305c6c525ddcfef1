// Cell: the math of one recurrent step, forward and backward. The harness drives time.
//
// For one layer and one direction the harness
//   1. computes the input projection x⟨t⟩·W_xᵀ + b for every step in one GEMM (the "gates" buffer),
//   2. for each batch slice runs t = 0 … T−1 calling Cell::forward, then t = T−1 … 0 calling
//      Cell::backward, and
//   3. computes the weight gradients over the whole sequence in GEMMs:
//        ∂W_x = Σ_t d_gates_xᵀ · x⟨t⟩,  ∂b = Σ_t d_gates_x,  ∂x⟨t⟩ = d_gates_x · W_x,
//        ∂W_h[block] = Σ_t d_gates_h[block]ᵀ · (the block's recurrent input, see RecurrentBlock).
//
// A cell author implements (see CellFor below to write both precisions as one template):
//   spec      shapes: gate count G, the widths of the state h⟨t⟩ and of the cell state c⟨t⟩,
//             extra parameters, how many values per batch row the forward keeps for the backward
//             (workspace) and needs as temporary space (scratch), and what multiplies each block
//             of W_h — or no W_h at all.
//   forward   one step: the recurrent product(s) through ForwardStep::backend.gemm (or whatever
//             recurrence the cell has), then the element-wise math over the step's rows.
//   backward  one step: the gradients of that step (see BackwardStep for what is assigned and
//             what is accumulated).
//
// Shapes. H is the cell width (units per gate); the state h⟨t⟩ has P units (CellSpec::state_width,
// P = H unless the cell projects, as an LSTM with a projection h = W_p·m does); the cell state
// c⟨t⟩, if any, has C units (CellSpec::cell_state_width, usually H; a cell may carry more in it,
// e.g. its gates' activations at t−1).
//
// Parameters, in this order: W_x (G·H, X); W_h (G·H, P) — only if the cell declares recurrent
// blocks; b (1, G·H); then the cell's extra parameters as declared in CellSpec::extra_parameters.
// Gate g occupies rows [g·H, (g+1)·H) of W_x, W_h and b, and columns [g·H, (g+1)·H) of the gates
// buffers. A cell whose recurrence is not a matrix product (minGRU: none; IndRNN: u ⊙ h⟨t−1⟩)
// declares no recurrent blocks, and so has no W_h; its own recurrent weights are extra parameters,
// whose gradients it accumulates itself.
//
// The harness guarantees: every view has the shape documented below, with `rows` rows (a slice of
// the batch); outputs marked "accumulate" hold the gradient gathered so far and must be added to;
// forward and backward of a step see the same rows, the same workspace and the same scratch width.
// Thread safety: a cell object is immutable; forward and backward are called concurrently on
// disjoint slices, so they must keep no mutable state of their own.
#pragma once

#include <boost/config.hpp>
#include <span>
#include <string>
#include <vector>

#include "harness/backend.hpp"
#include "harness/tensor.hpp"

namespace harness {

// What a layer asks a cell for.
struct CellShape {
  int input = 0;       // X
  int hidden = 0;      // H, units per gate
  int projection = 0;  // P asked by the experiment (model key `proj`); 0 when it names none
};

struct ParameterSpec {
  // How the harness initialises the parameter.
  enum class Init {
    Zeros,
    Ones,      // gains, as a layer normalisation's
    Diagonal,  // a recurrent weight applied element-wise (IndRNN's u): by the experiment's
               // init.diagonal — U(0, 1), U(0, 2^(1/T)) or 1
    Input,     // like W_x: glorot or uniform by the experiment's init.weights, fan-in = cols
    Bias,      // like b, (1, G·H): 0, and the experiment's forget_bias for a gate named "f"
  };
  std::string name;  // e.g. "p" for peepholes
  int rows = 0;
  int cols = 0;
  Init init = Init::Zeros;
};

// What multiplies W_h's gate rows [first_gate·H, (first_gate + gate_count)·H) in the forward:
// either h⟨t−1⟩, or P columns of the step's workspace starting at workspace_column (e.g. GRU's
// r⟨t⟩ ⊙ h⟨t−1⟩). The harness uses this to compute ∂W_h over the whole sequence.
struct RecurrentBlock {
  enum class Input { PreviousHidden, Workspace };
  int first_gate = 0;
  int gate_count = 0;
  Input input = Input::PreviousHidden;
  int workspace_column = 0;
};

struct CellSpec {
  int gates = 0;  // G
  // One short name per gate, in layout order ("i", "f", "g", "o"). The harness initialises the
  // bias of a gate named "f" (forget) to the experiment's forget_bias.
  std::vector<std::string> gate_names;
  int state_width = 0;       // P, the units of h⟨t⟩; 0 means H
  int cell_state_width = 0;  // C, the units of c⟨t⟩; 0: the cell has no cell state
  std::vector<ParameterSpec> extra_parameters;
  int workspace_width = 0;  // values per batch row and step kept from forward to backward
  int scratch_width = 0;    // values per batch row needed temporarily within one step
  // Covering all G gates, in order; or empty: the cell has no W_h.
  std::vector<RecurrentBlock> recurrent_blocks;
  // Whether ∂(recurrent product) differs from ∂(input projection), as in GRU "linear before
  // reset". When false the harness passes the same view as d_gates_x and d_gates_h.
  bool separate_recurrent_gradient = false;
};

// A cell's parameters, by what they are.
template <class Scalar>
struct CellWeights {
  ConstMatrixView<Scalar> input;                   // W_x (G·H, X)
  ConstMatrixView<Scalar> recurrent;               // W_h (G·H, P); empty without recurrent blocks
  ConstMatrixView<Scalar> bias;                    // b (1, G·H)
  std::span<const ConstMatrixView<Scalar>> extra;  // as declared in CellSpec::extra_parameters
};

template <class Scalar>
struct ForwardStep {
  const Backend& backend;
  CellWeights<Scalar> weights;
  MatrixView<Scalar> gates;  // (rows, G·H) in: x⟨t⟩·W_xᵀ + b; the cell may overwrite it
  ConstMatrixView<Scalar> h_prev;  // (rows, P) h⟨t−1⟩
  ConstMatrixView<Scalar> c_prev;  // (rows, C) c⟨t−1⟩; empty without a cell state
  MatrixView<Scalar> h;            // (rows, P) out: h⟨t⟩
  MatrixView<Scalar> c;            // (rows, C) out: c⟨t⟩; empty without a cell state
  MatrixView<Scalar> workspace;    // (rows, workspace_width) out: kept for this step's backward
  MatrixView<Scalar> scratch;      // (rows, scratch_width) temporary
};

template <class Scalar>
struct BackwardStep {
  const Backend& backend;
  CellWeights<Scalar> weights;
  ConstMatrixView<Scalar> h_prev;     // (rows, P) as in the forward
  ConstMatrixView<Scalar> c_prev;     // (rows, C)
  ConstMatrixView<Scalar> h;          // (rows, P) h⟨t⟩
  ConstMatrixView<Scalar> c;          // (rows, C) c⟨t⟩
  ConstMatrixView<Scalar> workspace;  // (rows, workspace_width) as the forward left it
  ConstMatrixView<Scalar> dh;         // (rows, P) ∂L/∂h⟨t⟩, complete
  ConstMatrixView<Scalar> dc;    // (rows, C) ∂L/∂c⟨t⟩ through later steps and the final
                                 // state only; the path through h⟨t⟩ is the cell's to add
  MatrixView<Scalar> d_gates_x;  // (rows, G·H) out: ∂L/∂(x⟨t⟩·W_xᵀ + b)
  MatrixView<Scalar> d_gates_h;  // (rows, G·H) out: ∂L/∂(recurrent products); may alias
  MatrixView<Scalar> dh_prev;    // (rows, P) accumulate: ∂L/∂h⟨t−1⟩
  MatrixView<Scalar> dc_prev;    // (rows, C) accumulate: ∂L/∂c⟨t−1⟩; empty without c
  std::span<const MatrixView<Scalar>> d_extra;  // accumulate: ∂L/∂(extra parameters)
  MatrixView<Scalar> scratch;                   // (rows, scratch_width) temporary
};

class BOOST_SYMBOL_VISIBLE Cell {
 public:
  virtual ~Cell() = default;
  virtual CellSpec spec(const CellShape& shape) const = 0;
  virtual void forward(const ForwardStep<float>& step) const = 0;
  virtual void forward(const ForwardStep<double>& step) const = 0;
  virtual void backward(const BackwardStep<float>& step) const = 0;
  virtual void backward(const BackwardStep<double>& step) const = 0;
};

// Implements both precisions from Derived's member templates
//   template <class Scalar> void forward_step(const ForwardStep<Scalar>&) const;
//   template <class Scalar> void backward_step(const BackwardStep<Scalar>&) const;
template <class Derived>
class CellFor : public Cell {
 public:
  void forward(const ForwardStep<float>& step) const final { self().forward_step(step); }
  void forward(const ForwardStep<double>& step) const final { self().forward_step(step); }
  void backward(const BackwardStep<float>& step) const final { self().backward_step(step); }
  void backward(const BackwardStep<double>& step) const final { self().backward_step(step); }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

}  // namespace harness
