// `harness run` end to end: the same seed gives the same summary, a diverging trial is recorded as
// diverged while the run goes on, a bad experiment stops before any work with exit code 2, and
// Ctrl-C leaves a readable store and folder marked incomplete.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/files.hpp"
#include "support/run_harness.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using test::run_harness;

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

// summary.csv without the columns that measure time and memory.
std::string summary_without_timing(const fs::path& folder) {
  std::stringstream in(test::read_text(folder / "summary.csv"));
  std::string line, out;
  std::vector<bool> keep;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    for (std::size_t c = 0; std::getline(fields, field, ','); ++c) {
      const bool measured = field == "seq_per_s" || field == "timesteps_per_s" ||
                            field == "gflops" || field == "peak_memory_mb" || field == "wall_s";
      if (keep.size() <= c) keep.push_back(!measured);
      if (keep[c]) out += field + ",";
    }
    out += "\n";
  }
  return out;
}

// Every row of a query's first column.
std::vector<std::string> query(const fs::path& database, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int, char** values, char**) {
          static_cast<std::vector<std::string>*>(out)->push_back(values[0] ? values[0] : "");
          return 0;
        },
        &rows, nullptr);
  }
  sqlite3_close(db);
  return rows;
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
  EXPECT_EQ(query(folder / "store.sqlite", "SELECT count(*) FROM runs WHERE status = 'complete'"),
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
  EXPECT_EQ(query(folder / "store.sqlite", "SELECT status FROM trials ORDER BY trial"),
            (std::vector<std::string>{"diverged", "complete"}));
  const auto note = query(folder / "store.sqlite", "SELECT message FROM trials WHERE trial = 0");
  ASSERT_EQ(note.size(), 1u);
  EXPECT_NE(note[0].find(" at step "), std::string::npos) << note[0];
  EXPECT_NE(test::read_text(folder / "out" / "summary.md").find("diverged"), std::string::npos);
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
                               "this one reads 2); give another file with --store, or move this "
                               "one aside\n");
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
  EXPECT_EQ(query(store, "SELECT status FROM runs"), std::vector<std::string>{"incomplete"});
  EXPECT_EQ(query(store, "SELECT trial || ':' || status FROM trials"),
            std::vector<std::string>{"0:complete"});
  const auto run = nlohmann::json::parse(test::read_text(folder / "out" / "run.json"));
  EXPECT_EQ(run["status"], "incomplete");
  EXPECT_EQ(run["trials"].size(), 1u);
  EXPECT_EQ(run["trials_planned"], 2);
  EXPECT_NE(test::read_text(folder / "out" / "summary.md").find("incomplete"), std::string::npos);
}

}  // namespace
}  // namespace harness
