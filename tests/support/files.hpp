// Files in tests: reading one whole, and a small text for language models.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "file_io.hpp"

namespace harness::test {

// The file's text, or "" when it cannot be read.
inline std::string read_text(const std::filesystem::path& file) {
  return read_whole_file(file).value_or("");
}

// An empty folder of this test process's own under the test temporary folder: test programs run
// side by side (ctest -j) and each test is a process of its own.
inline std::filesystem::path scratch_folder(const std::string& name) {
  const auto folder =
      std::filesystem::path(testing::TempDir()) / (name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// 300 lines of three short sentences, for training a character model in seconds.
inline void write_small_text(const std::filesystem::path& file) {
  std::ofstream text(file);
  const char* lines[]{"the cat sat on the mat.", "a dog ate the bone.", "the bird sang."};
  for (int i = 0; i < 300; ++i) text << lines[i % 3] << "\n";
}

}  // namespace harness::test
