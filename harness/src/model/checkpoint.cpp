#include "model/checkpoint.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/std.h>

#include "results/safetensors.hpp"

namespace harness {

namespace {
constexpr const char* kFormat = "rnn-harness-checkpoint-1";
}

void save_checkpoint(const std::filesystem::path& file, const Model<float>& model,
                     const nlohmann::ordered_json& spec,
                     const std::optional<CheckpointText>& text) {
  SafetensorsFile contents;
  const auto weights = model.weights();
  for (const auto& p : model.parameters()) {
    contents.tensors.push_back(
        {p.name,
         {long(p.rows), long(p.cols)},
         {weights.begin() + long(p.offset), weights.begin() + long(p.offset + p.size())}});
  }
  contents.metadata["format"] = kFormat;
  contents.metadata["spec"] = spec.dump();
  contents.metadata["input"] = std::to_string(model.shape().input);
  contents.metadata["output"] = std::to_string(model.shape().output);
  if (text) {
    contents.metadata["level"] = name_of(kTextLevelNames, text->level);
    contents.metadata["vocabulary"] = nlohmann::json(text->vocabulary).dump();
  }
  std::filesystem::create_directories(file.parent_path());
  write_safetensors(file, contents);
}

Checkpoint read_checkpoint(const std::filesystem::path& file) {
  SafetensorsFile contents = read_safetensors(file);
  auto fail = [&](const std::string& what) {
    return CheckpointError(fmt::format("{} is not a harness checkpoint: {}", file, what));
  };
  const auto& m = contents.metadata;
  if (!m.contains("format") || m.at("format") != kFormat)
    throw fail("no format 'rnn-harness-checkpoint-1' in its metadata");
  Checkpoint checkpoint;
  try {
    checkpoint.spec = nlohmann::ordered_json::parse(m.at("spec"));
    checkpoint.input = std::stoi(m.at("input"));
    checkpoint.output = std::stoi(m.at("output"));
    if (m.contains("vocabulary")) {
      CheckpointText text;
      bool known = false;
      for (const auto& [name, level] : kTextLevelNames) {
        if (m.at("level") == name) text.level = level, known = true;
      }
      if (!known) throw fail(fmt::format("unknown level '{}'", m.at("level")));
      text.vocabulary = nlohmann::json::parse(m.at("vocabulary")).get<std::vector<std::string>>();
      if (int(text.vocabulary.size()) != checkpoint.input) {
        throw fail(fmt::format("a vocabulary of {} tokens for an input of {}",
                               text.vocabulary.size(), checkpoint.input));
      }
      checkpoint.text = std::move(text);
    }
  } catch (const std::out_of_range& e) {
    throw fail(fmt::format("its metadata lacks a key ({})", e.what()));
  } catch (const std::invalid_argument& e) {
    throw fail(fmt::format("its metadata holds a malformed number ({})", e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw fail(fmt::format("its metadata holds malformed JSON ({})", e.what()));
  }
  checkpoint.tensors = std::move(contents.tensors);
  return checkpoint;
}

void load_weights(const Checkpoint& checkpoint, const std::filesystem::path& file,
                  Model<float>& model) {
  const auto& parameters = model.parameters();
  if (checkpoint.tensors.size() != parameters.size()) {
    throw CheckpointError(fmt::format("{}: {} tensors, but its spec's model has {} parameters",
                                      file, checkpoint.tensors.size(), parameters.size()));
  }
  auto weights = model.weights();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const auto& p = parameters[i];
    const auto& tensor = checkpoint.tensors[i];
    const std::vector<long> shape{long(p.rows), long(p.cols)};
    if (tensor.name != p.name || tensor.shape != shape) {
      throw CheckpointError(fmt::format(
          "{}: tensor {} is '{}' of shape [{}], but its spec's model has '{}' of shape [{}]", file,
          i, tensor.name, fmt::join(tensor.shape, ", "), p.name, fmt::join(shape, ", ")));
    }
    std::copy(tensor.values.begin(), tensor.values.end(), weights.begin() + long(p.offset));
  }
}

}  // namespace harness
