// `harness check` end to end: the built-in plugins pass; each kind of broken promise fails with a
// message naming the cell, the check and what went wrong (exit code 1); a missing file is a usage
// error (exit code 2). The template's broken copies (a wrong gradient sign, a GEMM ignoring beta)
// are checked by plugin_template_test.sh.
#include <gtest/gtest.h>

#include <string>

#include "support/run_harness.hpp"

namespace {

using harness::test::run_harness;
using Result = harness::test::CommandResult;

void expect_contains(const Result& result, const std::string& text) {
  EXPECT_NE(result.output.find(text), std::string::npos) << "missing: " << text << "\nin:\n"
                                                         << result.output;
}

TEST(CheckCommand, BuiltInBackendsPass) {
  const Result result = run_harness("check " HARNESS_PLUGIN_DIR "/naive.so " HARNESS_PLUGIN_DIR
                                    "/blas.so " HARNESS_PLUGIN_DIR "/tbb.so");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  expect_contains(result, "pass    backend tbb");
  expect_contains(result, "pass    cell lstm_peephole on backend blas");
  expect_contains(result, "checks passed.");
}

TEST(CheckCommand, InconsistentSpecIsNamed) {
  const Result result =
      run_harness("check " HARNESS_BAD_PLUGIN_DIR "/sloppy_cells/sloppy_cells.so");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  expect_contains(result, "FAIL    cell bad_spec");
  expect_contains(result,
                  "cell bad_spec, spec is consistent: spec(X=1, H=1): 1 gate names for 2 gates");
  expect_contains(result,
                  "cell bad_spec, spec is consistent: spec(X=1, H=1): recurrent blocks "
                  "cover 1 of the 2 gates");
}

TEST(CheckCommand, UnwrittenOutputAndWriteOutsideAreNamed) {
  const Result result =
      run_harness("check " HARNESS_BAD_PLUGIN_DIR "/sloppy_cells/sloppy_cells.so");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string check =
      "cell sloppy_output, each step writes its outputs and only inside its "
      "views: ";
  expect_contains(result, check + "forward at X=1 H=1, 1 row, double: h[0,0] was not written");
  expect_contains(result, check +
                              "forward at X=1 H=1, 1 row, double: wrote outside h (row 0, 1 "
                              "past its last column 0)");
  // Not run in a layer, where it would write over the layer's buffers.
  EXPECT_EQ(result.output.find("cell sloppy_output on backend"), std::string::npos)
      << result.output;
}

// A crash and an exception each fail their check with what happened and where; the other checks
// still run and pass (the sound cell's, on every backend).
TEST(CheckCommand, CrashAndExceptionFailTheirCheckAndTheRestRun) {
  // Under the sanitizers the segmentation fault is left to kill the process, as it does without.
  const Result result = run_harness("check " HARNESS_BAD_PLUGIN_DIR "/crashy_cells/crashy_cells.so",
                                    "ASAN_OPTIONS=handle_segv=0");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string contract = "each step writes its outputs and only inside its views: ";
  expect_contains(result, "cell segv, " + contract +
                              "crashed: SIGSEGV (Segmentation fault) in the forward step at X=1 "
                              "H=1, 1 row, double");
  expect_contains(
      result, "cell throws, " + contract + "threw an exception: the throws cell has no backward");
  expect_contains(result, "pass    cell linear on backend blas ");
  EXPECT_EQ(result.output.find("FAIL    cell linear"), std::string::npos) << result.output;
  expect_contains(result, "\n2 of ");
}

TEST(CheckCommand, HangFailsItsCheckAfterTheTimeout) {
  const Result result =
      run_harness("check --timeout 2 " HARNESS_BAD_PLUGIN_DIR "/hanging_cell/hanging_cell.so");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  expect_contains(result,
                  "cell hangs, each step writes its outputs and only inside its views: timed out "
                  "after 2 s in the forward step at X=1 H=1, 1 row, double");
}

TEST(CheckCommand, InProcessGivesTheSameReport) {
  const std::string plugin = HARNESS_BAD_PLUGIN_DIR "/sloppy_cells/sloppy_cells.so";
  const Result isolated = run_harness("check " + plugin);
  const Result in_process = run_harness("check --in-process " + plugin);
  EXPECT_EQ(in_process.exit_code, 1);
  EXPECT_EQ(in_process.output, isolated.output);
}

TEST(CheckCommand, TimeoutMustBePositive) {
  const Result result = run_harness("check --timeout 0 " HARNESS_PLUGIN_DIR "/naive.so");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output, "harness: --timeout must be positive, not 0\n");
}

TEST(CheckCommand, MissingPluginFileIsAUsageError) {
  const Result result = run_harness("check /no/such/plugin.so");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output,
            "harness: plugin file \"/no/such/plugin.so\" does not exist or is not a file\n");
}

}  // namespace
