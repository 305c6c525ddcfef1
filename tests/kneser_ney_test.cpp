// The n-gram baselines: interpolated Kneser-Ney against probabilities worked out by hand on a
// tiny text, and every order's distribution summing to 1.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "text/kneser_ney.hpp"

namespace harness {
namespace {

// The text "a b a b c" over the vocabulary {a, b, c, d} (ids 0 … 3).
const std::vector<int> kText{0, 1, 0, 1, 2};

TEST(KneserNey, UnigramByHand) {
  // Counts a 2, b 2, c 1, d 0: n₁ = 1 (c), n₂ = 2 (a, b), so D = 1 / (1 + 4) = 0.2; 3 types
  // seen in 5 tokens. P(w) = max(c(w) − 0.2, 0) / 5 + 0.2 · 3 / 5 · 1/4.
  const KneserNey model(kText, 1, 4);
  const double spread = 0.2 * 3 / 5 / 4;
  EXPECT_NEAR(model.probability({}, 0), 1.8 / 5 + spread, 1e-12);
  EXPECT_NEAR(model.probability({}, 2), 0.8 / 5 + spread, 1e-12);
  EXPECT_NEAR(model.probability({}, 3), spread, 1e-12);
}

TEST(KneserNey, BigramByHand) {
  // Bigrams a b ×2, b a ×1, b c ×1: n₁ = 2, n₂ = 1, D₂ = 2 / 4 = 0.5.
  // The unigram level counts continuations — distinct left neighbours: a 1 (b), b 1 (a),
  // c 1 (b), d 0; total 3, n₁ = 3, n₂ = 0, so D₁ = 1: P₁(w) = max(N(•w) − 1, 0)/3 + 1·3/3·1/4,
  // = 1/4 for every w.
  // After b (c(b) = 2, two followers): P(c | b) = (1 − 0.5)/2 + 0.5 · 2/2 · 1/4 = 0.375;
  // P(d | b) = 0.5 · 2/2 · 1/4 = 0.125. After c (never a context): P(a | c) = P₁(a) = 1/4.
  const KneserNey model(kText, 2, 4);
  const int b[]{1}, c[]{2};
  EXPECT_NEAR(model.probability(b, 2), 0.375, 1e-12);
  EXPECT_NEAR(model.probability(b, 3), 0.125, 1e-12);
  EXPECT_NEAR(model.probability(c, 0), 0.25, 1e-12);
  EXPECT_NEAR(model.probability({}, 0), 0.25, 1e-12);  // no context: the unigram level
}

TEST(KneserNey, EveryOrdersDistributionSumsToOne) {
  std::mt19937_64 rng(3);
  std::vector<int> text(3000);
  for (auto& token : text)
    token = int(std::uniform_int_distribution<int>(0, 5)(rng) *
                std::uniform_int_distribution<int>(0, 1)(rng));
  for (int order = 1; order <= 5; ++order) {
    const KneserNey model(text, order, 7);  // id 6 never occurs
    for (std::size_t at : {0u, 1u, 4u, 100u, 2999u}) {
      const std::size_t first = at >= 4 ? at - 4 : 0;
      const std::span<const int> context(text.data() + first, at - first);
      double sum = 0;
      for (int token = 0; token < 7; ++token) sum += model.probability(context, token);
      EXPECT_NEAR(sum, 1.0, 1e-12) << "order " << order << " after " << at << " tokens";
    }
    const int unseen[]{6, 6, 6, 6};
    double sum = 0;
    for (int token = 0; token < 7; ++token) sum += model.probability(unseen, token);
    EXPECT_NEAR(sum, 1.0, 1e-12) << "order " << order << " after an unseen context";
  }
}

TEST(KneserNey, HigherOrdersFitTheirTrainingTextBetter) {
  std::vector<int> text;
  // After 1 comes 2 or 4: a bigram cannot tell which, a trigram can.
  for (int i = 0; i < 500; ++i) text.insert(text.end(), {0, 1, 2, 3, 1, 4});
  double previous = 1e9;
  for (int order = 1; order <= 3; ++order) {
    const double bits = KneserNey(text, order, 5).bits_per_token(text);
    EXPECT_LT(bits, previous) << "order " << order;
    previous = bits;
  }
}

}  // namespace
}  // namespace harness
