#include "text/kneser_ney.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace harness {

namespace {

// Up to four ids below 2¹⁶, most recent in the lowest bits.
std::uint64_t pack(std::span<const int> context) {
  std::uint64_t key = 0;
  for (int id : context) key = (key << 16) | static_cast<std::uint64_t>(id);
  return key;
}

}  // namespace

KneserNey::Table KneserNey::build(std::vector<Table::Count> grams) {
  std::sort(grams.begin(), grams.end(), [](const auto& a, const auto& b) {
    return a.context != b.context ? a.context < b.context : a.token < b.token;
  });
  Table table;
  long once = 0, twice = 0;
  for (const auto& gram : grams) {
    if (!table.counts.empty() && table.counts.back().context == gram.context &&
        table.counts.back().token == gram.token) {
      table.counts.back().count += gram.count;
    } else {
      table.counts.push_back(gram);
    }
  }
  for (const auto& c : table.counts) {
    once += c.count == 1;
    twice += c.count == 2;
    if (table.contexts.empty() || table.contexts.back().key != c.context) {
      table.contexts.push_back({c.context, 0, 0});
    }
    table.contexts.back().total += c.count;
    table.contexts.back().followers += 1;
  }
  // Ney's estimate; with no singletons (tiny texts) there is nothing to discount from.
  table.discount = once > 0 ? double(once) / double(once + 2 * twice) : 0.5;
  return table;
}

KneserNey::KneserNey(std::span<const int> training, int order, int vocabulary_size)
    : order_(order), vocabulary_size_(vocabulary_size) {
  if (order < 1 || order > kMaxOrder) throw std::invalid_argument("n-gram order outside 1..5");
  if (vocabulary_size > 65536) throw std::invalid_argument("n-gram vocabulary above 65536");
  tables_.resize(order);
  // The highest order: raw counts of every n-gram in the text.
  std::vector<Table::Count> grams;
  for (std::size_t i = order - 1; i < training.size(); ++i) {
    grams.push_back({pack(training.subspan(i - order + 1, order - 1)), training[i], 1});
  }
  tables_[order - 1] = build(std::move(grams));
  // Each lower order: how many distinct tokens precede each of its k-grams, read off the
  // distinct (k+1)-grams of the order above.
  for (int k = order - 1; k >= 1; --k) {
    std::vector<Table::Count> continuations;
    const std::uint64_t mask = k == 1 ? 0 : (std::uint64_t(1) << (16 * (k - 1))) - 1;
    for (const auto& c : tables_[k].counts) continuations.push_back({c.context & mask, c.token, 1});
    tables_[k - 1] = build(std::move(continuations));
  }
}

double KneserNey::probability_at(int k, std::span<const int> context, int token) const {
  if (k == 0) return 1.0 / vocabulary_size_;
  const Table& table = tables_[k - 1];
  const std::span<const int> used = context.last(k - 1);
  const std::uint64_t key = pack(used);
  const double lower = probability_at(k - 1, context, token);
  const auto c =
      std::lower_bound(table.contexts.begin(), table.contexts.end(), key,
                       [](const auto& entry, std::uint64_t value) { return entry.key < value; });
  if (c == table.contexts.end() || c->key != key) return lower;
  const auto n = std::lower_bound(table.counts.begin(), table.counts.end(), std::pair{key, token},
                                  [](const auto& entry, const std::pair<std::uint64_t, int>& v) {
                                    return entry.context != v.first ? entry.context < v.first
                                                                    : entry.token < v.second;
                                  });
  const long count =
      n != table.counts.end() && n->context == key && n->token == token ? n->count : 0;
  const double total = double(c->total), D = table.discount;
  return std::max(double(count) - D, 0.0) / total + D * double(c->followers) / total * lower;
}

double KneserNey::probability(std::span<const int> context, int token) const {
  const int k = std::min<int>(order_, static_cast<int>(context.size()) + 1);
  return probability_at(k, context, token);
}

double KneserNey::bits_per_token(std::span<const int> tokens) const {
  double bits = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::size_t first = i >= std::size_t(order_ - 1) ? i - (order_ - 1) : 0;
    bits -= std::log2(probability(tokens.subspan(first, i - first), tokens[i]));
  }
  return tokens.empty() ? 0 : bits / double(tokens.size());
}

}  // namespace harness
