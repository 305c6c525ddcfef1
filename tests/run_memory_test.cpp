// `harness run` and memory: a trial that cannot fit is refused before any work with its estimate
// and the memory available (exit 2 when no trial fits, stored as failed beside the others
// otherwise), and the estimate agrees with the memory each trial measured in its own process.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/run_harness.hpp"
#include "support/store_query.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using test::run_harness;

fs::path write_experiment(const fs::path& folder, const std::string& models) {
  std::ofstream(folder / "memory.yaml")
      << "name: memory\n"
         "tasks: [{kind: adding, T: 20, eval_sequences: 16}]\n"
         "models: ["
      << models << "]\ntraining: {batch: 4, steps: 2, eval_every: 1}\n";
  return folder / "memory.yaml";
}

std::string run_args(const fs::path& folder) {
  return "run '" + (folder / "memory.yaml").string() + "' --out '" + (folder / "out").string() +
         "' --store '" + (folder / "store.sqlite").string() + "' --no-report";
}

TEST(RunMemory, NoTrialThatFitsStopsBeforeAnyWork) {
  const fs::path folder = test::scratch_folder("run_memory_none_fits");
  write_experiment(folder, "{cell: lstm, hidden: 8}");
  const auto result = run_harness(run_args(folder) + " --set models[0].hidden=65536");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  const std::string expected_start =
      "harness: run: no trial of " + (folder / "memory.yaml").string() +
      " fits in memory: the first one was refused before it started: it needs an estimated ";
  EXPECT_EQ(result.output.substr(0, expected_start.size()), expected_start) << result.output;
  EXPECT_NE(result.output.find(" GiB (parameters and gradients 128 GiB, optimizer 64 GiB, "),
            std::string::npos)
      << result.output;  // W_h alone: 4·65536² floats, with its gradient and RMSprop's mean square
  EXPECT_NE(result.output.find("of memory available; make it smaller"), std::string::npos);
  EXPECT_FALSE(fs::exists(folder / "store.sqlite"));
}

TEST(RunMemory, TrialsThatCannotFitAreStoredAsFailedAndTheOthersRun) {
  const fs::path folder = test::scratch_folder("run_memory_some_fit");
  write_experiment(folder, "{cell: lstm, hidden: [8, 65536, 12]}");
  const auto result = run_harness(run_args(folder));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const auto rows =
      test::query_rows(folder / "store.sqlite",
                       "SELECT trial, status, substr(message, 1, 48) FROM trials ORDER BY trial");
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{
                      {"0", "complete", ""},
                      {"1", "failed", "refused before it started: it needs an estimated"},
                      {"2", "complete", ""}}));
  EXPECT_NE(result.output.find("[2/3] adding T=20 lstm h65536 on blasx1: failed: refused before "
                               "it started"),
            std::string::npos)
      << result.output;
}

TEST(RunMemory, MemoryOptionSetsTheLimit) {
  const fs::path folder = test::scratch_folder("run_memory_option");
  write_experiment(folder, "{cell: lstm, hidden: 8}");
  auto result = run_harness(run_args(folder) + " --memory 0.00001");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("more than the 10 KiB of memory available"), std::string::npos)
      << result.output;
  result = run_harness(run_args(folder) + " --memory 0");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output,
            "harness: run: --memory must be a positive number of GiB, e.g. --memory 8\n");
}

// Trials large enough that their buffers, not the allocator's slack, make their memory.
TEST(RunMemory, EstimateIsWithinAQuarterOfTheMeasuredMemory) {
  const fs::path folder = test::scratch_folder("run_memory_measured");
  std::ofstream(folder / "memory.yaml") << R"(name: memory
tasks:
  - {kind: adding, T: 100, eval_sequences: 256}
  - {kind: copy_memory, T: 60, eval_sequences: 256}
models:
  - {cell: rnn_tanh, hidden: 128}
  - {cell: gru, hidden: 64, layers: 2, bidirectional: true}
training: {batch: 32, steps: 1, eval_every: 1}
)";
  const auto result = run_harness(run_args(folder) + " --jobs 1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto rows =
      test::query_rows(folder / "store.sqlite",
                       "SELECT e.trial, e.value, m.value FROM metrics e JOIN metrics m "
                       "ON e.trial = m.trial AND e.metric = 'estimated_memory_mb' "
                       "AND m.metric = 'trial_memory_mb' ORDER BY e.trial");
  ASSERT_EQ(rows.size(), 4u) << result.output;
  for (const auto& row : rows) {
    const double estimated = std::stod(row.at(1)), measured = std::stod(row.at(2));
    EXPECT_GT(estimated, 30) << "trial " << row[0] << ": too small to tell";
    EXPECT_NEAR(estimated, measured, 0.25 * measured)
        << "trial " << row[0] << ": estimated " << estimated << " MiB, measured " << measured
        << " MiB";
  }
}

}  // namespace
}  // namespace harness
