// `harness run` of an experiment that searches over T: every trial the search tried is stored,
// the stored trials are exactly the ones the search asks for given their results, the summary
// holds the T* table, a resumed search ends where the whole one did, and what cannot run a
// search (shards) is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "experiment/length_search.hpp"
#include "results/critical_length.hpp"
#include "results/metric_names.hpp"
#include "results/store.hpp"
#include "support/files.hpp"
#include "support/run_harness.hpp"
#include "support/summary_csv.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using test::run_harness;

// Two small searches, fast enough for the sanitizer build: a few rounds of growth and bisection.
constexpr const char* kSearch = R"(name: search
seed: 5
search: {from: 5, max: 40, resolution: 2, seeds: 3, budget: 400}
tasks: [{kind: adding, placement: halves, eval_sequences: 128}]
models: [{cell: [rnn_tanh, gru], hidden: 16}]
training: {optimizer: adam, learning_rate: 0.01, batch: 32, eval_every: 50}
)";
const LengthSearchSpec kSpec{.from = 5, .max = 40, .growth = 2, .resolution = 2, .seeds = 3};

struct SearchRun {
  fs::path folder, experiment;
  test::CommandResult result;
};

SearchRun run_search(const std::string& name) {
  SearchRun run{test::scratch_folder("search_run_test_" + name), {}, {}};
  run.experiment = run.folder / "search.yaml";
  std::ofstream(run.experiment) << kSearch;
  run.result =
      run_harness("run '" + run.experiment.string() + "' --out '" + (run.folder / "out").string() +
                  "' --store '" + (run.folder / "store.sqlite").string() + "' --no-report");
  return run;
}

RunRecord stored_run(const fs::path& store) {
  const ResultsStore results(store.string());
  return results.load_run(results.run_ids().at(0));
}

TEST(SearchRun, StoresExactlyTheTrialsTheSearchAsksFor) {
  const SearchRun run = run_search("trials");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.output;
  const RunRecord stored = stored_run(run.folder / "store.sqlite");
  EXPECT_EQ(stored.status, "complete");
  EXPECT_EQ(static_cast<int>(stored.trials.size()), stored.trials_planned);

  // Replayed from the stored results, each cell's search asks for the stored T's, round by
  // round, three seeds each, and its bracket is the table's.
  std::map<std::string, std::map<int, int>> solved;  // cell → T → seeds that solved it
  std::map<std::string, std::vector<int>> lengths;   // cell → T of its trials, in trial order
  for (const auto& trial : stored.trials) {
    const auto cell = trial.spec["model"]["cell"].get<std::string>();
    const int length = trial.spec["task"]["T"].get<int>();
    solved[cell][length] += trial.value(metric::kSolved) == 1.0;
    lengths[cell].push_back(length);
  }
  const CriticalLengths table = critical_lengths(stored);
  ASSERT_EQ(table.searches.size(), 2u);
  for (const auto& row : table.searches) {
    const std::string cell = row.labels.at(1);
    LengthSearch search(kSpec);
    std::vector<int> asked;
    while (const auto length = search.next()) {
      asked.insert(asked.end(), kSpec.seeds, *length);
      ASSERT_TRUE(solved[cell].contains(*length)) << cell << " T=" << *length << " not stored";
      search.record(solved[cell][*length]);
    }
    EXPECT_EQ(asked, lengths[cell]) << cell;
    EXPECT_EQ(row.solved, search.longest_solved()) << cell;
    EXPECT_EQ(row.unsolved, search.shortest_unsolved()) << cell;
  }
  const std::string summary = test::read_text(run.folder / "out" / "summary.md");
  EXPECT_NE(summary.find("## Critical length T*"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| adding | rnn_tanh |"), std::string::npos) << summary;
  EXPECT_NE(run.result.output.find("round 2: "), std::string::npos) << run.result.output;
}

// Resumes a copy of the whole run's store, changed first by `alter` (given the store and the
// run's id), into the folder `name`.
test::CommandResult resume_altered_copy(
    const SearchRun& whole, const std::string& name,
    const std::function<void(ResultsStore&, const std::string&)>& alter) {
  const fs::path store = whole.folder / (name + ".sqlite");
  fs::copy_file(whole.folder / "store.sqlite", store);
  std::string run_id;
  {
    ResultsStore altered(store.string());
    run_id = altered.run_ids().at(0);
    alter(altered, run_id);
    altered.resume_run(run_id);  // status running, as a killed run's
  }
  return run_harness("run --resume " + run_id + " --store '" + store.string() + "' --out '" +
                     (whole.folder / name).string() + "' --no-report");
}

TEST(SearchRun, ResumedSearchEndsWhereTheWholeOneDid) {
  const SearchRun whole = run_search("whole");
  ASSERT_EQ(whole.result.exit_code, 0) << whole.result.output;
  // Without its last trials, as a run killed in its last round leaves it.
  const auto resumed =
      resume_altered_copy(whole, "killed", [](ResultsStore& store, const std::string& run_id) {
        const RunRecord run = store.load_run(run_id);
        for (std::size_t i = run.trials.size() - 4; i < run.trials.size(); ++i) {
          store.remove_trial(run_id, run.trials[i].trial);
        }
      });
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(test::summary_without_timing(whole.folder / "killed"),
            test::summary_without_timing(whole.folder / "out"));
  EXPECT_EQ(critical_length_markdown(stored_run(whole.folder / "killed.sqlite")),
            critical_length_markdown(stored_run(whole.folder / "store.sqlite")));
}

TEST(SearchRun, ResumeReplacesTrialsOfAnotherPathOfTheSearch) {
  const SearchRun whole = run_search("paths");
  ASSERT_EQ(whole.result.exit_code, 0) << whole.result.output;
  // Its last trial run at another T, and one trial past the search's end: what a run keeps when
  // a failed trial run again (--retry-failed) solves its task where it had not.
  const auto resumed =
      resume_altered_copy(whole, "other_path", [](ResultsStore& store, const std::string& run_id) {
        const RunRecord run = store.load_run(run_id);
        TrialRecord moved = run.trials.back();
        store.remove_trial(run_id, moved.trial);
        moved.spec["task"]["T"] = 39;
        store.add_trial(run_id, moved);
        moved.trial = run.trials_planned;
        moved.spec["trial"] = moved.trial;
        store.add_trial(run_id, moved);
      });
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(test::summary_without_timing(whole.folder / "other_path"),
            test::summary_without_timing(whole.folder / "out"));
}

TEST(SearchRun, ShardsAreRefused) {
  const fs::path folder = test::scratch_folder("search_run_test_shards");
  std::ofstream(folder / "search.yaml") << kSearch;
  const auto result = run_harness("run '" + (folder / "search.yaml").string() +
                                  "' --shard 1/2 --store '" + (folder / "s.sqlite").string() + "'");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("searches over T, each round chosen from what the last one "
                               "showed, so it runs in one process: drop --shard"),
            std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace harness
