// The search for a critical length T*: its bracket on fake tasks whose threshold is known (a
// seed solves T exactly when T ≤ its threshold), the seeds' majority rule, and the rounds an
// experiment's searches run in.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "experiment/known_names.hpp"
#include "experiment/length_search.hpp"
#include "experiment/spec.hpp"
#include "run/search_rounds.hpp"

namespace harness {
namespace {

// Runs a search to its end on a fake task: seed s solves every T up to thresholds[s].
LengthSearch search_fake_task(const LengthSearchSpec& spec, const std::vector<int>& thresholds) {
  LengthSearch search(spec);
  for (int guard = 0; search.next() && guard < 1000; ++guard) {
    int solved = 0;
    for (int threshold : thresholds) solved += *search.next() <= threshold;
    search.record(solved);
  }
  EXPECT_FALSE(search.next().has_value()) << "the search did not end";
  return search;
}

TEST(LengthSearch, FindsAFakeTasksThresholdExactlyAtResolutionOne) {
  const LengthSearchSpec spec{.from = 10, .max = 1000, .growth = 2, .resolution = 1, .seeds = 1};
  for (int threshold = 10; threshold < 1000; ++threshold) {
    const LengthSearch search = search_fake_task(spec, {threshold});
    ASSERT_EQ(search.longest_solved(), threshold);
    ASSERT_EQ(search.shortest_unsolved(), threshold + 1);
    // Growth to the first failure (log2(max/from) + 1 lengths at most), then bisection of a
    // bracket at most max/2 wide (log2(max/2) lengths at most).
    ASSERT_LE(search.tried().size(), std::ceil(std::log2(100.0)) + 1 + std::ceil(std::log2(500.0)))
        << threshold;
  }
}

TEST(LengthSearch, BracketsTheThresholdWithinTheResolution) {
  const LengthSearchSpec spec{.from = 25, .max = 800, .growth = 2, .resolution = 25, .seeds = 1};
  for (int threshold = 25; threshold < 800; threshold += 7) {
    const LengthSearch search = search_fake_task(spec, {threshold});
    ASSERT_TRUE(search.longest_solved() && search.shortest_unsolved()) << threshold;
    EXPECT_LE(*search.longest_solved(), threshold);
    EXPECT_GT(*search.shortest_unsolved(), threshold);
    EXPECT_LE(*search.shortest_unsolved() - *search.longest_solved(), 25) << threshold;
  }
}

TEST(LengthSearch, EndsAtEitherEndOfTheRange) {
  const LengthSearchSpec spec{.from = 10, .max = 300, .growth = 3, .resolution = 1, .seeds = 1};
  const LengthSearch none = search_fake_task(spec, {9});  // not even `from`
  EXPECT_FALSE(none.longest_solved().has_value());
  EXPECT_EQ(none.shortest_unsolved(), 10);
  EXPECT_EQ(none.tried().size(), 1u);

  const LengthSearch all = search_fake_task(spec, {5000});  // every T up to max
  EXPECT_EQ(all.longest_solved(), 300);
  EXPECT_FALSE(all.shortest_unsolved().has_value());
  const std::vector<int> grown{10, 30, 90, 270, 300};  // ×3, the last step cut at max
  std::vector<int> tried;
  for (const auto& [length, solved] : all.tried()) tried.push_back(length);
  EXPECT_EQ(tried, grown);
}

TEST(LengthSearch, MostSeedsDecide) {
  EXPECT_TRUE(majority_solved(2, 3));
  EXPECT_FALSE(majority_solved(1, 3));
  EXPECT_FALSE(majority_solved(1, 2));  // half is no majority
  EXPECT_FALSE(majority_solved(2, 4));
  EXPECT_TRUE(majority_solved(3, 4));
  EXPECT_TRUE(majority_solved(1, 1));

  const LengthSearchSpec spec{.from = 10, .max = 1000, .growth = 2, .resolution = 1};
  auto with_seeds = [&](const std::vector<int>& thresholds) {
    LengthSearchSpec s = spec;
    s.seeds = static_cast<int>(thresholds.size());
    return search_fake_task(s, thresholds).longest_solved();
  };
  EXPECT_EQ(with_seeds({200, 100, 150}), 150);       // the median seed's threshold
  EXPECT_EQ(with_seeds({200, 100}), 100);            // both of two
  EXPECT_EQ(with_seeds({100, 250, 150, 200}), 150);  // three of four
  EXPECT_EQ(with_seeds({5, 5, 700}), std::nullopt);  // one seed alone solves nothing

  const LengthSearch split = search_fake_task({spec.from, spec.max, 2, 1, 3}, {200, 100, 150});
  EXPECT_EQ(split.tried().at(150), 2);  // the seeds' agreement at T*
  EXPECT_EQ(split.tried().at(151), 1);
}

const KnownNames kKnown{{"rnn_tanh", "gru", "lstm"}, {"blas"}};

TEST(SearchRounds, EachRoundTriesEveryUnfinishedSearchWithTheSameSeeds) {
  const auto experiment = parse_experiment(R"(name: s
search: {from: 10, max: 80, resolution: 5, seeds: 3, budget: 50}
tasks: [{kind: adding}]
models: [{cell: [rnn_tanh, gru]}]
)",
                                           "s.yaml", {}, kKnown);
  ASSERT_EQ(experiment.trials.size(), 6u);  // the first round
  SearchRounds rounds(experiment);
  // The fake task: rnn_tanh solves T ≤ 20, gru T ≤ 1000.
  int next_index = 0;
  std::vector<std::vector<int>> lengths;  // per round, per trial
  for (auto round = rounds.next_round(); !round.empty(); round = rounds.next_round()) {
    std::set<int> solved;
    auto& these = lengths.emplace_back();
    for (std::size_t i = 0; i < round.size(); ++i) {
      const TrialSpec& trial = round[i];
      EXPECT_EQ(trial.index, next_index++);
      EXPECT_EQ(trial.training.steps, 50);
      // The same seeds at every T: those of the first round's trial of its search and repeat.
      const auto& first = *std::find_if(
          experiment.trials.begin(), experiment.trials.end(), [&](const TrialSpec& t) {
            return t.model.cell == trial.model.cell && t.repeat == trial.repeat;
          });
      EXPECT_EQ(trial.seed, first.seed);
      these.push_back(trial.task.length);
      if (trial.task.length <= (trial.model.cell == "gru" ? 1000 : 20)) solved.insert(trial.index);
    }
    rounds.record(round, solved);
  }
  EXPECT_TRUE(rounds.ended());
  const std::vector<std::vector<int>> expected{
      {10, 10, 10, 10, 10, 10},
      {20, 20, 20, 20, 20, 20},
      {40, 40, 40, 40, 40, 40},
      {30, 30, 30, 80, 80, 80},  // rnn_tanh bisects between 20 and 40; gru reaches max
      {25, 25, 25},              // and ends at 20–25
  };
  EXPECT_EQ(lengths, expected);
}

}  // namespace
}  // namespace harness
