// harness check: the conformance suite on the cells and backends of the given plugin files (or of
// every plugin found), as a pass/fail table.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <filesystem>

#include "arguments.hpp"
#include "command.hpp"
#include "conformance/suite.hpp"
#include "plugin_options.hpp"

namespace harness::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kFailuresShown = 5;  // per check; the rest are counted

// The cells and backends provided by `files`, or every loaded one when no file is given.
conformance::Subjects subjects_of(const Registry& registry, const std::vector<fs::path>& files) {
  auto from_files = [&](const PluginInfo& plugin) {
    return files.empty() || std::any_of(files.begin(), files.end(), [&](const fs::path& file) {
             return fs::equivalent(file, plugin.file);
           });
  };
  conformance::Subjects subjects;
  for (const auto& cell : registry.cells()) {
    if (from_files(*cell.plugin)) subjects.cells.push_back(cell.name);
  }
  for (const auto& backend : registry.backends()) {
    if (from_files(*backend.plugin)) subjects.backends.push_back(backend.name);
  }
  return subjects;
}

}  // namespace

int check_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness check [PLUGIN.so]... [--plugin-dir DIR]...\n\n"
      "Runs the conformance suite on every cell and backend of the given plugin files (default:\n"
      "every plugin found), against the naive reference backend, and prints a pass/fail table.\n"
      "Cells: spec consistency; each step writes all of its outputs and nothing outside its\n"
      "views; gradients of every parameter, x, h0 and c0 against finite differences; agreement\n"
      "with naive on every loaded backend (1 and 2 threads, float and double); determinism.\n"
      "Backends: gemm in float and double against naive (every transposition, alpha and beta,\n"
      "odd shapes, padded views); slices; parallel_for; gemm called concurrently; every loaded\n"
      "cell on it against naive. Shapes include batch 1, hidden 1, T = 1 and widths that are\n"
      "not multiples of the vector width. A cell that fails its spec or step checks, or a\n"
      "backend that fails gemm, is not checked further (it could corrupt the layer's buffers).\n"
      "Each check runs in a child process: a crash, an abort, an exit or a hang past --timeout\n"
      "fails that check, with the signal and what it was doing, and the other checks still run.\n\n"
      "Exit code: 0 when every check passes, 1 when any fails, 2 when a plugin cannot be loaded."
      "\n\nOptions");
  options.add_options()("help,h", "show this help")(
      "plugin", po::value<std::vector<std::string>>()->value_name("PLUGIN.so"),
      "a plugin file to check (positional; may be repeated)")(
      "timeout", po::value<int>()->default_value(900)->value_name("SECONDS"),
      "fail a check that runs longer than this")(
      "in-process",
      "run the checks in this process (for a debugger): a crash then ends the harness");
  options.add(plugin_options());
  po::positional_options_description positional;
  positional.add("plugin", -1);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;

  const int timeout = values["timeout"].as<int>();
  if (timeout <= 0) throw UsageError(fmt::format("--timeout must be positive, not {}", timeout));
  const conformance::SuiteOptions suite_options{.isolate = values.count("in-process") == 0,
                                                .timeout = std::chrono::seconds(timeout)};

  std::vector<fs::path> files;
  if (values.count("plugin")) {
    for (const auto& file : values["plugin"].as<std::vector<std::string>>()) files.push_back(file);
  }
  const Registry registry = load_plugins(values, files);
  const auto subjects = subjects_of(registry, files);
  if (subjects.cells.empty() && subjects.backends.empty()) {
    throw UsageError("the given plugins provide no cell and no backend to check");
  }

  std::size_t subject_width = 7;
  for (const auto& cell : registry.cells()) {
    for (const auto& backend : registry.backends()) {
      subject_width = std::max(
          subject_width, fmt::format("cell {} on backend {}", cell.name, backend.name).size());
    }
  }
  constexpr std::size_t kCheckWidth = 56;
  fmt::print("{:<6}  {:<{}}  {:<{}}  {}\n", "result", "subject", subject_width, "check",
             kCheckWidth, "covers");
  int checks = 0;
  std::vector<std::string> failed;
  conformance::run_suite(
      registry, subjects, suite_options, [&](const conformance::CheckResult& result) {
        ++checks;
        fmt::print("{:<6}  {:<{}}  {:<{}}  {}\n", result.passed() ? "pass" : "FAIL", result.subject,
                   subject_width, result.check, kCheckWidth, result.scope);
        for (std::size_t i = 0; i < std::min(kFailuresShown, result.failures.size()); ++i) {
          fmt::print("        {}, {}: {}\n", result.subject, result.check, result.failures[i]);
        }
        if (result.failures.size() > kFailuresShown) {
          fmt::print("        … and {} more\n", result.failures.size() - kFailuresShown);
        }
        if (!result.passed()) failed.push_back(result.subject + ": " + result.check);
        std::fflush(stdout);
      });

  if (failed.empty()) {
    fmt::print("\nAll {} checks passed.\n", checks);
    return kExitOk;
  }
  fmt::print("\n{} of {} checks failed:\n", failed.size(), checks);
  for (const auto& f : failed) fmt::print("  {}\n", f);
  return kExitFailure;
}

}  // namespace harness::cli
