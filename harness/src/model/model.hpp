// A model: input → L stacked layers of one cell on one backend, each with one or two directions
// (bidirectional: the backward direction has its own weights and reads the sequence reversed;
// the two outputs are concatenated, y = [h→, h←], and layer l + 1 reads both) → a linear head
// z = W_y y + b_y at every step (many-to-many), or once (many-to-one) from each direction's final
// state, y = [h→⟨T⟩, h←⟨1⟩]: the backward direction has read the whole sequence at step 1.
//
// All parameters live in one arena, and their gradients in another of the same layout, so that
// norms, clipping and optimizers are flat loops.
#pragma once

#include <harness/backend.hpp>
#include <harness/cell.hpp>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "layer.hpp"
#include "matrix.hpp"
#include "parameters.hpp"
#include "tasks/task.hpp"

namespace harness {

struct ModelShape {
  int input = 0;   // X; for token inputs, the vocabulary size
  int hidden = 0;  // H per direction
  int layers = 1;  // L
  bool bidirectional = false;
  int output = 0;  // classes or values per readout
  Readout readout = Readout::LastStep;
};

// A named slice of the parameter arena, e.g. "layer1.fwd.W_h" or "head.W_y".
struct NamedParameter {
  std::string name;
  ParameterRole role = ParameterRole::Extra;
  std::size_t offset = 0;
  int rows = 0;
  int cols = 0;
  std::size_t size() const { return static_cast<std::size_t>(rows) * cols; }
};

// The recurrent state between two forward passes: per layer, h and (for cells with one) c, (B, H)
// each, of the forward direction.
template <class Scalar>
struct RecurrentState {
  std::vector<Matrix<Scalar>> h, c;
};

template <class Scalar>
class Model {
 public:
  Model(const Cell& cell, const Backend& backend, const ModelShape& shape);

  const ModelShape& shape() const { return shape_; }
  const std::vector<NamedParameter>& parameters() const { return named_; }
  std::span<Scalar> weights() { return weights_; }
  std::span<const Scalar> weights() const { return weights_; }
  std::span<Scalar> gradients() { return gradients_; }
  const CellSpec& cell_spec() const { return layers_.front()->spec(); }

  // Forward over (T·B, X) inputs or T·B tokens (layer.hpp); returns the head's outputs:
  // (B, output) for LastStep, (T·B, output) for EveryStep. Starts from the initial state.
  ConstMatrixView<Scalar> forward(SequenceInput<Scalar> inputs, int steps, int batch);

  // The state the next forward starts from: zeros, unless set to an earlier pass's final state
  // (truncated BPTT carries it from one chunk to the next; gradients stop there). A state of
  // another batch size counts as zeros. Unidirectional models only.
  void set_initial_state(RecurrentState<Scalar> state);
  void reset_state() { initial_ = {}; }
  // After forward: the final state of each layer.
  RecurrentState<Scalar> final_state() const;

  // Given ∂L/∂outputs (same shape as forward's result), sets gradients() (overwriting).
  void backward(ConstMatrixView<Scalar> d_outputs);

  // After backward: ‖∂L/∂h⟨t⟩‖ for t = 1 … T of the first layer's forward direction.
  std::vector<double> hidden_gradient_norms() const;

  // Floating-point operations of one forward pass (backward is twice that).
  double forward_flops(int steps, int batch) const;

 private:
  struct Direction {
    std::size_t offset = 0;  // of its parameters in the arena
    // Views into the arenas, made once: the arenas never move after construction.
    std::vector<ConstMatrixView<Scalar>> parameters;
    std::vector<MatrixView<Scalar>> gradients;
    Matrix<Scalar> reversed_input, reversed_dy, dx;  // for the backward direction
  };
  // fn(row of the top layer's output, batch row, first column) for each direction's final state.
  template <class Fn>
  void for_each_final_state(Fn fn) const;

  const Backend& backend_;
  ModelShape shape_;
  std::vector<std::unique_ptr<Layer<Scalar>>> layers_;  // owns every direction's layer
  std::vector<std::vector<Direction>> stack_;           // [layer][direction]
  std::vector<NamedParameter> named_;
  std::vector<Scalar> weights_, gradients_;

  int steps_ = 0, batch_ = 0;
  SequenceInput<Scalar> input_{ConstMatrixView<Scalar>{}};
  std::vector<int> reversed_tokens_;  // token inputs, time-reversed for the backward direction
  RecurrentState<Scalar> initial_;
  std::vector<Matrix<Scalar>> layer_outputs_;  // [layer] (T·B, H·directions)
  std::vector<Matrix<Scalar>> layer_d_outputs_;
  Matrix<Scalar> final_states_, d_final_states_;  // (B, H·directions), many-to-one readout
  Matrix<Scalar> head_output_, zeros_;
};

extern template class Model<float>;
extern template class Model<double>;

}  // namespace harness
