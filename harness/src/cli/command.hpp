// Subcommands of the harness executable. Each parses its own options and returns an exit code:
// 0 success, 1 a run failed, 2 usage, configuration or plugin error, 130 interrupted (Ctrl-C).
#pragma once

#include <string>
#include <vector>

namespace harness::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

// A user error: printed as "harness: <message>" and ends the program with kExitUsage.
struct UsageError {
  std::string message;
};

int check_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args);
int merge_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);
int sample_command(const std::vector<std::string>& args);
int score_command(const std::vector<std::string>& args);

}  // namespace harness::cli
