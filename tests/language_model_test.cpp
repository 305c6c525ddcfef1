// The language model end to end: token inputs as a gather (the same as one-hot rows through a
// GEMM), a state carried across chunks (the same as one long sequence), the task's streams,
// checkpoints that give back the same held-out loss bitwise, sampling and scoring, and the
// agreement task's sentences.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "experiment/known_names.hpp"
#include "experiment/spec.hpp"
#include "language/generation.hpp"
#include "language/trained_model.hpp"
#include "model/model.hpp"
#include "support/files.hpp"
#include "support/plugins.hpp"
#include "tasks/agreement.hpp"
#include "tasks/language_model.hpp"
#include "train/evaluation.hpp"
#include "train/loss.hpp"
#include "train/trial.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;

constexpr int kVocabulary = 5;

std::vector<int> random_tokens(int count, std::uint64_t seed, bool with_zero_inputs) {
  std::mt19937_64 rng(seed);
  std::vector<int> tokens(count);
  for (auto& t : tokens) t = std::uniform_int_distribution<int>(with_zero_inputs ? -1 : 0, 4)(rng);
  return tokens;
}

void randomize(Model<double>& model, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  for (double& w : model.weights()) w = u(rng);
}

class TokenModel : public ::testing::TestWithParam<std::string> {
 protected:
  Model<double> make(bool bidirectional, int layers) {
    cell_ = test::builtin_plugins().make_cell(GetParam());
    backend_ = test::builtin_plugins().make_backend("naive", {});
    Model<double> model(*cell_, *backend_,
                        {.input = kVocabulary,
                         .hidden = 3,
                         .layers = layers,
                         .bidirectional = bidirectional,
                         .output = kVocabulary,
                         .readout = Readout::EveryStep});
    randomize(model, 9);
    return model;
  }
  std::shared_ptr<const Cell> cell_;
  std::shared_ptr<const Backend> backend_;
};

TEST_P(TokenModel, GatherEqualsOneHotRowsThroughTheGemm) {
  const int T = 4, B = 3;
  Model<double> model = make(/*bidirectional=*/true, /*layers=*/2);
  const auto tokens = random_tokens(T * B, 4, /*with_zero_inputs=*/true);
  Matrix<double> one_hot(T * B, kVocabulary);
  one_hot.fill(0);
  for (int r = 0; r < T * B; ++r) {
    if (tokens[r] >= 0) one_hot(r, tokens[r]) = 1;
  }
  Matrix<double> d_outputs(T * B, kVocabulary);
  std::mt19937_64 rng(2);
  for (std::size_t i = 0; i < d_outputs.size(); ++i) {
    d_outputs.data()[i] = std::uniform_real_distribution<double>(-1, 1)(rng);
  }
  auto run = [&](SequenceInput<double> input) {
    const auto out = model.forward(input, T, B);
    std::vector<double> values(out.data, out.data + out.rows * out.cols);
    model.backward(d_outputs.view());
    values.insert(values.end(), model.gradients().begin(), model.gradients().end());
    return values;
  };
  const auto gathered = run(std::span<const int>(tokens));
  const auto dense = run(one_hot.view());
  ASSERT_EQ(gathered.size(), dense.size());
  for (std::size_t i = 0; i < dense.size(); ++i) {
    EXPECT_NEAR(gathered[i], dense[i], 1e-12) << GetParam() << ": value " << i;
  }
}

