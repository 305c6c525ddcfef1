#include "text/vocabulary.hpp"

#include <algorithm>
#include <stdexcept>

namespace harness {

Vocabulary::Vocabulary(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {
  if (tokens_.size() < 2 || tokens_[kEos] != kEosToken || tokens_[kUnk] != kUnkToken) {
    throw std::invalid_argument("a vocabulary starts with <EOS> and <UNK>");
  }
  for (int i = 0; i < size(); ++i) ids_.emplace(tokens_[i], i);
}

Vocabulary Vocabulary::most_frequent(const std::vector<std::pair<std::string, long>>& counts,
                                     int cap) {
  std::vector<std::pair<std::string, long>> ranked;
  for (const auto& entry : counts) {
    if (entry.first != kEosToken && entry.first != kUnkToken) ranked.push_back(entry);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::string> tokens{kEosToken, kUnkToken};
  for (std::size_t i = 0; i < ranked.size() && int(tokens.size()) < cap; ++i) {
    tokens.push_back(ranked[i].first);
  }
  return Vocabulary(std::move(tokens));
}

int Vocabulary::id(const std::string& token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? kUnk : it->second;
}

}  // namespace harness
