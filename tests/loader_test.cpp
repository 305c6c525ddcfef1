// `harness plugins` end to end: the listing, and one clear message with exit code 2 for each way a
// plugin or plugin folder can be bad.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <harness/plugin.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "support/plugins.hpp"
#include "support/run_harness.hpp"

namespace {

namespace fs = std::filesystem;

using harness::test::run_harness;
using Result = harness::test::CommandResult;

std::string bad_plugin_dir(const std::string& name) {
  return std::string(HARNESS_BAD_PLUGIN_DIR) + "/" + name;
}

TEST(PluginsCommand, ListsEveryBuiltInCellAndBackend) {
  const Result result = run_harness("plugins");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const char* name : {"rnn_tanh", "rnn_relu", "gru", "gru_simple", "gru_lbr", "lstm",
                           "lstm_peephole", "lstm_cifg", "naive", "blas", "tbb"}) {
    EXPECT_NE(result.output.find(std::string("\n  ") + name + " "), std::string::npos)
        << name << " missing from:\n"
        << result.output;
  }
  EXPECT_NE(result.output.find("cells.so"), std::string::npos) << result.output;
}

TEST(PluginsCommand, JsonNamesPluginFileAndVersion) {
  const Result result = run_harness("plugins --json");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto document = nlohmann::json::parse(result.output);
  ASSERT_EQ(document["cells"].size(), harness::test::builtin_plugins().cells().size());
  ASSERT_EQ(document["backends"].size(), harness::test::builtin_plugins().backends().size());
  const auto& naive = document["backends"][1];
  EXPECT_EQ(naive["name"], "naive");
  EXPECT_EQ(naive["version"], "0.1.0");
  EXPECT_TRUE(naive["file"].get<std::string>().ends_with("naive.so"));
}

TEST(PluginErrors, MissingFolder) {
  const Result result = run_harness("plugins --plugin-dir /no/such/folder");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output,
            "harness: plugin folder \"/no/such/folder\" (from --plugin-dir) does not exist or is "
            "not a folder; create it or fix the path\n");
}

TEST(PluginErrors, MissingFolderFromEnvironment) {
  const Result result = run_harness("plugins", "HARNESS_PLUGIN_PATH=/no/such/folder");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("\"/no/such/folder\" (from HARNESS_PLUGIN_PATH)"), std::string::npos)
      << result.output;
}

TEST(PluginErrors, TextFileNamedSo) {
  const fs::path folder = fs::path(testing::TempDir()) / "text_plugin";
  fs::create_directories(folder);
  std::ofstream(folder / "bad.so") << "this is not a shared library\n";
  const Result result = run_harness("plugins --plugin-dir " + folder.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(
      result.output.find("plugin \"" + (folder / "bad.so").string() + "\" could not be loaded"),
      std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("is it a shared library built for this machine?"), std::string::npos)
      << result.output;
}

TEST(PluginErrors, NoEntryPoint) {
  const Result result = run_harness("plugins --plugin-dir " + bad_plugin_dir("no_entry_point"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("no_entry_point.so\" has no entry point 'harness_plugin'"),
            std::string::npos)
      << result.output;
}

TEST(PluginErrors, AbiVersionMismatchNamesBothVersions) {
  const Result result = run_harness("plugins --plugin-dir " + bad_plugin_dir("abi_mismatch"));
  EXPECT_EQ(result.exit_code, 2);
  const std::string ours = std::to_string(harness::kAbiVersion);
  const std::string theirs = std::to_string(harness::kAbiVersion - 1);
  EXPECT_NE(result.output.find("abi_mismatch.so\" was built for plugin ABI version " + theirs +
                               ", but this harness has ABI version " + ours),
            std::string::npos)
      << result.output;
}

TEST(PluginErrors, TwoPluginsProvidingTheSameCellNameBothFiles) {
  const Result result = run_harness("plugins --plugin-dir " + bad_plugin_dir("duplicate_cell"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("cell 'lstm' is provided by two plugins: "), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("cells.so\" and \"" + bad_plugin_dir("duplicate_cell") +
                               "/duplicate_cell.so\""),
            std::string::npos)
      << result.output;
}

}  // namespace
