// The runner in-process: a grid over learning rate × optimizer gives summary rows that name their
// learning rate and optimizer, and every file of the run's folder agrees with the store's rows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "experiment/known_names.hpp"
#include "results/summary.hpp"
#include "run/runner.hpp"
#include "support/files.hpp"
#include "support/plugins.hpp"
#include "support/store_query.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;

const char* kGrid = R"(name: grid
tasks: [{kind: adding, T: 8, eval_sequences: 32}]
models: [{cell: gru, hidden: 6}]
backend: {name: naive}
training:
  optimizer: [sgd, adam]
  learning_rate: [0.01, 0.001]
  batch: 4
  steps: 20
  eval_every: 10
)";

// A CSV file without quoted fields, as rows of column → value.
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& file) {
  std::stringstream in(test::read_text(file));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream names(line);
  for (std::string name; std::getline(names, name, ',');) header.push_back(name);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    auto& row = rows.emplace_back();
    std::string field;
    for (std::size_t c = 0; c < header.size() && std::getline(fields, field, ','); ++c) {
      row[header[c]] = field;
    }
  }
  return rows;
}

class Runner : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = test::scratch_folder("runner_test");
    const auto spec =
        parse_experiment(kGrid, "grid.yaml", {}, known_names(test::builtin_plugins()));
    RunObserver quiet;
    std::atomic<bool> stop{false};
    outcome_ =
        run_experiment(spec, test::builtin_plugins(),
                       {.store = folder_ / "store.sqlite", .folder = folder_ / "run"}, quiet, stop);
  }
  fs::path folder_;
  RunOutcome outcome_;
};

TEST_F(Runner, SummaryRowsNameTheirLearningRateAndOptimizer) {
  ASSERT_EQ(outcome_.failed_trials, 0);
  EXPECT_EQ(outcome_.run.status, "complete");
  const SummaryTable table = summarize(outcome_.run);
  const auto shown = default_columns(table);
  ASSERT_GE(shown.size(), 3u);
  // The trial, then the two keys the grid varies; everything constant is listed above the table.
  EXPECT_EQ(std::vector(shown.begin(), shown.begin() + 3),
            (std::vector<std::string>{"trial", "optimizer", "learning_rate"}));
  const std::string markdown = summary_markdown(table, shown);
  EXPECT_NE(markdown.find("| 0     | sgd       | 0.01          |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| 3     | adam      | 0.001         |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("Every trial: task: adding, T: 8,"), std::string::npos) << markdown;
}

// Trials that differ only in their repeat make one row: the median and range of the completed
// ones' loss, and how many completed. Without repeats there is nothing to say.
TEST(RepeatsSummary, MedianAndRangeOverTheCompletedRepeats) {
  SummaryTable table;
  for (const auto& [name, path, from_spec] :
       std::vector<std::tuple<std::string, std::string, bool>>{{"trial", "trial", false},
                                                               {"task", "task.kind", true},
                                                               {"cell", "model.cell", true},
                                                               {"repeat", "repeat", true},
                                                               {"status", "status", false},
                                                               {"loss", "loss", false}}) {
    table.columns.push_back({.name = name, .path = path, .from_spec = from_spec});
  }
  table.rows = {{"0", "adding", "lstm", "0", "complete", "0.1"},
                {"1", "adding", "lstm", "1", "complete", "0.3"},
                {"2", "adding", "lstm", "2", "diverged", "-"},
                {"3", "adding", "gru", "0", "complete", "0.2"},
                {"4", "adding", "gru", "1", "complete", "0.4"}};
  const std::string markdown = repeats_markdown(table);
  EXPECT_NE(markdown.find("| cell | repeats | complete | loss median | loss min | loss max |"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| lstm | 3       | 2        | 0.2         | 0.1      | 0.3      |"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| gru  | 2       | 2        | 0.3         | 0.2      | 0.4      |"),
            std::string::npos)
      << markdown;
  table.rows.resize(1);
  EXPECT_EQ(repeats_markdown(table), "");
}

TEST_F(Runner, ExportsAgreeWithTheStore) {
  const fs::path store = folder_ / "store.sqlite", run = folder_ / "run";
  const std::string id = outcome_.run.run_id;

  // run.json: every trial's complete spec, as stored.
  const auto document = nlohmann::ordered_json::parse(test::read_text(run / "run.json"));
  const auto specs = test::query_rows(
      store, "SELECT trial, spec FROM trials WHERE run_id = '" + id + "' ORDER BY trial");
  ASSERT_EQ(specs.size(), 4u);
  ASSERT_EQ(document["trials"].size(), 4u);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(document["trials"][i]["spec"], nlohmann::ordered_json::parse(specs[i][1]));
    EXPECT_EQ(document["trials"][i]["spec"]["training"].size(), 13u);  // every training key
  }

  // summary.csv: the final held-out loss and the grid's keys, as stored.
  const auto summary = read_csv(run / "summary.csv");
  const auto losses =
      test::query_rows(store, "SELECT trial, value FROM metrics WHERE run_id = '" + id +
                                  "' AND metric = 'final.eval_loss' ORDER BY trial");
  ASSERT_EQ(summary.size(), 4u);
  ASSERT_EQ(losses.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(summary[i].at("trial"), losses[i][0]);
    EXPECT_NEAR(std::stod(summary[i].at("loss")), std::stod(losses[i][1]),
                1e-3 * std::stod(losses[i][1]));
    const auto spec = nlohmann::ordered_json::parse(specs[i][1]);
    EXPECT_EQ(summary[i].at("optimizer"), spec["training"]["optimizer"]);
    EXPECT_EQ(std::stod(summary[i].at("learning_rate")), spec["training"]["learning_rate"]);
  }

  // curves.csv: one row per trial and evaluation step, the values as stored.
  const auto curves = read_csv(run / "curves.csv");
  const auto evaluations =
      test::query_rows(store, "SELECT trial, step, value FROM metrics WHERE run_id = '" + id +
                                  "' AND metric = 'eval_loss' ORDER BY trial, step");
  ASSERT_EQ(curves.size(), evaluations.size());
  ASSERT_EQ(curves.size(), 4u * 2u);  // steps 10 and 20
  for (std::size_t i = 0; i < curves.size(); ++i) {
    EXPECT_EQ(curves[i].at("trial"), evaluations[i][0]);
    EXPECT_EQ(curves[i].at("step"), evaluations[i][1]);
    EXPECT_NEAR(std::stod(curves[i].at("eval_loss")), std::stod(evaluations[i][2]),
                1e-5 * std::stod(evaluations[i][2]));
  }
}

}  // namespace
}  // namespace harness