TEST_P(TokenModel, CarriedStateEqualsOneLongSequence) {
  const int B = 2, first = 3, second = 4;
  Model<double> model = make(/*bidirectional=*/false, /*layers=*/2);
  const auto tokens = random_tokens((first + second) * B, 5, /*with_zero_inputs=*/false);
  const auto whole = model.forward(std::span<const int>(tokens), first + second, B);
  const std::vector<double> expected(whole.data, whole.data + whole.rows * whole.cols);

  const std::span<const int> all(tokens);
  const auto one = model.forward(all.first(first * B), first, B);
  std::vector<double> chunked(one.data, one.data + one.rows * one.cols);
  model.set_initial_state(model.final_state());
  const auto two = model.forward(all.subspan(first * B), second, B);
  chunked.insert(chunked.end(), two.data, two.data + two.rows * two.cols);
  ASSERT_EQ(chunked.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(chunked[i], expected[i], 1e-12) << GetParam() << ": output " << i;
  }
  model.reset_state();  // and back to zeros: the first chunk again
  const auto again = model.forward(all.first(first * B), first, B);
  EXPECT_EQ(again.data[0], one.data[0]);
}

INSTANTIATE_TEST_SUITE_P(Cells, TokenModel, ::testing::Values("lstm", "gru", "rnn_tanh"),
                         test::cell_test_name);

// A small text and an experiment training a character model on it.
class LanguageModelRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = test::scratch_folder("language_model_test");
    test::write_small_text(folder_ / "text.txt");
  }
  static TrialSpec spec(const std::string& extra = "") {
    const KnownNames known = known_names(test::builtin_plugins());
    return parse_experiment(
               "name: lm\ntasks: [{kind: lm, corpus: text.txt, T: 20" + extra +
                   "}]\nmodels: [{cell: lstm, hidden: 16}]\ntraining: {optimizer: adam, "
                   "learning_rate: 0.01, batch: 8, steps: 60, eval_every: 30, "
                   "stop_when_solved: false}\n",
               (folder_ / "lm.yaml").string(), {}, known)
        .trials.front();
  }
  static inline fs::path folder_;
};

TEST_F(LanguageModelRun, TrainingStreamsContinueChunkToChunk) {
  const TrialSpec trial = spec();
  auto task = make_task(trial.task);
  std::mt19937_64 rng(1);
  Batch first, second;
  task->training_batch(rng, 4, first);
  task->training_batch(rng, 4, second);
  EXPECT_FALSE(first.continues);
  EXPECT_TRUE(second.continues);
  const auto& corpus = *task->corpus();
  const std::size_t length = corpus.train.size() / 4;
  for (int b = 0; b < 4; ++b) {
    // Stream b starts at b · length; its second chunk picks up where the first one ended.
    EXPECT_EQ(first.classes[b], corpus.train[b * length]);
    EXPECT_EQ(first.tokens[b], -1);  // x⟨1⟩ = 0
    EXPECT_EQ(second.classes[b], corpus.train[b * length + 20]);
    const int previous = corpus.train[b * length + 19];
    EXPECT_EQ(second.tokens[b], previous == Vocabulary::kEos ? -1 : previous);
  }
}

TEST_F(LanguageModelRun, CheckpointGivesBackTheSameHeldOutLossBitwise) {
  const TrialSpec trial = spec();
  const fs::path file = folder_ / "trial.safetensors";
  const TrialResult result = run_trial(trial, test::builtin_plugins(), {.checkpoint = file});
  ASSERT_EQ(result.status, TrialStatus::Complete) << result.message;
  EXPECT_EQ(result.measure, "bits_per_char");
  EXPECT_EQ(result.baselines.size(), 5u);
  EXPECT_EQ(result.samples.size(), std::size_t(kSamples));

  TrainedModel trained = load_language_model(file, std::nullopt, test::builtin_plugins());
  const auto task = make_task(trial.task);
  const Score score = evaluate(*trained.model, *task, task->held_out_set(0, 0), true);
  EXPECT_EQ(score.loss, result.eval_loss);  // bitwise
  EXPECT_EQ(trained.vocabulary->tokens(), task->corpus()->vocabulary.tokens());
}

