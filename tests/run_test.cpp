// `harness run` end to end: the same seed gives the same summary, a diverging trial is recorded as
// diverged while the run goes on, so is a trial whose cell throws or crashes (as failed), a bad
// experiment stops before any work with exit code 2, and Ctrl-C leaves a readable store and folder
// marked incomplete.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/files.hpp"
#include "support/run_harness.hpp"
#include "support/store_query.hpp"
#include "support/summary_csv.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using test::run_harness;
using test::summary_without_timing;

// "run EXPERIMENT --out OUT --store STORE", quoted for the shell.
std::string fmt_args(const fs::path& experiment, const fs::path& out, const fs::path& store) {
  return "run '" + experiment.string() + "' --out '" + out.string() + "' --store '" +
         store.string() + "'";
}

fs::path scratch(const std::string& name) {
  return test::scratch_folder("run_test_" + name);
}

fs::path write(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
  return file;
}

TEST(Run, SameSeedGivesTheSameSummary) {
  const fs::path folder = scratch("same_seed");
  for (const char* run : {"a", "b"}) {
    const auto result =
        run_harness(fmt_args(HARNESS_SMOKE_EXPERIMENT, folder / run, folder / "store.sqlite"));
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  const std::string a = summary_without_timing(folder / "a");
  EXPECT_EQ(a, summary_without_timing(folder / "b"));
  EXPECT_NE(a.find("temporal_order"), std::string::npos) << a;
  EXPECT_EQ(test::query_column(folder / "store.sqlite",
                               "SELECT count(*) FROM runs WHERE status = 'complete'"),
            std::vector<std::string>{"2"});
}

TEST(Run, DivergingTrialIsRecordedAndTheRunGoesOn) {
  const fs::path folder = scratch("diverge");
  const fs::path experiment = write(folder / "diverge.yaml", R"(name: diverge
tasks: [{kind: adding, T: 10, eval_sequences: 32}]
models: [{cell: rnn_relu, hidden: 8, init: {recurrent: identity}}]
training:
  optimizer: sgd
  learning_rate: [1.0e+12, 0.001]
  momentum: 0
  batch: 8
  steps: 30
  eval_every: 10
)");
  const auto result = run_harness(fmt_args(experiment, folder / "out", folder / "store.sqlite"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(test::query_column(folder / "store.sqlite", "SELECT status FROM trials ORDER BY trial"),
            (std::vector<std::string>{"diverged", "complete"}));
  const auto note =
      test::query_column(folder / "store.sqlite", "SELECT message FROM trials WHERE trial = 0");
  ASSERT_EQ(note.size(), 1u);
  EXPECT_NE(note[0].find(" at step "), std::string::npos) << note[0];
  EXPECT_NE(test::read_text(folder / "out" / "summary.md").find("diverged"), std::string::npos);
}

// A cell that throws and one that crashes fail their own trials only: the good cells' trials
// finish, the failed ones are stored with why, and the exit code says something failed.
TEST(Run, ThrowingAndCrashingCellsFailTheirTrialsOnly) {
  const fs::path folder = scratch("crashy");
  const fs::path experiment = write(folder / "crashy.yaml", R"(name: crashy
tasks: [{kind: adding, T: 8, eval_sequences: 32}]
models: [{cell: [lstm, throws, segv, gru], hidden: 6}]
backend: {name: naive}
training: {batch: 4, steps: 20, eval_every: 10}
)");
  // Under AddressSanitizer the segmentation fault is left to kill the process, as it does without.
  const auto result =
      run_harness(fmt_args(experiment, folder / "out", folder / "store.sqlite") +
                      " --plugin-dir " HARNESS_BAD_PLUGIN_DIR "/crashy_cells --no-report",
                  "ASAN_OPTIONS=handle_segv=0");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const fs::path store = folder / "store.sqlite";
  EXPECT_EQ(
      test::query_column(store,
                         "SELECT trial || ' ' || status || ': ' || message FROM trials ORDER BY "
                         "trial"),
      (std::vector<std::string>{"0 complete: ", "1 failed: the throws cell has no backward",
                                "2 failed: crashed: SIGSEGV (Segmentation fault) in the "
                                "gradient profile at initialisation",
                                "3 complete: "}));
  EXPECT_EQ(test::query_column(store, "SELECT status FROM runs"),
            std::vector<std::string>{"complete"});
  EXPECT_NE(result.output.find("harness run: 2 of 4 trials failed"), std::string::npos)
      << result.output;
  EXPECT_NE(test::read_text(folder / "out" / "summary.md")
                .find("trial 2 failed: crashed: SIGSEGV (Segmentation fault) in the gradient "
                      "profile at initialisation"),
            std::string::npos);
}

TEST(Run, InvalidExperimentStopsBeforeAnyWork) {
  const fs::path folder = scratch("invalid");
  const fs::path experiment =
      write(folder / "bad.yaml",
            "name: bad\ntasks: [{kind: adding, T: 10}]\nmodels: [{cell: lstm, hiden: 8}]\n");
  const auto result = run_harness(fmt_args(experiment, folder / "out", folder / "store.sqlite"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(
      result.output,
      "harness: " + experiment.string() +
          ":3:23: models[0].hiden: unknown key; did you mean 'hidden'?; known keys here: "
          "cell, hidden, proj, layers, bidirectional, merge, dropout, learn_initial_state, init, "
          "training\n");
  EXPECT_FALSE(fs::exists(folder / "out"));
  EXPECT_FALSE(fs::exists(folder / "store.sqlite"));
}

TEST(Run, UnknownColumnStopsBeforeAnyWork) {
  const fs::path folder = scratch("columns");
  const auto result =
      run_harness(fmt_args(HARNESS_SMOKE_EXPERIMENT, folder / "out", folder / "store.sqlite") +
                  " --columns 'trial, cell,lss'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output.rfind(
                "harness: --columns: unknown column 'lss'; did you mean 'loss'?; "
                "the columns: all, trial, task, T, eval_sequences, carry_state, placement, "
                "cell, hidden,",
                0),
            0u)
      << result.output;
  EXPECT_FALSE(fs::exists(folder / "store.sqlite"));
}

TEST(Run, ColumnsPicksTheTablesColumns) {
  const fs::path folder = scratch("columns_picked");
  const auto result =
      run_harness(fmt_args(HARNESS_SMOKE_EXPERIMENT, folder / "out", folder / "store.sqlite") +
                  " --columns cell,model.hidden,loss,gflops");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("| trial | cell     | hidden | loss    | gflops "),
            std::string::npos)
      << result.output;
  EXPECT_NE(
      test::read_text(folder / "out" / "summary.md").find("| trial | cell     | hidden | loss"),
      std::string::npos);
}

TEST(Run, StoreOfAnotherSchemaIsRefused) {
  const fs::path folder = scratch("old_store");
  sqlite3* db = nullptr;
  sqlite3_open((folder / "old.sqlite").c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE runs (run_id TEXT)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  const auto result =
      run_harness(fmt_args(HARNESS_SMOKE_EXPERIMENT, folder / "out", folder / "old.sqlite"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output, "harness run: the results store " + (folder / "old.sqlite").string() +
                               " was written by an older version of the harness (schema 0, "
                               "this one reads 4); give another file with --store, or move this "
                               "one aside\n");
}

// A store of schema 2 (before runs recorded their experiment file's SHA-256 and their shard)
// gains the columns.
TEST(Run, SchemaTwoStoreIsUpgraded) {
  const fs::path folder = scratch("schema_2");
  sqlite3* db = nullptr;
  sqlite3_open((folder / "two.sqlite").c_str(), &db);
  sqlite3_exec(db,
               "CREATE TABLE environments (id TEXT PRIMARY KEY, json TEXT NOT NULL);"
               "CREATE TABLE runs (run_id TEXT PRIMARY KEY, experiment TEXT, file TEXT, started "
               "TEXT, finished TEXT, status TEXT, environment TEXT, experiment_yaml TEXT, "
               "trials_planned INTEGER);"
               "CREATE TABLE trials (run_id TEXT, trial INTEGER, seed INTEGER, status TEXT, "
               "message TEXT, criterion TEXT, environment TEXT, spec TEXT, PRIMARY KEY (run_id, "
               "trial));"
               "CREATE TABLE metrics (run_id TEXT, trial INTEGER, step INTEGER, metric TEXT, "
               "value REAL);"
               "CREATE TABLE grad_profile (run_id TEXT, trial INTEGER, phase TEXT, t INTEGER, "
               "norm REAL);"
               "CREATE TABLE samples (run_id TEXT, trial INTEGER, seed INTEGER, text TEXT);"
               "PRAGMA user_version = 2;",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  const auto result =
      run_harness(fmt_args(HARNESS_SMOKE_EXPERIMENT, folder / "out", folder / "two.sqlite") +
                  " --set training.steps=2 --no-report");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(test::query_column(folder / "two.sqlite", "SELECT length(experiment_sha256) FROM runs"),
            std::vector<std::string>{"64"});
  EXPECT_EQ(test::query_column(folder / "two.sqlite", "PRAGMA user_version"),
            std::vector<std::string>{"4"});
  EXPECT_EQ(test::query_column(folder / "two.sqlite", "SELECT shard FROM runs"),
            std::vector<std::string>{""});
}

TEST(Run, InterruptedRunKeepsFinishedTrialsAndIsMarkedIncomplete) {
  const fs::path folder = scratch("interrupt");
  const fs::path experiment = write(folder / "long.yaml", R"(name: long
tasks: [{kind: adding, T: 20, eval_sequences: 32}]
models: [{cell: gru, hidden: 8}]
training: {steps: [5, 100000000], batch: 4, eval_every: 5, stop_when_solved: false}
)");
  const fs::path log = folder / "log.txt";
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string command = fmt_args(experiment, folder / "out", folder / "store.sqlite") +
                                " --jobs 1 > '" + log.string() + "' 2>&1";
    execl("/bin/sh", "sh", "-c", ("exec '" HARNESS_EXECUTABLE "' " + command).c_str(), nullptr);
    _exit(127);
  }
  // Wait until the first trial has finished and the second one is training.
  for (int i = 0;
       i < 600 && test::read_text(log).find("trial 1: step") == std::string::npos &&
       test::read_text(log).find("[2/2] adding T=20 gru h8 on blasx1 steps=100000000: started") ==
           std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << test::read_text(log);
  EXPECT_EQ(WEXITSTATUS(status), 130) << test::read_text(log);

  const fs::path store = folder / "store.sqlite";
  EXPECT_EQ(test::query_column(store, "SELECT status FROM runs"),
            std::vector<std::string>{"incomplete"});
  EXPECT_EQ(test::query_column(store, "SELECT trial || ':' || status FROM trials"),
            std::vector<std::string>{"0:complete"});
  const auto run = nlohmann::json::parse(test::read_text(folder / "out" / "run.json"));
  EXPECT_EQ(run["status"], "incomplete");
  EXPECT_EQ(run["trials"].size(), 1u);
  EXPECT_EQ(run["trials_planned"], 2);
  EXPECT_NE(test::read_text(folder / "out" / "summary.md").find("incomplete"), std::string::npos);
}

const char* kResumable = R"(name: resumable
tasks: [{kind: adding, T: 20, eval_sequences: 64}]
models: [{cell: [gru, lstm, rnn_tanh], hidden: 16}]
backend: {name: naive}
training: {batch: 8, steps: 1500, eval_every: 500, stop_when_solved: false}
)";

// Starts `harness ARGUMENTS` in the background, its output in `log`.
pid_t start_harness(const std::string& arguments, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string command =
        "exec '" HARNESS_EXECUTABLE "' " + arguments + " > '" + log.string() + "' 2>&1";
    execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

// A run killed with SIGKILL in the middle of its second trial, resumed by its folder, gives the
// summary of a run that was never interrupted; the finished trial is not run again.
TEST(Run, RunKilledMidSweepResumesToTheSameSummary) {
  const fs::path folder = scratch("resume");
  const fs::path experiment = write(folder / "resumable.yaml", kResumable);
  const auto whole = run_harness(fmt_args(experiment, folder / "whole", folder / "whole.sqlite") +
                                 " --jobs 1 --no-report");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path store = folder / "killed.sqlite", log = folder / "log.txt";
  const pid_t pid =
      start_harness(fmt_args(experiment, folder / "killed", store) + " --jobs 1 --no-report", log);
  for (int i = 0; i < 6000 && test::read_text(log).find("[2/3]") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << test::read_text(log);
  ASSERT_EQ(test::query_column(store, "SELECT trial FROM trials"), std::vector<std::string>{"0"})
      << test::read_text(log);
  EXPECT_EQ(test::query_column(store, "SELECT status FROM runs"),
            std::vector<std::string>{"running"});

  const auto resumed =
      run_harness("run --resume '" + (folder / "killed").string() + "' --jobs 1 --no-report");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("of 3 trials kept"), std::string::npos) << resumed.output;
  EXPECT_EQ(resumed.output.find("[1/3]"), std::string::npos) << resumed.output;
  EXPECT_EQ(test::query_column(store, "SELECT status FROM runs"),
            std::vector<std::string>{"complete"});
  EXPECT_EQ(summary_without_timing(folder / "killed"), summary_without_timing(folder / "whole"));
}

TEST(Run, ResumeRefusesAChangedExperimentFile) {
  const fs::path folder = scratch("resume_changed");
  const fs::path experiment =
      write(folder / "smoke.yaml", test::read_text(HARNESS_SMOKE_EXPERIMENT));
  const auto first = run_harness(fmt_args(experiment, folder / "out", folder / "store.sqlite") +
                                 " --set training.steps=2 --no-report");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::ofstream(experiment, std::ios::app) << "# changed\n";
  const auto resumed = run_harness("run --resume '" + (folder / "out").string() + "'");
  EXPECT_EQ(resumed.exit_code, 2);
  const auto run_id = test::query_column(folder / "store.sqlite", "SELECT run_id FROM runs").at(0);
  EXPECT_EQ(
      resumed.output.rfind("harness: run: cannot resume run " + run_id + ": the experiment file " +
                               experiment.string() + " changed since the run (SHA-256 ",
                           0),
      0u)
      << resumed.output;
  EXPECT_NE(resumed.output.find("; start a new run instead"), std::string::npos);
}

TEST(Run, ResumeRefusesAChangedPlugin) {
  const fs::path folder = scratch("resume_plugin");
  fs::create_directories(folder / "plugins");
  const fs::path plugin = folder / "plugins" / "crashy_cells.so";
  fs::copy_file(HARNESS_BAD_PLUGIN_DIR "/crashy_cells/crashy_cells.so", plugin,
                fs::copy_options::overwrite_existing);
  const fs::path experiment = write(folder / "one.yaml", R"(name: one
tasks: [{kind: adding, T: 8, eval_sequences: 32}]
models: [{cell: gru, hidden: 6}]
backend: {name: naive}
training: {batch: 4, steps: 5, eval_every: 5}
)");
  const std::string plugins = " --plugin-dir '" + (folder / "plugins").string() + "'";
  const auto first = run_harness(fmt_args(experiment, folder / "out", folder / "store.sqlite") +
                                 plugins + " --no-report");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::ofstream(plugin, std::ios::app | std::ios::binary) << "changed";
  const auto resumed = run_harness("run --resume '" + (folder / "out").string() + "'" + plugins);
  EXPECT_EQ(resumed.exit_code, 2);
  EXPECT_NE(resumed.output.find(": plugin crashy_cells " + fs::absolute(plugin).string() +
                                " changed since the run (SHA-256 "),
            std::string::npos)
      << resumed.output;
}

// --retry-failed runs the failed trials again and keeps the others; without it, a resumed run
// with nothing left to run keeps its failures (exit code 1).
TEST(Run, ResumeRetriesFailedTrialsOnlyWhenAsked) {
  const fs::path folder = scratch("retry");
  const fs::path experiment = write(folder / "crashy.yaml", R"(name: crashy
tasks: [{kind: adding, T: 8, eval_sequences: 32}]
models: [{cell: [gru, throws], hidden: 6}]
backend: {name: naive}
training: {batch: 4, steps: 5, eval_every: 5}
)");
  const std::string plugins = " --plugin-dir " HARNESS_BAD_PLUGIN_DIR "/crashy_cells --no-report";
  const fs::path store = folder / "store.sqlite";
  ASSERT_EQ(run_harness(fmt_args(experiment, folder / "out", store) + plugins).exit_code, 1);
  const std::string resume = "run --resume '" + (folder / "out").string() + "'" + plugins;
  const auto kept = run_harness(resume);
  EXPECT_EQ(kept.exit_code, 1) << kept.output;
  EXPECT_NE(kept.output.find("2 of 2 trials kept"), std::string::npos) << kept.output;
  const auto retried = run_harness(resume + " --retry-failed");
  EXPECT_EQ(retried.exit_code, 1) << retried.output;
  EXPECT_NE(retried.output.find("1 of 2 trials kept, 1 failed ones to run again"),
            std::string::npos)
      << retried.output;
  EXPECT_NE(retried.output.find("[2/2] adding T=8 throws"), std::string::npos) << retried.output;
  EXPECT_EQ(test::query_column(store, "SELECT trial || ':' || status FROM trials ORDER BY trial"),
            (std::vector<std::string>{"0:complete", "1:failed"}));
}

TEST(Run, ResumeOptionMistakesAreUsageErrors) {
  EXPECT_EQ(run_harness("run --retry-failed " HARNESS_SMOKE_EXPERIMENT).output,
            "harness: run: --retry-failed goes with --resume RUN\n");
  EXPECT_EQ(run_harness("run --resume x " HARNESS_SMOKE_EXPERIMENT).output,
            "harness: run: --resume goes on with a stored run; give no experiment file with it\n");
  EXPECT_EQ(run_harness("run --resume x --set training.steps=3").output,
            "harness: run: --resume keeps the run's settings; --set cannot change them\n");
}

}  // namespace
}  // namespace harness
