#include "language/trained_model.hpp"

#include <fmt/format.h>
#include <fmt/std.h>

#include <map>

#include "run/runner.hpp"

namespace harness {

namespace {

// The checkpoints of a run folder, by trial number.
std::map<int, std::filesystem::path> checkpoints_of(const std::filesystem::path& folder) {
  std::map<int, std::filesystem::path> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder / "checkpoints", error)) {
    const std::string name = entry.path().filename().string();
    int trial = 0;
    if (std::sscanf(name.c_str(), "trial-%d.safetensors", &trial) == 1 &&
        entry.path() == checkpoint_file(folder, trial)) {
      found[trial] = entry.path();
    }
  }
  return found;
}

// The checkpoint to read and what it holds.
std::pair<std::filesystem::path, Checkpoint> find_checkpoint(const std::filesystem::path& where,
                                                             std::optional<int> trial) {
  if (!std::filesystem::is_directory(where)) {
    if (!std::filesystem::exists(where)) {
      throw CheckpointError(fmt::format("{} is neither a run folder nor a checkpoint file", where));
    }
    return {where, read_checkpoint(where)};
  }
  const auto checkpoints = checkpoints_of(where);
  if (checkpoints.empty()) {
    throw CheckpointError(fmt::format(
        "the run folder {} has no checkpoints (checkpoints/trial-N.safetensors): it was not "
        "written by a run of this harness, or its trials did not finish",
        where));
  }
  if (trial) {
    const auto it = checkpoints.find(*trial);
    if (it == checkpoints.end()) {
      throw CheckpointError(
          fmt::format("the run folder {} has no checkpoint of trial {}", where, *trial));
    }
    return {it->second, read_checkpoint(it->second)};
  }
  for (const auto& [number, file] : checkpoints) {
    Checkpoint checkpoint = read_checkpoint(file);
    if (checkpoint.text) return {file, std::move(checkpoint)};
  }
  throw CheckpointError(
      fmt::format("no trial of the run folder {} is a language model (task lm)", where));
}

}  // namespace

TrainedModel load_language_model(const std::filesystem::path& where, std::optional<int> trial,
                                 const Registry& plugins) {
  auto [file, checkpoint] = find_checkpoint(where, trial);
  if (!checkpoint.text) {
    throw CheckpointError(fmt::format("{} holds no language model (no vocabulary)", file));
  }
  TrainedModel trained;
  trained.file = file;
  trained.spec = checkpoint.spec;
  trained.level = checkpoint.text->level;
  trained.vocabulary = std::make_unique<Vocabulary>(checkpoint.text->vocabulary);
  try {
    const auto& model = trained.spec.at("model");
    if (model.at("bidirectional").get<bool>()) {
      throw CheckpointError(fmt::format(
          "{} holds a bidirectional model: it reads text both ways and cannot write or score "
          "it one token after another",
          file));
    }
    trained.cell = plugins.make_cell(model.at("cell").get<std::string>());
    trained.backend =
        plugins.make_backend(trained.spec.at("backend").at("name").get<std::string>(),
                             {.threads = trained.spec.at("backend").at("threads").get<int>()});
    trained.model = std::make_unique<Model<float>>(
        *trained.cell, *trained.backend,
        ModelShape{.input = checkpoint.input,
                   .hidden = model.at("hidden").get<int>(),
                   .projection = model.value("proj", 0),
                   .layers = model.at("layers").get<int>(),
                   .learn_initial_state = model.value("learn_initial_state", false),
                   .output = checkpoint.output,
                   .readout = Readout::EveryStep});
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(fmt::format("{}: its recorded spec is incomplete ({})", file, e.what()));
  }
  load_weights(checkpoint, file, *trained.model);
  return trained;
}

}  // namespace harness
