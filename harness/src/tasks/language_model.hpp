// The language model (task `lm`): predict every next token of a text file (text/corpus.hpp),
// char or word level, with a softmax over the vocabulary at each step.
//
// Training reads the training split as B parallel streams (the split cut into B equal parts),
// chunk after chunk of T tokens; the input at each step is the previous token and the target the
// token itself, except that a sentence starts with x⟨1⟩ = 0: at a stream's start and after each
// <EOS> the input is zero (so <EOS> is never an input, and sampling and scoring start sentences
// as training saw them start). With carry_state (the default) each chunk
// starts from the state the previous one ended in, and gradients stop at the chunk boundary
// (truncated BPTT); after the last whole chunk the streams start over from zero.
//
// The held-out split is read the same way, in kEvalStreams streams, to its last token. Results:
// nats per token (the loss), and bits per character (char) or perplexity (word). Baselines:
// interpolated Kneser-Ney of orders 1 to 5 (char) or 1 to 3 (word) trained on the training split
// and scored on the same held-out streams; chance is the 1-gram model. Solved: held-out loss below
// the best n-gram's.
#pragma once

#include <filesystem>
#include <memory>

#include "tasks/task.hpp"
#include "tasks/task_kind.hpp"
#include "text/corpus.hpp"

namespace harness {

struct LanguageModelOptions final : TaskOptions {
  std::string corpus;          // as written in the experiment
  std::filesystem::path file;  // resolved against the experiment's folder
  TextLevel level = TextLevel::Char;
  int vocabulary = 10000;  // cap
  std::shared_ptr<const Corpus> loaded;
  void write(nlohmann::ordered_json& task) const override;
};

extern const TaskKind kLanguageModelTask;

class LanguageModelTask final : public Task {
 public:
  static constexpr int kEvalStreams = 32;

  LanguageModelTask(std::shared_ptr<const Corpus> corpus, int chunk);

  int input_size() const override { return corpus_->vocabulary.size(); }
  int output_size() const override { return corpus_->vocabulary.size(); }
  int steps() const override { return chunk_; }
  Readout readout() const override { return Readout::EveryStep; }
  LossKind loss() const override { return LossKind::SoftmaxCrossEntropy; }
  bool token_input() const override { return true; }

  void training_batch(std::mt19937_64& rng, int batch, Batch& out) override;
  std::vector<Batch> held_out_set(int sequences, std::uint64_t seed) const override;
  HeldOutSize held_out_size(int sequences) const override;

  double chance_loss() const override;  // the 1-gram model's held-out nats per token
  std::string solved_criterion() const override;
  bool solved(const Score& held_out) const override;
  std::optional<HeldOutMeasure> measure() const override;
  std::vector<std::pair<std::string, double>> baselines() const override;

  const Corpus* corpus() const override { return corpus_.get(); }

 private:
  // The n-gram models' held-out nats per token, order 1 first.
  const std::vector<double>& baseline_nats() const;

  std::shared_ptr<const Corpus> corpus_;
  int chunk_;
  int next_chunk_ = 0;  // of the training streams, in the current pass
};

// Reads `tokens` as `streams` parallel streams in chunks of up to `chunk` steps, to the end of
// the shortest stream: inputs are the previous tokens (−1 where a sentence starts), targets the
// tokens.
std::vector<Batch> chunked_streams(std::span<const int> tokens, int streams, int chunk);

}  // namespace harness
