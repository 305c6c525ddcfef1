// harness compare's matching: trials pair up by spec whatever their number and seed, a key that
// differs between the runs in every trial is named once and does not stop the matching, and
// trials without a partner are listed on their side.
#include <gtest/gtest.h>

#include "experiment/spec.hpp"
#include "results/compare.hpp"
#include "results/metric_names.hpp"

namespace harness {
namespace {

KnownNames names() {
  return {{"rnn_tanh", "lstm", "gru", "lstm_peephole"}, {"blas", "tbb"}};
}

// A run of `cells` on `backend`; trial i has held-out loss `loss + i`, is solved at step 100 when
// its cell is gated, and trains `rate` sequences/s.
RunRecord run_of(const std::string& cells, const std::string& backend, double loss, double rate) {
  const std::string yaml = "name: pairs\ntasks: [{kind: adding, T: 20}]\nmodels: [{cell: [" +
                           cells + "], hidden: 8}]\nbackend: {name: " + backend + "}\n";
  const ExperimentSpec spec = parse_experiment(yaml, "pairs.yaml", {}, names());
  RunRecord run{.run_id = backend, .experiment = "pairs", .status = "complete"};
  for (const auto& trial : spec.trials) {
    TrialRecord& record = run.trials.emplace_back();
    record.trial = trial.index;
    record.seed = trial.seed;
    record.spec = to_json(trial);
    record.status = "complete";
    const bool gated = trial.model.cell != "rnn_tanh";
    record.metrics = {{0, std::string(metric::kFinalEvalLoss), loss + trial.index},
                      {0, std::string(metric::kSolved), gated ? 1.0 : 0.0},
                      {0, std::string(metric::kSequencesPerSecond), rate}};
    if (gated) record.metrics.push_back({0, std::string(metric::kStepsToSolve), 100});
  }
  run.trials_planned = static_cast<int>(run.trials.size());
  return run;
}

std::map<std::string, std::string> row_of(const RunComparison& comparison, std::size_t r) {
  std::map<std::string, std::string> row;
  const SummarySection& table = comparison.sections.at(0);
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    row[table.columns[c]] = table.rows.at(r).at(c);
  }
  return row;
}

TEST(Compare, MatchesTrialsBySpecAndListsTheRest) {
  const RunRecord a = run_of("rnn_tanh, lstm, gru", "blas", 0.5, 1000);
  const RunRecord b = run_of("lstm, gru, lstm_peephole", "tbb", 0.25, 1500);
  const RunComparison comparison = compare_runs(a, b);

  EXPECT_EQ(comparison.run_wide, std::vector<std::string>{"backend: blas (A), tbb (B)"});
  ASSERT_EQ(comparison.matched, 2);
  const auto lstm = row_of(comparison, 0), gru = row_of(comparison, 1);
  EXPECT_EQ(lstm.at("cell"), "lstm");
  EXPECT_EQ(lstm.at("A"), "1");  // lstm is A's trial 1 and B's trial 0: other seeds too
  EXPECT_EQ(lstm.at("B"), "0");
  EXPECT_EQ(lstm.at("loss A"), "1.5");
  EXPECT_EQ(lstm.at("loss B"), "0.25");
  EXPECT_EQ(lstm.at("Δ loss"), "-1.25");
  EXPECT_EQ(lstm.at("solved_at A"), "100");
  EXPECT_EQ(lstm.at("Δ solved_at"), "+0");
  EXPECT_EQ(lstm.at("seq/s B/A"), "1.50");
  EXPECT_EQ(gru.at("cell"), "gru");
  EXPECT_EQ(gru.at("Δ loss"), "-1.25");

  EXPECT_EQ(comparison.only_in_a, std::vector<std::string>{"trial 0: cell rnn_tanh"});
  EXPECT_EQ(comparison.only_in_b, std::vector<std::string>{"trial 2: cell lstm_peephole"});
  const std::string text = comparison_markdown(comparison, a, b);
  EXPECT_NE(text.find("2 trials matched by their spec"), std::string::npos) << text;
  EXPECT_NE(text.find("Only in A (1):\n- trial 0: cell rnn_tanh"), std::string::npos) << text;
  EXPECT_NE(text.find("solved: A 2 of 2, B 2 of 2"), std::string::npos) << text;
  EXPECT_NE(text.find("median 1.50"), std::string::npos) << text;
}

TEST(Compare, RunsWithNothingInCommonSaySo) {
  const RunRecord a = run_of("rnn_tanh", "blas", 0.5, 1000);
  const RunRecord b = run_of("lstm, gru", "blas", 0.5, 1000);
  const RunComparison comparison = compare_runs(a, b);
  EXPECT_EQ(comparison.matched, 0);
  EXPECT_EQ(comparison.only_in_a.size(), 1u);
  EXPECT_EQ(comparison.only_in_b.size(), 2u);
  EXPECT_NE(comparison_markdown(comparison, a, b).find("No trial of A has a partner in B"),
            std::string::npos);
}

}  // namespace
}  // namespace harness