TEST_F(LanguageModelRun, SamplingIsDeterministicAndZeroTemperatureTakesTheArgmax) {
  const fs::path file = folder_ / "sampling.safetensors";
  run_trial(spec(), test::builtin_plugins(), {.checkpoint = file});
  TrainedModel trained = load_language_model(file, std::nullopt, test::builtin_plugins());
  Model<float>& model = *trained.model;
  const SamplingOptions options{.length = 40, .temperature = 1.0, .seed = 7};
  const auto a = sample_tokens(model, {}, options);
  EXPECT_EQ(a, sample_tokens(model, {}, options));
  EXPECT_NE(a, sample_tokens(model, {}, {.length = 40, .temperature = 1.0, .seed = 8}));

  const auto greedy = sample_tokens(model, {}, {.length = 15, .temperature = 0});
  std::vector<int> inputs{-1};
  for (int token : greedy) {
    const auto out = model.forward(std::span<const int>(inputs), int(inputs.size()), 1);
    const float* last = out.row(out.rows - 1);
    EXPECT_EQ(token, int(std::max_element(last, last + out.cols) - last));
    inputs.push_back(token == Vocabulary::kEos ? -1 : token);
  }
}

TEST_F(LanguageModelRun, ScoreIsTheSumOfTheModelsPerTokenLosses) {
  const fs::path file = folder_ / "scoring.safetensors";
  run_trial(spec(), test::builtin_plugins(), {.checkpoint = file});
  TrainedModel trained = load_language_model(file, std::nullopt, test::builtin_plugins());
  const auto tokens = encode("the dog sat on the bone.", TextLevel::Char, *trained.vocabulary);
  const auto sentences = score_sentences(*trained.model, tokens);
  ASSERT_EQ(sentences.size(), 1u);
  ASSERT_EQ(sentences[0].tokens.size(), tokens.size());

  Batch batch;
  batch.size = 1;
  batch.steps = int(tokens.size());
  batch.tokens = {-1};
  batch.tokens.insert(batch.tokens.end(), tokens.begin(), tokens.end() - 1);
  batch.classes = tokens;
  trained.model->reset_state();
  const auto outputs = trained.model->forward(std::span<const int>(batch.tokens), batch.steps, 1);
  const double mean_nats =
      compute_loss(LossKind::SoftmaxCrossEntropy, outputs, batch, nullptr, nullptr);
  EXPECT_NEAR(sentences[0].log_probability, -mean_nats * double(tokens.size()),
              1e-9 * mean_nats * double(tokens.size()));
  double bits = 0;
  for (const auto& t : sentences[0].tokens) bits += t.bits;
  EXPECT_NEAR(bits, -sentences[0].log_probability / std::log(2.0), 1e-9);
}

TEST(Agreement, SentencesHaveTheirDistanceAttractorsAndBalancedNumbers) {
  for (const auto& [distance, attractors] :
       {std::pair{3, 1}, std::pair{12, 0}, std::pair{20, 4}, std::pair{9, 3}, std::pair{10, 3}}) {
    const AgreementTask task(distance, attractors);
    std::mt19937_64 rng(5);
    int plural = 0;
    const int sentences = 4000;
    for (int i = 0; i < sentences; ++i) {
      const auto [tokens, number] = task.sentence(rng);
      ASSERT_EQ(int(tokens.size()), distance + 2);
      ASSERT_EQ(tokens[0], AgreementTask::kThe);
      ASSERT_TRUE(AgreementTask::is_noun(tokens[1]));
      ASSERT_EQ(AgreementTask::is_plural(tokens[1]), number == AgreementTask::kPlural);
      int other = 0;
      for (int t = 2; t < int(tokens.size()); ++t) {
        if (AgreementTask::is_noun(tokens[t])) {
          other += AgreementTask::is_plural(tokens[t]) != AgreementTask::is_plural(tokens[1]);
        }
      }
      ASSERT_EQ(other, attractors) << "distance " << distance;
      plural += number;
    }
    EXPECT_NEAR(double(plural) / sentences, 0.5, 0.03);
  }
}

}  // namespace
}  // namespace harness
