// A trained language model rebuilt from its checkpoint (model/checkpoint.hpp), for sampling and
// scoring: the model its recorded spec describes, on its cell and backend from the plugins, with
// the checkpoint's weights and vocabulary.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "model/checkpoint.hpp"
#include "registry.hpp"
#include "text/vocabulary.hpp"

namespace harness {

struct TrainedModel {
  std::filesystem::path file;  // the checkpoint read
  nlohmann::ordered_json spec;
  TextLevel level = TextLevel::Char;
  std::unique_ptr<Vocabulary> vocabulary;
  std::shared_ptr<const Cell> cell;
  std::shared_ptr<const Backend> backend;
  std::unique_ptr<Model<float>> model;
};

// `where` is a run folder (its checkpoints/trial-<trial>.safetensors, or without `trial` the
// first trial's that holds a language model) or a checkpoint file. Throws CheckpointError (also
// for a folder without such a checkpoint, or one that is no unidirectional language model) or
// SafetensorsError.
TrainedModel load_language_model(const std::filesystem::path& where, std::optional<int> trial,
                                 const Registry& plugins);

}  // namespace harness
