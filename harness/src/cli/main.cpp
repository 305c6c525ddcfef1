// harness: loads cell and backend plugins and runs experiments comparing recurrent cells.
#include <fmt/format.h>

#include <boost/program_options/errors.hpp>
#include <cstring>
#include <exception>
#include <functional>
#include <map>

#include "command.hpp"
#include "experiment/spec.hpp"
#include "model/checkpoint.hpp"
#include "openblas_kernels.hpp"
#include "registry.hpp"

namespace {

using harness::cli::kExitOk;
using harness::cli::kExitUsage;

struct Command {
  int (*run)(const std::vector<std::string>& args);
  const char* summary;
};

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table{
      {"check",
       {&harness::cli::check_command,
        "check plugins: gradients, agreement with the naive backend, contracts"}},
      {"compare",
       {&harness::cli::compare_command, "two runs side by side, trials matched by spec"}},
      {"merge",
       {&harness::cli::merge_command,
        "combine the parts of a sweep (run --shard I/N) into one run"}},
      {"plugins", {&harness::cli::plugins_command, "list the cells and backends plugins provide"}},
      {"report",
       {&harness::cli::report_command, "a run's report: HTML page and Markdown with plots"}},
      {"run",
       {&harness::cli::run_command, "run an experiment file (e.g. experiments/long_dep.yaml)"}},
      {"sample", {&harness::cli::sample_command, "write text with a trained language model"}},
      {"score",
       {&harness::cli::score_command, "score text with a trained language model, token by token"}},
  };
  return table;
}

void print_usage() {
  fmt::print(
      "Usage: harness <command> [options]\n\n"
      "Compares recurrent cells (RNN, GRU, LSTM and variants) loaded from plugins.\n\n"
      "Commands:\n");
  for (const auto& [name, command] : commands()) fmt::print("  {:<10} {}\n", name, command.summary);
  fmt::print(
      "\nRun 'harness <command> --help' for the options of a command.\n"
      "Exit codes: 0 success, 1 a run failed, 2 usage, configuration or plugin error,\n"
      "130 interrupted.\n");
}

}  // namespace

int main(int argc, char** argv) {
  harness::prefer_avx512_openblas_kernels();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage();
    return argc < 2 ? kExitUsage : kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    fmt::print("harness {} (plugin ABI {})\n", HARNESS_VERSION, harness::kAbiVersion);
    return kExitOk;
  }
  const auto command = commands().find(argv[1]);
  if (command == commands().end()) {
    fmt::print(stderr, "harness: unknown command '{}'; run 'harness --help' for the commands\n",
               argv[1]);
    return kExitUsage;
  }
  try {
    return command->second.run({argv + 2, argv + argc});
  } catch (const harness::cli::UsageError& error) {
    fmt::print(stderr, "harness: {}\n", error.message);
  } catch (const boost::program_options::error& error) {
    fmt::print(stderr, "harness {}: {}; run 'harness {} --help' for its options\n", argv[1],
               error.what(), argv[1]);
  } catch (const harness::PluginError& error) {
    fmt::print(stderr, "harness: {}\n", error.what());
  } catch (const harness::ConfigError& error) {
    fmt::print(stderr, "harness: {}\n", error.what());
  } catch (const harness::CheckpointError& error) {
    fmt::print(stderr, "harness {}: {}\n", argv[1], error.what());
  } catch (const harness::SafetensorsError& error) {
    fmt::print(stderr, "harness {}: {}\n", argv[1], error.what());
  } catch (const std::exception& error) {
    fmt::print(stderr, "harness {}: {}\n", argv[1], error.what());
    return harness::cli::kExitFailure;
  }
  return kExitUsage;
}
