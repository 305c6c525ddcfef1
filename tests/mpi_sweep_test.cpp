// `harness run` under mpirun: the sweep run on three ranks (rank 0 handing out trials, two
// running them) has the summary of the sweep run by one process, trial for trial; killing a
// worker rank mid-sweep ends the job and leaves a run that `harness run --resume` completes.
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

// mpirun as the tests run it: as root in CI containers, three ranks on however many cores.
const std::string kMpirun =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
    "OMPI_MCA_rmaps_base_oversubscribe=1 '" HARNESS_MPIEXEC "' -np 3 '" HARNESS_EXECUTABLE "' ";

std::string sweep_arguments(const Sweep& sweep, const std::string& out, const std::string& store) {
  return "run '" + sweep.experiment.string() + "' --out '" + (sweep.folder / out).string() +
         "' --store '" + (sweep.folder / store).string() + "' --no-report";
}

// The output of a shell command and its exit code.
test::CommandResult shell(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(MpiSweep, ThreeRanksGiveTheSummaryOfOneProcess) {
  const Sweep sweep = make_sweep("mpi");
  const auto whole = run_sweep(sweep, "whole", "whole.sqlite");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  const auto ranks = shell(kMpirun + sweep_arguments(sweep, "ranks", "ranks.sqlite"));
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

TEST(MpiSweep, KilledRankLeavesARunThatResumeCompletes) {
  const Sweep sweep = make_sweep("mpi_killed");
  const std::string longer = " --set training.steps=1500 --jobs 1";
  const auto whole = run_sweep(sweep, "whole", "whole.sqlite", longer);
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path store = sweep.folder / "killed.sqlite", log = sweep.folder / "log.txt";
  const pid_t launcher = fork();
  if (launcher == 0) {
    const std::string command = "exec env " + kMpirun +
                                sweep_arguments(sweep, "killed", "killed.sqlite") + longer +
                                " > '" + log.string() + "' 2>&1";
    execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
    _exit(127);
  }
  // Wait until a trial is stored, then kill rank 1 while it runs its next one.
  for (int i = 0; i < 6000 && test::read_text(log).find(": complete,") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
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

}  // namespace
}  // namespace harness
