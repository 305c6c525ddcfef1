// Sweeps split apart: `harness run --shard I/N` runs disjoint parts of nearly equal work, and
// `harness merge` combines them into a run whose summary equals, trial for trial, the summary of
// the sweep run by one process; parts that do not belong together are refused with why.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

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
using test::run_harness;
using test::run_sweep;
using test::summary_without_timing;
using test::Sweep;

test::CommandResult merge(const Sweep& sweep, const std::vector<std::string>& stores,
                          const std::string& into) {
  std::string arguments = "merge";
  for (const auto& store : stores) arguments += " '" + (sweep.folder / store).string() + "'";
  return run_harness(arguments + " --into '" + (sweep.folder / into).string() + "' --out '" +
                     (sweep.folder / "merged").string() + "' --no-report");
}

// Runs the three parts of the sweep, part I into part-I.sqlite.
void run_three_parts(const Sweep& sweep) {
  for (int part = 1; part <= 3; ++part) {
    const auto shard = std::to_string(part) + "/3";
    const auto result = run_sweep(sweep, "part" + std::to_string(part),
                                  "part-" + std::to_string(part) + ".sqlite", "--shard " + shard);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("(part " + shard + " of the 6 trials)"), std::string::npos)
        << result.output;
  }
}

TEST(Shards, ThreePartsMergedGiveTheSummaryOfOneRun) {
  const Sweep sweep = make_sweep("merged");
  const auto whole = run_sweep(sweep, "whole", "whole.sqlite");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  run_three_parts(sweep);

  std::set<std::string> seen;  // the parts are disjoint, cover the sweep and are not empty
  for (int part = 1; part <= 3; ++part) {
    const auto trials = query_column(sweep.folder / ("part-" + std::to_string(part) + ".sqlite"),
                                     "SELECT trial FROM trials");
    EXPECT_FALSE(trials.empty()) << "part " << part;
    for (const auto& trial : trials) EXPECT_TRUE(seen.insert(trial).second) << trial;
  }
  EXPECT_EQ(seen.size(), 6u);

  const auto merged =
      merge(sweep, {"part-1.sqlite", "part-2.sqlite", "part-3.sqlite"}, "merged.sqlite");
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_NE(merged.output.find("complete: 6 of 6 trials merged from 3 stores"), std::string::npos)
      << merged.output;
  EXPECT_EQ(
      query_column(sweep.folder / "merged.sqlite",
                   "SELECT status || ' ' || trials_planned || ' [' || shard || ']' FROM runs"),
      std::vector<std::string>{"complete 6 []"});
  EXPECT_EQ(summary_without_timing(sweep.folder / "merged"),
            summary_without_timing(sweep.folder / "whole"));
}

TEST(Shards, PartsSharingOneStoreMergeIntoIt) {
  const Sweep sweep = make_sweep("shared");
  for (const char* shard : {"1/2", "2/2"}) {
    const auto result = run_sweep(sweep, std::string("part") + shard[0], "shared.sqlite",
                                  std::string("--shard ") + shard);
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  const auto merged = merge(sweep, {"shared.sqlite"}, "shared.sqlite");
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_EQ(query_column(sweep.folder / "shared.sqlite",
                         "SELECT count(*) FROM trials JOIN runs USING (run_id) WHERE shard = ''"),
            std::vector<std::string>{"6"});
}

TEST(Shards, MergeRefusesPartsThatDoNotMakeOneSweep) {
  const Sweep sweep = make_sweep("refused");
  run_three_parts(sweep);
  const auto other =
      run_sweep(sweep, "other", "other.sqlite", "--shard 3/3 --set training.learning_rate=0.5");
  ASSERT_EQ(other.exit_code, 0) << other.output;
  const auto whole = run_sweep(sweep, "whole", "whole.sqlite");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const auto missing = merge(sweep, {"part-1.sqlite", "part-2.sqlite"}, "merged.sqlite");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("harness: merge: part 3/3 of the sweep is missing: name the store "
                                "that holds it, or run it with harness run " +
                                sweep.experiment.string() + " --shard 3/3; nothing was merged"),
            std::string::npos)
      << missing.output;
  EXPECT_FALSE(fs::exists(sweep.folder / "merged.sqlite"));

  const auto mixed =
      merge(sweep, {"part-1.sqlite", "part-2.sqlite", "other.sqlite"}, "merged.sqlite");
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_NE(mixed.output.find("ran different experiments (the same file with other --set "
                              "settings): only the parts of one sweep merge"),
            std::string::npos)
      << mixed.output;

  const auto twice = merge(
      sweep, {"part-1.sqlite", "part-2.sqlite", "part-3.sqlite", "other.sqlite"}, "merged.sqlite");
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.output.find("ran different experiments"), std::string::npos) << twice.output;

  const auto no_parts = merge(sweep, {"whole.sqlite"}, "merged.sqlite");
  EXPECT_EQ(no_parts.exit_code, 2);
  EXPECT_NE(no_parts.output.find("whole.sqlite holds no part of a sweep (runs of harness run "
                                 "--shard I/N); nothing was merged"),
            std::string::npos)
      << no_parts.output;
}

TEST(Shards, OptionMistakesAreUsageErrors) {
  const Sweep sweep = make_sweep("mistakes");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--shard 4/3",
       "harness: run: --shard 4/3: parts are counted from 1 to their number, 1/3 "
       "to 3/3\n"},
      {"--shard 2",
       "harness: run: --shard '2' is not I/N: give the part and the number of parts, "
       "e.g. --shard 2/3\n"},
  };
  for (const auto& [option, message] : cases) {
    const auto result = run_sweep(sweep, "out", "store.sqlite", option);
    EXPECT_EQ(result.exit_code, 2) << option;
    EXPECT_EQ(result.output, message);
  }
  EXPECT_FALSE(fs::exists(sweep.folder / "store.sqlite"));
  const auto no_into = run_harness("merge '" + (sweep.folder / "a.sqlite").string() + "'");
  EXPECT_EQ(no_into.exit_code, 2);
  EXPECT_EQ(no_into.output,
            "harness: merge: where to? give the store the merged run goes to with --into STORE\n");
}

}  // namespace
}  // namespace harness
