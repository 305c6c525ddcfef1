// A trained model in a safetensors file (results/safetensors.hpp): one F32 tensor per parameter,
// named as the model names them, with their shapes (rows, cols):
//   layer<l>.<fwd|bwd>.W_x  (G·H, X)   gates stacked row-wise in the cell's order (harness plugins;
//   layer<l>.<fwd|bwd>.W_h  (G·H, H)   the README's cell table), unit j of gate g in row g·H + j
//   layer<l>.<fwd|bwd>.b    (1, G·H)
//   layer<l>.<fwd|bwd>.<extra>         the cell's own parameters (p (3, H), b_hn (1, H), ...)
//   head.W_y (outputs, H·directions), head.b_y (1, outputs)
// and metadata: "format" (rnn-harness-checkpoint-1), "spec" (the trial's complete spec, JSON),
// "input" and "output" (the model's X and output width), and for token models the "vocabulary"
// (a JSON list, in id order) and its "level" (char | word).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "model/model.hpp"
#include "results/safetensors.hpp"
#include "text/corpus.hpp"

namespace harness {

struct CheckpointText {
  TextLevel level = TextLevel::Char;
  std::vector<std::string> vocabulary;
};

void save_checkpoint(const std::filesystem::path& file, const Model<float>& model,
                     const nlohmann::ordered_json& spec, const std::optional<CheckpointText>& text);

struct Checkpoint {
  nlohmann::ordered_json spec;
  int input = 0, output = 0;
  std::optional<CheckpointText> text;
  std::vector<Tensor> tensors;
};

// Reads the file (throws SafetensorsError for a damaged one, CheckpointError for one that is
// whole but not a harness checkpoint).
Checkpoint read_checkpoint(const std::filesystem::path& file);

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Copies the checkpoint's tensors into `model`; throws CheckpointError naming the first tensor
// whose name or shape differs from the model's.
void load_weights(const Checkpoint& checkpoint, const std::filesystem::path& file,
                  Model<float>& model);

}  // namespace harness
