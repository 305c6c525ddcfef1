#include "results/safetensors.hpp"

#include <fmt/format.h>
#include <fmt/std.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

namespace harness {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace {

std::uint64_t element_count(const std::vector<long>& shape) {
  std::uint64_t count = 1;
  for (long d : shape) count *= static_cast<std::uint64_t>(d);
  return count;
}

}  // namespace

void write_safetensors(const std::filesystem::path& file, const SafetensorsFile& contents) {
  nlohmann::ordered_json header;
  if (!contents.metadata.empty()) header["__metadata__"] = contents.metadata;
  std::uint64_t offset = 0;
  for (const auto& tensor : contents.tensors) {
    const std::uint64_t bytes = tensor.values.size() * sizeof(float);
    header[tensor.name] = {
        {"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  const std::uint64_t length = text.size();

  const std::filesystem::path temporary = file.string() + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary);
    out.write(reinterpret_cast<const char*>(&length), sizeof length);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& tensor : contents.tensors) {
      out.write(reinterpret_cast<const char*>(tensor.values.data()),
                static_cast<std::streamsize>(tensor.values.size() * sizeof(float)));
    }
    if (!out) throw SafetensorsError(fmt::format("cannot write {}", temporary));
  }
  std::filesystem::rename(temporary, file);
}

SafetensorsFile read_safetensors(const std::filesystem::path& file) {
  auto fail = [&](const std::string& what) -> SafetensorsError {
    return SafetensorsError(fmt::format("{} is not a valid safetensors file: {}", file, what));
  };
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SafetensorsError(fmt::format("cannot read {}", file));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::uint64_t length = 0;
  if (bytes.size() < sizeof length) throw fail("shorter than its 8-byte header length");
  std::memcpy(&length, bytes.data(), sizeof length);
  if (length > bytes.size() - sizeof length) {
    throw fail(fmt::format("its header claims {} bytes, the file has {} after the length", length,
                           bytes.size() - sizeof length));
  }
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(sizeof length, length));
  } catch (const nlohmann::json::exception& e) {
    throw fail(fmt::format("its header is not JSON ({})", e.what()));
  }
  if (!header.is_object()) throw fail("its header is not a JSON object");
  const std::uint64_t data_size = bytes.size() - sizeof length - length;
  const char* data = bytes.data() + sizeof length + length;

  SafetensorsFile contents;
  struct Span {
    std::uint64_t begin, end;
    std::string name;
  };
  std::vector<Span> spans;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw fail("__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw fail(fmt::format("metadata '{}' is not a string", key));
        contents.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    try {
      if (entry.at("dtype") != "F32") {
        throw fail(fmt::format("tensor '{}' is {}, not F32", name, entry.at("dtype").dump()));
      }
      Tensor tensor{name, entry.at("shape").get<std::vector<long>>(), {}};
      const auto offsets = entry.at("data_offsets").get<std::vector<std::uint64_t>>();
      if (std::any_of(tensor.shape.begin(), tensor.shape.end(), [](long d) { return d < 0; }) ||
          offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size ||
          offsets[1] - offsets[0] != element_count(tensor.shape) * sizeof(float)) {
        throw fail(fmt::format(
            "tensor '{}' has shape {} and offsets {}, which do not fit the "
            "{} bytes of data",
            name, entry.at("shape").dump(), entry.at("data_offsets").dump(), data_size));
      }
      tensor.values.resize(element_count(tensor.shape));
      std::memcpy(tensor.values.data(), data + offsets[0], offsets[1] - offsets[0]);
      spans.push_back({offsets[0], offsets[1], name});
      contents.tensors.push_back(std::move(tensor));
    } catch (const nlohmann::json::exception& e) {
      throw fail(fmt::format("tensor '{}' is described wrongly ({})", name, e.what()));
    }
  }
  // The tensors must cover the data exactly, without gaps or overlaps.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t covered = 0;
  for (const auto& span : spans) {
    if (span.begin != covered) {
      throw fail(fmt::format("tensor '{}' starts at byte {} of the data, expected {}", span.name,
                             span.begin, covered));
    }
    covered = span.end;
  }
  if (covered != data_size) {
    throw fail(
        fmt::format("its tensors cover {} bytes of data, the file has {}", covered, data_size));
  }
  // In data order, as written.
  std::vector<Tensor> ordered;
  for (const auto& span : spans) {
    ordered.push_back(
        std::move(*std::find_if(contents.tensors.begin(), contents.tensors.end(),
                                [&](const Tensor& t) { return t.name == span.name; })));
  }
  contents.tensors = std::move(ordered);
  return contents;
}

}  // namespace harness
