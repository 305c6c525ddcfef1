// What a trained language model does with text, as the RNN tutorials describe it.
//
// Sampling: start from the zero state with x⟨1⟩ = 0 (or read a prime text first; the input after
// an <EOS> is zero, as in training: tasks/language_model.hpp), turn the head's
// output into a softmax at temperature τ (p ∝ exp(z / τ), restricted to the k most likely tokens
// when top_k > 0; τ = 0 takes the most likely), draw a token, feed it back as the next input, and
// stop after <EOS> or `length` tokens. The same seed draws the same text.
//
// Scoring: each sentence (up to and including its <EOS>) read from the zero state with x⟨1⟩ = 0;
// its probability is the product of the conditionals P(w⟨t⟩ | w⟨1⟩ … w⟨t−1⟩), and each token's
// surprisal −log₂ P shows where the model did not expect it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/model.hpp"

namespace harness {

struct SamplingOptions {
  int length = 200;  // tokens drawn at the most
  double temperature = 1.0;
  int top_k = 0;  // 0: all tokens
  std::uint64_t seed = 1;
};

// The drawn tokens (the prime not among them), <EOS> included when drawn.
std::vector<int> sample_tokens(Model<float>& model, std::span<const int> prime,
                               const SamplingOptions& options);

struct ScoredToken {
  int token = 0;
  double bits = 0;  // −log₂ P(token | the tokens before it in its sentence)
};

struct ScoredSentence {
  std::vector<ScoredToken> tokens;
  double log_probability = 0;  // Σ ln P over its tokens
  double bits_per_token = 0;
};

// `tokens` cut into sentences after each <EOS> (the last may lack one).
std::vector<ScoredSentence> score_sentences(Model<float>& model, std::span<const int> tokens);

}  // namespace harness
