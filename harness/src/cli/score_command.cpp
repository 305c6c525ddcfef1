// harness score: how probable a trained language model finds a text, sentence by sentence.
#include <fmt/format.h>

#include <boost/program_options.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/plugin_options.hpp"
#include "file_io.hpp"
#include "language/generation.hpp"
#include "language/trained_model.hpp"

namespace harness::cli {

namespace po = boost::program_options;

namespace {

// A token as the surprisal line shows it: spaces and line ends made visible.
std::string shown(const std::string& token) {
  if (token == " ") return "␣";
  return token;
}

}  // namespace

int score_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness score RUN_DIR|CHECKPOINT [TEXT | --file FILE] [options]\n\n"
      "Scores text with a trained language model (a trial of task lm): for each sentence (a\n"
      "line, cut as the model's corpus was), its log-probability as the sum of its tokens'\n"
      "conditional log-probabilities, the bits per token, and each token's surprisal in bits\n"
      "(−log2 P: where the model did not expect it).\n\nOptions");
  options.add_options()("help,h", "show this help")(
      "trial", po::value<int>()->value_name("N"),
      "the run's trial to use (default: its first language model)")(
      "file", po::value<std::string>()->value_name("FILE"), "score this file's text")(
      "run", po::value<std::string>()->value_name("RUN_DIR"), "the run folder or checkpoint")(
      "text", po::value<std::string>()->value_name("TEXT"), "the text to score");
  options.add(plugin_options());
  po::positional_options_description positional;
  positional.add("run", 1).add("text", 1);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;
  if (!values.count("run")) {
    throw UsageError{"score: which run? e.g. harness score results/language/<run-id> 'Text.'"};
  }
  if (values.count("text") == values.count("file")) {
    throw UsageError{"score: give the text to score, or --file FILE (one of them)"};
  }
  std::string text;
  if (values.count("file")) {
    const auto content = read_whole_file(values["file"].as<std::string>());
    if (!content) throw UsageError{"score: cannot read " + values["file"].as<std::string>()};
    text = *content;
  } else {
    text = values["text"].as<std::string>();
  }

  const Registry plugins = load_plugins(values);
  const std::optional<int> trial =
      values.count("trial") ? std::optional(values["trial"].as<int>()) : std::nullopt;
  TrainedModel trained = load_language_model(values["run"].as<std::string>(), trial, plugins);
  const auto tokens = encode(text, trained.level, *trained.vocabulary);
  if (tokens.empty()) throw UsageError{"score: the text has no tokens"};
  const auto sentences = score_sentences(*trained.model, tokens);
  double bits = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const auto& s = sentences[i];
    fmt::print("sentence {}: {} tokens, log P = {:.4f} (natural log), {:.4f} bits per token\n",
               i + 1, s.tokens.size(), s.log_probability, s.bits_per_token);
    std::string line = "  surprisal in bits:";
    for (const auto& t : s.tokens) {
      line += fmt::format(" {} {:.2f} |", shown(trained.vocabulary->token(t.token)), t.bits);
    }
    line.pop_back();
    fmt::print("{}\n", line);
    bits += s.bits_per_token * double(s.tokens.size());
    count += s.tokens.size();
  }
  fmt::print("all {} sentences: {} tokens, {:.4f} bits per token ({})\n", sentences.size(), count,
             bits / double(count), trained.file.string());
  return kExitOk;
}

}  // namespace harness::cli
