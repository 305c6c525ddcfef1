// Text as a language model reads it: UTF-8 checking, the char and word token rules with <EOS>,
// the vocabulary's cap and <UNK>, the three splits, and encoding and decoding.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "text/corpus.hpp"
#include "text/utf8.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;

fs::path write_corpus(const std::string& name, const std::string& text) {
  const fs::path file = fs::path(testing::TempDir()) / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_FALSE(invalid_utf8_offset("plain ASCII").has_value());
  EXPECT_FALSE(invalid_utf8_offset("caf\xc3\xa9 \xe2\x9f\xa8t\xe2\x9f\xa9 \xf0\x9f\x98\x80"));
  EXPECT_EQ(invalid_utf8_offset("ab\x80"), 2u);            // a stray continuation byte
  EXPECT_EQ(invalid_utf8_offset("abc\xc3"), 3u);           // truncated
  EXPECT_EQ(invalid_utf8_offset("a\xc0\xaf"), 1u);         // overlong
  EXPECT_EQ(invalid_utf8_offset("a\xed\xa0\x80"), 1u);     // a surrogate
  EXPECT_EQ(invalid_utf8_offset("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_characters("a\xc3\xa9z"), (std::vector<std::string>{"a", "\xc3\xa9", "z"}));
}

TEST(Tokens, CharactersWithEosClosingEveryLine) {
  EXPECT_EQ(line_tokens("Go, \xc3\xa9!", TextLevel::Char),
            (std::vector<std::string>{"G", "o", ",", " ", "\xc3\xa9", "!", "<EOS>"}));
  EXPECT_EQ(line_tokens("", TextLevel::Char), std::vector<std::string>{"<EOS>"});
}

TEST(Tokens, WordsPunctuationAndEosOnlyWhereASentenceEnds) {
  EXPECT_EQ(line_tokens("And God said, Let there be light: and there was light.", TextLevel::Word),
            (std::vector<std::string>{"And", "God", "said", ",", "Let", "there", "be", "light", ":",
                                      "and", "there", "was", "light", ".", "<EOS>"}));
  EXPECT_EQ(line_tokens("the cat's toy, which", TextLevel::Word),
            (std::vector<std::string>{"the", "cat's", "toy", ",", "which"}));
  EXPECT_EQ(line_tokens("Is it?\")", TextLevel::Word),
            (std::vector<std::string>{"Is", "it", "?", "\"", ")", "<EOS>"}));
}

TEST(Vocabulary, CapKeepsTheMostFrequentAndTheRestIsUnknown) {
  const auto v =
      Vocabulary::most_frequent({{"b", 5}, {"a", 5}, {"c", 9}, {"d", 1}, {"<EOS>", 7}}, 4);
  EXPECT_EQ(v.tokens(), (std::vector<std::string>{"<EOS>", "<UNK>", "c", "a"}));  // ties: a < b
  EXPECT_EQ(v.id("c"), 2);
  EXPECT_EQ(v.id("b"), Vocabulary::kUnk);
  EXPECT_EQ(v.id("never seen"), Vocabulary::kUnk);
  EXPECT_EQ(v.id("<EOS>"), Vocabulary::kEos);
}

TEST(Corpus, SplitsAreDeterministicContiguousAndDisjoint) {
  std::string text;
  for (int line = 0; line < 200; ++line) text += "line " + std::to_string(line) + " of text\n";
  const auto file = write_corpus("splits.txt", text);
  const auto corpus = load_corpus(file, TextLevel::Char, 100);
  const std::size_t n = corpus->train.size() + corpus->held_out.size() + corpus->test.size();
  EXPECT_EQ(corpus->train.size(), n * 90 / 100);
  EXPECT_EQ(corpus->held_out.size(), n * 95 / 100 - n * 90 / 100);
  // In file order: the stream re-assembled from the splits is the file's.
  std::vector<int> stream = corpus->train;
  stream.insert(stream.end(), corpus->held_out.begin(), corpus->held_out.end());
  stream.insert(stream.end(), corpus->test.begin(), corpus->test.end());
  EXPECT_EQ(stream, encode(text, TextLevel::Char, corpus->vocabulary));
  EXPECT_EQ(decode(corpus->test, TextLevel::Char, corpus->vocabulary),
            text.substr(text.size() - corpus->test.size()));
  // Read again with another cap: the same token stream, cut the same way.
  const auto again = load_corpus(file, TextLevel::Char, 50);
  EXPECT_NE(again.get(), corpus.get());
  EXPECT_EQ(again->train.size(), corpus->train.size());
  EXPECT_EQ(load_corpus(file, TextLevel::Char, 100).get(), corpus.get());  // read once
}

TEST(Corpus, VocabularyComesFromTheTrainingSplitOnly) {
  std::string text(900, 'a');
  text += std::string(100, 'z');  // only in the held-out and test splits
  const auto corpus = load_corpus(write_corpus("train_only.txt", text), TextLevel::Char, 10);
  EXPECT_EQ(corpus->vocabulary.tokens(), (std::vector<std::string>{"<EOS>", "<UNK>", "a"}));
  EXPECT_EQ(corpus->held_out.front(), Vocabulary::kUnk);
}

TEST(Corpus, EmptyOrInvalidFilesSayWhatIsWrong) {
  auto error = [](const fs::path& file) {
    try {
      load_corpus(file, TextLevel::Char, 10);
    } catch (const CorpusError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const auto empty = write_corpus("empty.txt", "");
  EXPECT_EQ(error(empty), "the corpus \"" + empty.string() + "\" is empty");
  const auto latin1 = write_corpus("latin1.txt", "caf\xe9\n");
  EXPECT_EQ(error(latin1), "the corpus \"" + latin1.string() +
                               "\" is not valid UTF-8: byte 3 (from 0) starts no well-formed "
                               "character; convert it, e.g. with iconv");
  EXPECT_EQ(error("/nonexistent/corpus.txt"),
            "cannot read the corpus \"/nonexistent/corpus.txt\" (does it exist?)");
}

}  // namespace
}  // namespace harness
