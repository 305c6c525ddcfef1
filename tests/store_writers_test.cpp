// The results store under several writers: four processes that open one new store at the same
// moment, each beginning a run and adding its trials one transaction at a time, lose nothing —
// every run, trial and metric row is there afterwards — and none fails on the lock.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "results/store.hpp"
#include "support/files.hpp"

namespace harness {
namespace {

constexpr int kWriters = 4, kTrials = 40, kMetricsPerTrial = 60;

// One writer's run: its trials added as a runner adds them, one after another.
void write_run(const std::filesystem::path& store_path, int writer) {
  ResultsStore store(store_path.string());
  RunRecord run;
  run.run_id = "writer-" + std::to_string(writer);
  run.experiment = "writers";
  run.environment = R"({"writer": )" + std::to_string(writer) + "}";
  run.trials_planned = kTrials;
  store.begin_run(run);
  for (int t = 0; t < kTrials; ++t) {
    TrialRecord trial;
    trial.trial = t;
    trial.seed = std::uint64_t(writer * 1000 + t);
    trial.spec = {{"writer", writer}, {"trial", t}};
    trial.status = "complete";
    for (int step = 0; step < kMetricsPerTrial; ++step) {
      trial.metrics.push_back({step, "loss", double(writer) + t / 100.0});
    }
    trial.profile_init.assign(20, 1.0);
    store.add_trial(run.run_id, trial);
  }
  store.finish_run(run.run_id, "complete");
}

TEST(StoreWriters, FourProcessesAtOnceLoseNothing) {
  const auto folder = test::scratch_folder("store_writers");
  const auto store_path = folder / "store.sqlite";
  int start[2];
  ASSERT_EQ(pipe(start), 0);
  std::vector<pid_t> writers;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(start[1]);
      char go;
      (void)!read(start[0], &go, 1);  // returns when the parent closes its end: all start at once
      try {
        write_run(store_path, w);
      } catch (const std::exception& error) {
        fprintf(stderr, "writer %d: %s\n", w, error.what());
        _exit(1);
      }
      _exit(0);
    }
    writers.push_back(pid);
  }
  close(start[0]);
  close(start[1]);
  for (std::size_t w = 0; w < writers.size(); ++w) {
    int status = 0;
    waitpid(writers[w], &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer " << w << " failed";
  }

  ResultsStore store(store_path.string());
  for (int w = 0; w < kWriters; ++w) {
    const RunRecord run = store.load_run("writer-" + std::to_string(w));
    EXPECT_EQ(run.status, "complete");
    ASSERT_EQ(run.trials.size(), std::size_t(kTrials)) << "writer " << w;
    for (const auto& trial : run.trials) {
      EXPECT_EQ(trial.metrics.size(), std::size_t(kMetricsPerTrial));
      EXPECT_EQ(trial.profile_init.size(), 20u);
      EXPECT_EQ(trial.spec["writer"], w);
    }
  }
}

}  // namespace
}  // namespace harness
