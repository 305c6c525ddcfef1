// Subject-verb agreement across a distance (after Linzen, Dupoux & Goldberg 2016), generated:
// the model reads "the cat(s) w₁ … w_k" and says whether the verb that follows is singular or
// plural ("was" or "were"): the number of the subject, k words back. The k words are phrases with
// a noun of their own — "near the tree(s)" (3 words), "that the dog(s) chased" (4 words) — and
// one-word adverbs ("today") filling the rest. `attractors` of the phrases' nouns have the other
// number than the subject (the others its own), placed at random among the phrases.
//
// Inputs are word tokens (kWords); the subject's number is drawn with equal odds, so chance (the
// majority class) is ln 2 and accuracy 1/2. Solved: held-out accuracy ≥ 99%.
#pragma once

#include <array>

#include "tasks/task.hpp"
#include "tasks/task_kind.hpp"

namespace harness {

struct AgreementOptions final : TaskOptions {
  int attractors = 0;
  void write(nlohmann::ordered_json& task) const override;
};

extern const TaskKind kAgreementTask;

class AgreementTask final : public GeneratedTask {
 public:
  // The vocabulary; a noun's singular is at an even id, its plural right after it.
  static constexpr std::array<const char*, 26> kWords{
      "cat",   "cats",  "dog",   "dogs",  "tree",  "trees",  "boy",    "boys",   "girl",
      "girls", "bird",  "birds", "the",   "near",  "behind", "beside", "that",   "chased",
      "saw",   "liked", "today", "there", "again", "often",  "still",  "quietly"};
  static constexpr int kNouns = 12;  // ids 0 … 11
  static constexpr int kThe = 12;
  static constexpr int kFirstPreposition = 13, kPrepositions = 3;
  static constexpr int kThat = 16;
  static constexpr int kFirstVerb = 17, kVerbs = 3;
  static constexpr int kFirstAdverb = 20, kAdverbs = 6;
  static constexpr int kSingular = 0, kPlural = 1;  // the classes

  AgreementTask(int distance, int attractors) : distance_(distance), attractors_(attractors) {}

  int input_size() const override { return int(kWords.size()); }
  int output_size() const override { return 2; }
  int steps() const override { return distance_ + 2; }  // "the", the subject, k words
  Readout readout() const override { return Readout::LastStep; }
  LossKind loss() const override { return LossKind::SoftmaxCrossEntropy; }
  bool token_input() const override { return true; }
  void sample(std::mt19937_64& rng, int batch, Batch& out) const override;
  double chance_loss() const override;
  std::string solved_criterion() const override { return "held-out accuracy >= 99%"; }
  bool solved(const Score& held_out) const override { return held_out.accuracy >= 0.99; }

  // One sentence prefix, as tokens, and its class.
  std::pair<std::vector<int>, int> sentence(std::mt19937_64& rng) const;

  static bool is_noun(int token) { return token < kNouns; }
  static bool is_plural(int noun) { return noun % 2 == 1; }

 private:
  int distance_, attractors_;
};

}  // namespace harness
