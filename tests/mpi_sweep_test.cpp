// `harness run` under mpirun: the sweep run on three ranks (rank 0 handing out trials, two
// running them) has the summary of the sweep run by one process, trial for trial; killing a
// worker rank mid-sweep ends the job and leaves a run that `harness run --resume` completes, or,
// under --enable-recovery, fails that rank's trial only.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/files.hpp"
#include "support/run_harness.hpp"
#include "support/store_query.hpp"
#include "support/summary_csv.hpp"
#include "support/sweep.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using test::make_sweep;
using test::query_column;
using test::run_sweep;
using test::summary_without_timing;
using test::Sweep;

// mpirun as the tests run it, with `options` of its own: as root in CI containers, three ranks
// of the harness on however many cores. In the sanitizer build, the leak check is off for the
// ranks: Open MPI keeps allocations of MPI_Init to the end of the process, reported as leaks
// through libraries that are not instrumented (the single-process runs are leak-checked).
std::string mpirun(const std::string& options = "") {
  return "ASAN_OPTIONS=detect_leaks=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
         "OMPI_MCA_rmaps_base_oversubscribe=1 '" HARNESS_MPIEXEC "' " +
         options + " -np 3 '" HARNESS_EXECUTABLE "' ";
}

std::string sweep_arguments(const Sweep& sweep, const std::string& out, const std::string& store) {
  return "run '" + sweep.experiment.string() + "' --out '" + (sweep.folder / out).string() +
         "' --store '" + (sweep.folder / store).string() + "' --no-report";
}

TEST(MpiSweep, ThreeRanksGiveTheSummaryOfOneProcess) {
  const Sweep sweep = make_sweep("mpi");
  const auto whole = run_sweep(sweep, "whole", "whole.sqlite");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  const auto ranks = test::run_shell(mpirun() + sweep_arguments(sweep, "ranks", "ranks.sqlite"));
  ASSERT_EQ(ranks.exit_code, 0) << ranks.output;
  EXPECT_NE(ranks.output.find("sweep: 6 trials, on 2 MPI worker ranks; run "), std::string::npos)
      << ranks.output;
  EXPECT_EQ(query_column(sweep.folder / "ranks.sqlite",
                         "SELECT runs.status || ' ' || count(*) FROM "
                         "runs JOIN trials USING (run_id)"),
            std::vector<std::string>{"complete 6"});
  EXPECT_EQ(summary_without_timing(sweep.folder / "ranks"),
            summary_without_timing(sweep.folder / "whole"));
}

// The pid of the process mpirun (`launcher`) started as rank `rank`, once it runs.
pid_t rank_pid(pid_t launcher, int rank) {
  const std::string wanted = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string ignored, parent;
    stat >> ignored >> ignored >> ignored >> parent;  // pid (comm) state ppid
    if (parent != std::to_string(launcher)) continue;
    const std::string environment = test::read_text(entry.path() / "environ");
    if (environment.find(wanted + '\0') != std::string::npos) return std::stoi(pid);
  }
  return 0;
}

// Starts mpirun with `arguments` in the background, its output in `log`.
pid_t start_mpirun(const std::string& options, const std::string& arguments, const fs::path& log) {
  const pid_t launcher = fork();
  if (launcher == 0) {
    const std::string command =
        "exec env " + mpirun(options) + arguments + " > '" + log.string() + "' 2>&1";
    execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
    _exit(127);
  }
  return launcher;
}

// Waits (up to 5 minutes: sanitizer builds are slow) until `text` is `count` times in `log`,
// or mpirun has ended. Returns whether it is still running.
bool wait_for(pid_t launcher, const fs::path& log, const std::string& text, int count) {
  for (int i = 0; i < 6000; ++i) {
    if (waitpid(launcher, nullptr, WNOHANG | WNOWAIT) == launcher) return false;
    const std::string seen = test::read_text(log);
    int found = 0;
    for (auto at = seen.find(text); at != std::string::npos; at = seen.find(text, at + 1)) ++found;
    if (found >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

const std::string kLonger = " --set training.steps=1500 --jobs 1";

TEST(MpiSweep, KilledRankLeavesARunThatResumeCompletes) {
  const Sweep sweep = make_sweep("mpi_killed");
  const auto whole = run_sweep(sweep, "whole", "whole.sqlite", kLonger);
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path store = sweep.folder / "killed.sqlite", log = sweep.folder / "log.txt";
  const pid_t launcher =
      start_mpirun("", sweep_arguments(sweep, "killed", "killed.sqlite") + kLonger, log);
  // A trial is stored; kill rank 1 while it runs its next.
  ASSERT_TRUE(wait_for(launcher, log, ": complete,", 1)) << test::read_text(log);
  const pid_t worker = rank_pid(launcher, 1);
  ASSERT_GT(worker, 0) << test::read_text(log);
  kill(worker, SIGKILL);
  int status = 0;
  waitpid(launcher, &status, 0);
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << test::read_text(log);
  const auto stored = query_column(store, "SELECT count(*) FROM trials");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_GE(std::stoi(stored[0]), 1) << test::read_text(log);
  EXPECT_LT(std::stoi(stored[0]), 6) << test::read_text(log);
  EXPECT_EQ(query_column(store, "SELECT status FROM runs"), std::vector<std::string>{"running"});

  const auto resumed =
      test::run_harness("run --resume '" + (sweep.folder / "killed").string() + "' --no-report");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(query_column(store, "SELECT status FROM runs"), std::vector<std::string>{"complete"});
  EXPECT_EQ(summary_without_timing(sweep.folder / "killed"),
            summary_without_timing(sweep.folder / "whole"));
}

// Under mpirun --enable-recovery the job outlives a killed rank: rank 0 stores the trial that
// rank was running as failed once it has been silent for --rank-timeout, the other trials
// finish, and --resume --retry-failed runs that one again.
TEST(MpiSweep, RankLostUnderRecoveryFailsItsTrialOnly) {
  const Sweep sweep = make_sweep("mpi_recovery");
  const auto whole = run_sweep(sweep, "whole", "whole.sqlite", kLonger);
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path store = sweep.folder / "lost.sqlite", log = sweep.folder / "log.txt";
  const pid_t launcher = start_mpirun(
      "--enable-recovery",
      sweep_arguments(sweep, "lost", "lost.sqlite") + kLonger + " --rank-timeout 3", log);
  ASSERT_TRUE(wait_for(launcher, log, ": started", 2)) << test::read_text(log);  // both run one
  const pid_t worker = rank_pid(launcher, 1);
  ASSERT_GT(worker, 0) << test::read_text(log);
  kill(worker, SIGKILL);
  int status = 0;
  waitpid(launcher, &status, 0);
  const std::string output = test::read_text(log);
  EXPECT_EQ(query_column(store, "SELECT status FROM runs"), std::vector<std::string>{"complete"})
      << output;
  EXPECT_EQ(query_column(store,
                         "SELECT status || ': ' || message FROM trials WHERE status != "
                         "'complete'"),
            std::vector<std::string>{"failed: MPI rank 1 went silent for 3 s (it died or hung) "
                                     "while running this trial"})
      << output;
  EXPECT_EQ(query_column(store, "SELECT count(*) FROM trials"), std::vector<std::string>{"6"});

  const auto resumed = test::run_harness("run --resume '" + (sweep.folder / "lost").string() +
                                         "' --retry-failed --no-report");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(summary_without_timing(sweep.folder / "lost"),
            summary_without_timing(sweep.folder / "whole"));
}

}  // namespace
}  // namespace harness
