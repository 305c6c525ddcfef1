// A text file as a language model reads it: token ids in three contiguous splits, and the
// vocabulary built from the first.
//
// Tokens, line by line (a line ends at '\n'; a '\r' before it is dropped):
//   char  every character (Unicode code point) is a token, and <EOS> closes every line.
//   word  a word is a maximal run of letters, digits, apostrophes and non-ASCII characters; every
//         other character that is not white space is a token of its own (punctuation); case is
//         kept. <EOS> closes each line that ends a sentence: its last character, after any
//         closing quotes or brackets, is '.', '!' or '?'. Other lines run on into the next.
// Splits: the file's token stream cut into 90% training, 5% held-out and 5% test, in that order.
// The vocabulary comes from the training split only (vocabulary.hpp).
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/yaml_reader.hpp"
#include "text/vocabulary.hpp"

namespace harness {

enum class TextLevel { Char, Word };
inline constexpr Named<TextLevel> kTextLevelNames[]{{"char", TextLevel::Char},
                                                    {"word", TextLevel::Word}};

// A corpus that cannot be used; the message says what is wrong with which file.
class CorpusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One line's tokens, <EOS> included where the rule places one.
std::vector<std::string> line_tokens(std::string_view line, TextLevel level);

struct Corpus {
  std::filesystem::path file;
  TextLevel level = TextLevel::Char;
  Vocabulary vocabulary{{Vocabulary::kEosToken, Vocabulary::kUnkToken}};
  std::vector<int> train, held_out, test;
};

// Reads and splits `file`, capping the vocabulary at `vocabulary_cap` (≥ 3). The same file,
// level and cap give the same corpus object, read once per process. Throws CorpusError.
std::shared_ptr<const Corpus> load_corpus(const std::filesystem::path& file, TextLevel level,
                                          int vocabulary_cap);

// Text as token ids with the corpus's rules (<EOS> where they place one).
std::vector<int> encode(std::string_view text, TextLevel level, const Vocabulary& vocabulary);

// Token ids as text: characters joined, or words joined by spaces; <EOS> as a line break.
std::string decode(std::span<const int> ids, TextLevel level, const Vocabulary& vocabulary);

}  // namespace harness
