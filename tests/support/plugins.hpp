// The plugins built with this tree, loaded once per test program.
#pragma once

#include <gtest/gtest.h>

#include "registry.hpp"

namespace harness::test {

// The built-in cells and backends (the build's plugin folder).
inline const Registry& builtin_plugins() {
  static const Registry registry =
      Registry::load({{HARNESS_TEST_PLUGIN_DIR, "the build's plugin folder"}});
  return registry;
}

// Every cell the built-in plugins provide: a new cell is tested as soon as a plugin provides it.
inline const std::vector<std::string>& all_cell_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> found;
    for (const auto& cell : builtin_plugins().cells()) found.push_back(cell.name);
    return found;
  }();
  return names;
}

// Names parameterised tests after the cell they test.
inline std::string cell_test_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace harness::test
