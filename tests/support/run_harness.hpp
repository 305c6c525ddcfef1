// Runs the built harness executable with arguments and returns its exit code and output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace harness::test {

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

// A shell command's exit code and output (stdout and stderr).
inline CommandResult run_shell(const std::string& command_line) {
  const std::string command = command_line + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline CommandResult run_harness(const std::string& arguments,
                                 const std::string& environment = "") {
  return run_shell(environment + " '" HARNESS_EXECUTABLE "' " + arguments);
}

}  // namespace harness::test
