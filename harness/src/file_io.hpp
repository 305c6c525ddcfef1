// Whole files in and out. A file is written under a temporary name and renamed, so a reader
// (or a run stopped half-way) never sees it half-written.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace harness {

// The file's bytes, or nothing when it cannot be opened (the caller says what it was for).
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

// Writes `text` to `file` through `file`.partial. Throws std::runtime_error naming the file.
void write_file_atomically(const std::filesystem::path& file, const std::string& text);

}  // namespace harness
