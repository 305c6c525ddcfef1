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

inline const std::vector<std::string>& all_cell_names() {
  static const std::vector<std::string> names{"rnn_tanh", "rnn_relu", "gru",           "gru_simple",
                                              "gru_lbr",  "lstm",     "lstm_peephole", "lstm_cifg"};
  return names;
}

// Names parameterised tests after the cell they test.
inline std::string cell_test_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace harness::test
