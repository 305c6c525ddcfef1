// The tokens a language model knows: <EOS> (id 0), <UNK> (id 1), then the most frequent tokens of
// the training text, most frequent first (ties in byte order), up to a cap. Anything else reads
// as <UNK>.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace harness {

class Vocabulary {
 public:
  static constexpr int kEos = 0;
  static constexpr int kUnk = 1;
  static constexpr const char* kEosToken = "<EOS>";
  static constexpr const char* kUnkToken = "<UNK>";

  // The tokens in id order; the first two must be <EOS> and <UNK>.
  explicit Vocabulary(std::vector<std::string> tokens);

  // From how often each distinct token occurs in the training text (<EOS> among them or not):
  // <EOS>, <UNK> and the cap − 2 most frequent others.
  static Vocabulary most_frequent(const std::vector<std::pair<std::string, long>>& counts, int cap);

  int size() const { return static_cast<int>(tokens_.size()); }
  int id(const std::string& token) const;  // kUnk when unknown
  const std::string& token(int id) const { return tokens_[id]; }
  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> ids_;
};

}  // namespace harness
