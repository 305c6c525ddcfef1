// Interpolated Kneser-Ney n-gram models (Chen & Goodman 1998), the baselines a language model
// must beat. For a model of order n, with h the n − 1 tokens before w and h' its last n − 2:
//
//   P_n(w | h) = max(c(h w) − D_n, 0) / c(h)  +  D_n · N₁₊(h •) / c(h) · P_{n−1}(w | h')
//
// where c counts in the training text at the highest order, and at every lower order counts
// continuations instead: c(h w) there is N₁₊(• h w), the number of distinct tokens seen before
// h w. N₁₊(h •) is the number of distinct tokens seen after h; D_k = n₁ / (n₁ + 2 n₂) from the
// number of n-grams of order k counted once (n₁) and twice (n₂). A context never seen (c(h) = 0)
// leaves all the mass to the lower order; below order 1 is the uniform 1/V. Each order's
// distribution sums to 1 over the vocabulary. Near the start of a text the context is shorter
// and the recursion starts at a lower order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace harness {

class KneserNey {
 public:
  static constexpr int kMaxOrder = 5;

  // Counts `training` (token ids below `vocabulary_size` ≤ 65536) for a model of `order`.
  KneserNey(std::span<const int> training, int order, int vocabulary_size);

  int order() const { return order_; }
  // P(token | context): the last order − 1 tokens of `context` are used.
  double probability(std::span<const int> context, int token) const;
  // −log₂ P per token over `tokens`, each conditioned on those before it in `tokens`.
  double bits_per_token(std::span<const int> tokens) const;

 private:
  // The counts of one order: per context (its k − 1 tokens packed into 64 bits), the total and
  // the number of distinct followers; per (context, token), the count. Sorted for lookup.
  struct Table {
    struct Context {
      std::uint64_t key;
      long total;
      long followers;
    };
    struct Count {
      std::uint64_t context;
      int token;
      long count;
    };
    std::vector<Context> contexts;
    std::vector<Count> counts;
    double discount = 0;
  };
  static Table build(std::vector<Table::Count> grams);
  double probability_at(int k, std::span<const int> context, int token) const;

  int order_;
  int vocabulary_size_;
  std::vector<Table> tables_;  // [k − 1] for order k
};

}  // namespace harness
