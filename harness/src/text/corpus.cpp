#include "text/corpus.hpp"

#include <fmt/format.h>
#include <fmt/std.h>

#include <map>
#include <mutex>
#include <unordered_map>

#include "file_io.hpp"
#include "text/utf8.hpp"

namespace harness {

namespace {

bool word_character(unsigned char c) {
  return std::isalnum(c) || c == '\'' || c >= 0x80;
}

bool ends_sentence(std::string_view line) {
  std::size_t end = line.find_last_not_of(" \t\"')]");
  return end != std::string_view::npos &&
         (line[end] == '.' || line[end] == '!' || line[end] == '?');
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (word_character(c)) {
      std::size_t end = i;
      while (end < line.size() && word_character(static_cast<unsigned char>(line[end]))) ++end;
      tokens.emplace_back(line.substr(i, end - i));
      i = end;
    } else {
      tokens.emplace_back(1, line[i++]);
    }
  }
  return tokens;
}

// Calls fn(line) for each line of text, without its '\n' or '\r\n'.
template <class Fn>
void for_each_line(std::string_view text, Fn fn) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
    start = end + 1;
  }
}

std::shared_ptr<const Corpus> read_corpus(const std::filesystem::path& file, TextLevel level,
                                          int vocabulary_cap) {
  const auto contents = read_whole_file(file);
  if (!contents) throw CorpusError(fmt::format("cannot read the corpus {} (does it exist?)", file));
  const std::string& text = *contents;
  if (text.empty()) throw CorpusError(fmt::format("the corpus {} is empty", file));
  if (const auto offset = invalid_utf8_offset(text)) {
    throw CorpusError(
        fmt::format("the corpus {} is not valid UTF-8: byte {} (from 0) starts no "
                    "well-formed character; convert it, e.g. with iconv",
                    file, *offset));
  }
  // The token stream as ids of distinct token texts, in order of first appearance.
  std::unordered_map<std::string, int> distinct;
  std::vector<std::string> texts;
  std::vector<int> stream;
  for_each_line(text, [&](std::string_view line) {
    for (auto& token : line_tokens(line, level)) {
      const auto [it, added] = distinct.try_emplace(std::move(token), int(texts.size()));
      if (added) texts.push_back(it->first);
      stream.push_back(it->second);
    }
  });
  const std::size_t train_end = stream.size() * 90 / 100, held_out_end = stream.size() * 95 / 100;
  std::vector<long> counts(texts.size(), 0);
  for (std::size_t i = 0; i < train_end; ++i) ++counts[stream[i]];
  std::vector<std::pair<std::string, long>> training_counts;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (counts[i] > 0) training_counts.emplace_back(texts[i], counts[i]);
  }
  auto corpus = std::make_shared<Corpus>();
  corpus->file = file;
  corpus->level = level;
  corpus->vocabulary = Vocabulary::most_frequent(training_counts, vocabulary_cap);
  std::vector<int> to_vocabulary(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) to_vocabulary[i] = corpus->vocabulary.id(texts[i]);
  auto split = [&](std::size_t first, std::size_t last) {
    std::vector<int> ids;
    ids.reserve(last - first);
    for (std::size_t i = first; i < last; ++i) ids.push_back(to_vocabulary[stream[i]]);
    return ids;
  };
  corpus->train = split(0, train_end);
  corpus->held_out = split(train_end, held_out_end);
  corpus->test = split(held_out_end, stream.size());
  return corpus;
}

}  // namespace

std::vector<std::string> line_tokens(std::string_view line, TextLevel level) {
  std::vector<std::string> tokens = level == TextLevel::Char ? utf8_characters(line) : words(line);
  if (level == TextLevel::Char || ends_sentence(line)) tokens.emplace_back(Vocabulary::kEosToken);
  return tokens;
}

std::shared_ptr<const Corpus> load_corpus(const std::filesystem::path& file, TextLevel level,
                                          int vocabulary_cap) {
  static std::mutex mutex;
  static std::map<std::tuple<std::filesystem::path, TextLevel, int>, std::shared_ptr<const Corpus>>
      loaded;
  std::error_code error;
  const auto canonical = std::filesystem::weakly_canonical(file, error);
  const auto key = std::tuple{error ? file : canonical, level, vocabulary_cap};
  std::lock_guard lock(mutex);
  auto& corpus = loaded[key];
  if (!corpus) corpus = read_corpus(file, level, vocabulary_cap);
  return corpus;
}

std::vector<int> encode(std::string_view text, TextLevel level, const Vocabulary& vocabulary) {
  std::vector<int> ids;
  for_each_line(text, [&](std::string_view line) {
    for (const auto& token : line_tokens(line, level)) ids.push_back(vocabulary.id(token));
  });
  return ids;
}

std::string decode(std::span<const int> ids, TextLevel level, const Vocabulary& vocabulary) {
  std::string text;
  bool line_start = true;
  for (int id : ids) {
    if (id == Vocabulary::kEos) {
      text += '\n';
      line_start = true;
      continue;
    }
    if (level == TextLevel::Word && !line_start) text += ' ';
    text += vocabulary.token(id);
    line_start = false;
  }
  return text;
}

}  // namespace harness
