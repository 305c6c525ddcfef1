// SHA-256 digests as lowercase hex, the same `sha256sum` prints: of every plugin a run used, and
// of a run's environment (its id in the results store).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace harness {

// Throws std::runtime_error naming the file when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);

std::string sha256_of_text(std::string_view text);

}  // namespace harness
