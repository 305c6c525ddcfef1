#include "language/generation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "text/vocabulary.hpp"

namespace harness {

namespace {

// A uniform draw in [0, 1) from the top 53 bits, the same on every platform.
double uniform(std::mt19937_64& rng) {
  return double(rng() >> 11) * 0x1.0p-53;
}

int draw(const float* logits, int size, const SamplingOptions& options, std::mt19937_64& rng) {
  if (options.temperature <= 0) return int(std::max_element(logits, logits + size) - logits);
  std::vector<int> order(size);
  std::iota(order.begin(), order.end(), 0);
  // Most likely first; ties by id, so the order does not depend on the sort.
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return logits[a] != logits[b] ? logits[a] > logits[b] : a < b; });
  if (options.top_k > 0 && options.top_k < size) order.resize(options.top_k);
  std::vector<double> weights;
  const double top = logits[order.front()];
  for (int id : order) weights.push_back(std::exp((logits[id] - top) / options.temperature));
  double u = uniform(rng) * std::accumulate(weights.begin(), weights.end(), 0.0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (u < weights[i]) return order[i];
    u -= weights[i];
  }
  return order.back();
}

}  // namespace

std::vector<int> sample_tokens(Model<float>& model, std::span<const int> prime,
                               const SamplingOptions& options) {
  std::mt19937_64 rng(options.seed);
  // x⟨1⟩ = 0, then the prime: the output after its last token predicts the first draw.
  std::vector<int> inputs{-1};
  for (int token : prime) inputs.push_back(token == Vocabulary::kEos ? -1 : token);
  model.reset_state();
  auto outputs = model.forward(std::span<const int>(inputs), int(inputs.size()), 1);
  std::vector<int> drawn;
  while (int(drawn.size()) < options.length) {
    const int token = draw(outputs.row(outputs.rows - 1), outputs.cols, options, rng);
    drawn.push_back(token);
    if (token == Vocabulary::kEos) break;
    model.set_initial_state(model.final_state());
    const int next[]{token};
    outputs = model.forward(std::span<const int>(next), 1, 1);
  }
  model.reset_state();
  return drawn;
}

std::vector<ScoredSentence> score_sentences(Model<float>& model, std::span<const int> tokens) {
  std::vector<ScoredSentence> sentences;
  for (std::size_t first = 0; first < tokens.size();) {
    std::size_t end = first;
    while (end < tokens.size() && tokens[end] != Vocabulary::kEos) ++end;
    end = std::min(end + 1, tokens.size());  // its <EOS> belongs to it
    const auto sentence = tokens.subspan(first, end - first);
    std::vector<int> inputs{-1};
    inputs.insert(inputs.end(), sentence.begin(), sentence.end() - 1);
    model.reset_state();
    const auto outputs = model.forward(std::span<const int>(inputs), int(inputs.size()), 1);
    ScoredSentence scored;
    for (std::size_t t = 0; t < sentence.size(); ++t) {
      const float* z = outputs.row(int(t));
      const double top = *std::max_element(z, z + outputs.cols);
      double sum = 0;
      for (int v = 0; v < outputs.cols; ++v) sum += std::exp(double(z[v]) - top);
      const double log_p = double(z[sentence[t]]) - top - std::log(sum);
      scored.log_probability += log_p;
      scored.tokens.push_back({sentence[t], -log_p / std::log(2.0)});
    }
    scored.bits_per_token = -scored.log_probability / std::log(2.0) / double(sentence.size());
    sentences.push_back(std::move(scored));
    first = end;
  }
  model.reset_state();
  return sentences;
}

}  // namespace harness
