// A model: input → L stacked layers of one cell on one backend, each with one or two directions
// (bidirectional: the backward direction has its own weights and reads the sequence reversed;
// the two outputs are merged — concatenated, y = [h→, h←], or summed, y = h→ + h← (Keras
// merge_mode) — and layer l + 1 reads the merge) → a linear head z = W_y y + b_y at every step
// (many-to-many), or once (many-to-one) from each direction's final state, merged the same way
// from h→⟨T⟩ and h←⟨1⟩: the backward direction has read the whole sequence at step 1.
//
// Between stacked layers, dropout (PyTorch's `dropout`) while training: layer l + 1 reads
// y ⊙ m / (1 − p), m ~ Bernoulli(1 − p) drawn anew for every pass, never after the top layer.
// The initial state of each layer and direction is zeros, or learnt: parameters h0 (1, P) and
// c0 (1, C) shared by every sequence of the batch.
//
// All parameters live in one arena, and their gradients in another of the same layout, so that
// norms, clipping and optimizers are flat loops.
#pragma once

#include <harness/backend.hpp>
#include <harness/cell.hpp>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "layer.hpp"
#include "matrix.hpp"
#include "parameters.hpp"
#include "tasks/task.hpp"

namespace harness {

struct ModelShape {
  int input = 0;       // X; for token inputs, the vocabulary size
  int hidden = 0;      // H per direction
  int projection = 0;  // P asked of the cell (CellShape::projection); 0: none
  int layers = 1;      // L
  bool bidirectional = false;
  Merge merge = Merge::Concat;  // of the two directions
  double dropout = 0;           // p between stacked layers, while training
  bool learn_initial_state = false;
  int output = 0;  // classes or values per readout
  Readout readout = Readout::LastStep;
};

// The shape of a trial's model: the spec's, with the task's input, output and readout.
ModelShape model_shape(const ModelSpec& model, const Task& task);

// A named slice of the parameter arena, e.g. "layer1.fwd.W_h" or "head.W_y".
struct NamedParameter {
  std::string name;
  ParameterRole role = ParameterRole::Extra;
  std::size_t offset = 0;
  int rows = 0;
  int cols = 0;
  ParameterSpec::Init init = ParameterSpec::Init::Zeros;  // for a cell's extra parameters
  std::size_t size() const { return static_cast<std::size_t>(rows) * cols; }
};

// The recurrent state between two forward passes: per layer, h (B, P) and, for cells with one,
// c (B, C), of the forward direction.
template <class Scalar>
struct RecurrentState {
  std::vector<Matrix<Scalar>> h, c;
};

// What a model holds, in scalars, counted without allocating it: its parameters (the gradients
// are as many again) and its buffers after a forward and backward of one batch size.
struct ModelFootprint {
  std::size_t parameters = 0;
  std::size_t buffers = 0;  // the layers', the stack's and the head's
};

template <class Scalar>
class Model {
 public:
  Model(const Cell& cell, const Backend& backend, const ModelShape& shape);

  // The footprint of Model(cell, backend, shape) after passes of `batch` sequences of `steps`
  // steps (its largest): so that a model too large for the machine is refused before it exists.
  static ModelFootprint footprint(const Cell& cell, const Backend& backend, const ModelShape& shape,
                                  int steps, int batch, bool token_input);

  const ModelShape& shape() const { return shape_; }
  const std::vector<NamedParameter>& parameters() const { return named_; }
  std::span<Scalar> weights() { return weights_; }
  std::span<const Scalar> weights() const { return weights_; }
  std::span<Scalar> gradients() { return gradients_; }
  const CellSpec& cell_spec() const { return layers_.front()->spec(); }
  // Width of a layer's output per direction (P) and of the head's input.
  int state_width() const { return layers_.front()->output_size(); }
  int top_width() const;

  // While training, dropout masks are drawn (from a generator seeded here); otherwise none.
  void set_training(bool training) { training_ = training; }
  void seed_dropout(std::uint64_t seed) { dropout_rng_.seed(seed); }

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
    std::size_t initial_offset = 0;                  // of the learnt h0 and c0, when learnt
    Matrix<Scalar> h0, c0;                           // (B, P), (B, C): this pass's initial state
    Matrix<Scalar> reversed_input, reversed_dy, dx;  // for the backward direction
  };
  // First column of direction d in a merged (·, top_width) matrix.
  int merged_column(std::size_t d) const;
  // Sets dir.h0 and dir.c0 for a batch: the carried state, the learnt one, or zeros.
  void prepare_initial_state(Direction& dir, std::size_t l, std::size_t d, int batch);
  void add_initial_state_gradients(const Direction& dir, const Layer<Scalar>& layer);
  // Dropout on layer l − 1's output for layer l (l ≥ 1): a new mask while training; the input
  // layer l reads (the masked output, or the output itself).
  bool dropping_out() const;
  void draw_dropout(std::size_t l);
  ConstMatrixView<Scalar> layer_input(std::size_t l) const;
  ConstMatrixView<Scalar> zeros(int rows, int cols);  // a zero state

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
  std::vector<Matrix<Scalar>> layer_outputs_;  // [layer] (T·B, top_width)
  std::vector<Matrix<Scalar>> layer_d_outputs_;
  std::vector<Matrix<Scalar>> dropout_masks_, dropped_;  // [layer], for layers ≥ 1 while training
  bool training_ = false;
  std::mt19937_64 dropout_rng_;
  Matrix<Scalar> final_states_, d_final_states_;  // (B, top_width), many-to-one readout
  Matrix<Scalar> head_output_, zeros_;
};

extern template class Model<float>;
extern template class Model<double>;

}  // namespace harness
