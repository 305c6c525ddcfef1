// The safetensors file format (Hugging Face): an 8-byte little-endian header length N, N bytes
// of JSON naming each tensor with its dtype, shape and [begin, end) byte offsets into the data
// that follows, and an optional "__metadata__" map of strings; then the raw little-endian data.
// Only F32 tensors are written and read here. Reading checks everything a truncated or edited
// file could break: the header's length and JSON, every tensor's dtype, shape and offsets, and
// that the tensors tile the data exactly.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace harness {

class SafetensorsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Tensor {
  std::string name;
  std::vector<long> shape;
  std::vector<float> values;  // row-major
};

struct SafetensorsFile {
  std::vector<Tensor> tensors;  // in data order
  std::map<std::string, std::string> metadata;
};

// Writes to a temporary name and renames, so a file is whole or absent.
void write_safetensors(const std::filesystem::path& file, const SafetensorsFile& contents);

// Throws SafetensorsError naming the file and what is wrong with it.
SafetensorsFile read_safetensors(const std::filesystem::path& file);

}  // namespace harness
