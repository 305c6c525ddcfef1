// The SHA-256 of a file, as recorded for every plugin a run used: the same hex digest
// `sha256sum` prints.
#pragma once

#include <filesystem>
#include <string>

namespace harness {

// Throws std::runtime_error naming the file when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);

}  // namespace harness
