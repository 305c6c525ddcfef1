// harness run, sample and score on a language model end to end, and every bad checkpoint input
// stopping with one message and exit code 2: a folder without checkpoints, a truncated file, and
// a file whose tensors do not fit the spec it records.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "results/safetensors.hpp"
#include "support/files.hpp"
#include "support/run_harness.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using test::run_harness;

class LanguageCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = test::scratch_folder("language_cli_test");
    test::write_small_text(folder_ / "text.txt");
    std::ofstream(folder_ / "lm.yaml")
        << "name: lm\ntasks: [{kind: lm, corpus: text.txt, T: 20}]\n"
           "models: [{cell: [gru, lstm], hidden: 16}]\n"
           "training: {optimizer: adam, learning_rate: 0.01, batch: 8, steps: 60, "
           "eval_every: 30, stop_when_solved: false}\n";
    const auto result =
        run_harness("run '" + (folder_ / "lm.yaml").string() + "' --out '" + run_folder().string() +
                    "' --store '" + (folder_ / "store.sqlite").string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  static fs::path run_folder() { return folder_ / "run"; }
  static fs::path checkpoint(int trial) {
    return run_folder() / "checkpoints" / ("trial-" + std::to_string(trial) + ".safetensors");
  }
  static inline fs::path folder_;
};

TEST_F(LanguageCli, RunWritesBaselinesSamplesAndCheckpoints) {
  const std::string summary = test::read_text(run_folder() / "summary.md");
  EXPECT_NE(summary.find("bpc"), std::string::npos) << summary;
  EXPECT_NE(summary.find("n-gram baselines (held-out bits_per_char): 1-gram "), std::string::npos)
      << summary;  // the same for both trials, on a line of their own
  EXPECT_NE(test::read_text(run_folder() / "samples.txt").find("## seed 3"), std::string::npos);
  EXPECT_TRUE(fs::exists(checkpoint(0)));
  EXPECT_TRUE(fs::exists(checkpoint(1)));
}

TEST_F(LanguageCli, SampleIsTheSameForTheSameSeed) {
  const std::string args = "sample '" + run_folder().string() + "' --trial 1 --length 30 --seed 4";
  const auto a = run_harness(args), b = run_harness(args);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  EXPECT_EQ(a.output, b.output);
  const auto primed = run_harness(args + " --prime 'the cat'");
  ASSERT_EQ(primed.exit_code, 0) << primed.output;
  EXPECT_EQ(primed.output.rfind("the cat", 0), 0u) << primed.output;
}

TEST_F(LanguageCli, ScoreGivesEachSentenceAndItsSurprisals) {
  std::ofstream(folder_ / "two.txt") << "the cat sat on the mat.\nthe bone sang.\n";
  const auto result = run_harness("score '" + run_folder().string() + "' --file '" +
                                  (folder_ / "two.txt").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("sentence 1: 24 tokens, log P = -"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("sentence 2: 15 tokens"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("surprisal in bits: t "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("all 2 sentences: 39 tokens"), std::string::npos) << result.output;
}

TEST_F(LanguageCli, FolderWithoutCheckpoints) {
  const fs::path empty = folder_ / "empty_run";
  fs::create_directories(empty);
  const auto result = run_harness("sample '" + empty.string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output, "harness sample: the run folder \"" + empty.string() +
                               "\" has no checkpoints (checkpoints/trial-N.safetensors): it was "
                               "not written by a run of this harness, or its trials did not "
                               "finish\n");
}

TEST_F(LanguageCli, TruncatedCheckpoint) {
  const fs::path truncated = folder_ / "truncated.safetensors";
  fs::copy_file(checkpoint(0), truncated, fs::copy_options::overwrite_existing);
  fs::resize_file(truncated, fs::file_size(truncated) - 10);
  const auto result = run_harness("score '" + truncated.string() + "' 'the cat.'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("harness score: \"" + truncated.string() +
                               "\" is not a valid safetensors file: "),
            std::string::npos)
      << result.output;
}

TEST_F(LanguageCli, CheckpointWhoseShapesDoNotMatchItsSpec) {
  SafetensorsFile contents = read_safetensors(checkpoint(0));
  auto& spec = contents.metadata.at("spec");
  spec.replace(spec.find("\"hidden\":16"), 11, "\"hidden\":17");
  const fs::path edited = folder_ / "edited.safetensors";
  write_safetensors(edited, contents);
  const auto result = run_harness("sample '" + edited.string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("harness sample: \"" + edited.string() +
                               "\": tensor 0 is 'layer1.fwd.W_x' of shape [48, "),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("but its spec's model has 'layer1.fwd.W_x' of shape [51, "),
            std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace harness
