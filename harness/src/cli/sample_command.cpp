// harness sample: text written by a trained language model.
#include <fmt/format.h>

#include <boost/program_options.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/plugin_options.hpp"
#include "language/generation.hpp"
#include "language/trained_model.hpp"

namespace harness::cli {

namespace po = boost::program_options;

int sample_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness sample RUN_DIR|CHECKPOINT [options]\n\n"
      "Writes text with a trained language model (a trial of task lm): from the zero state and\n"
      "a zero first input, or after reading --prime, it draws each token from the softmax of its\n"
      "output and feeds it back, until <EOS> or --length tokens. The same seed writes the same\n"
      "text.\n\nOptions");
  options.add_options()("help,h", "show this help")(
      "trial", po::value<int>()->value_name("N"),
      "the run's trial to use (default: its first language model)")(
      "length", po::value<int>()->value_name("K")->default_value(200), "tokens to draw at most")(
      "temperature", po::value<double>()->value_name("T")->default_value(1.0),
      "divides the outputs before the softmax: below 1 sharper, 0 the most likely token")(
      "top-k", po::value<int>()->value_name("K")->default_value(0),
      "draw among the K most likely tokens only (0: all)")(
      "seed", po::value<std::uint64_t>()->value_name("S")->default_value(1), "the random seed")(
      "prime", po::value<std::string>()->value_name("TEXT"), "text the model reads first")(
      "run", po::value<std::string>()->value_name("RUN_DIR"), "the run folder or checkpoint");
  options.add(plugin_options());
  po::positional_options_description positional;
  positional.add("run", 1);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;
  if (!values.count("run")) {
    throw UsageError{"sample: which run? e.g. harness sample results/language/<run-id>"};
  }
  const SamplingOptions sampling{.length = values["length"].as<int>(),
                                 .temperature = values["temperature"].as<double>(),
                                 .top_k = values["top-k"].as<int>(),
                                 .seed = values["seed"].as<std::uint64_t>()};
  if (sampling.length < 1) throw UsageError{"sample: --length must be at least 1"};
  if (sampling.temperature < 0) throw UsageError{"sample: --temperature must be 0 or more"};
  if (sampling.top_k < 0) throw UsageError{"sample: --top-k must be 0 (all) or more"};

  const Registry plugins = load_plugins(values);
  const std::optional<int> trial =
      values.count("trial") ? std::optional(values["trial"].as<int>()) : std::nullopt;
  TrainedModel trained = load_language_model(values["run"].as<std::string>(), trial, plugins);
  std::string prime_text = values.count("prime") ? values["prime"].as<std::string>() : "";
  std::vector<int> prime = encode(prime_text, trained.level, *trained.vocabulary);
  // A prime that does not end its line is continued, not closed.
  if (!prime_text.ends_with('\n') && !prime.empty() && prime.back() == Vocabulary::kEos) {
    prime.pop_back();
  }
  const auto drawn = sample_tokens(*trained.model, prime, sampling);
  std::vector<int> text = prime;
  text.insert(text.end(), drawn.begin(), drawn.end());
  std::string written = decode(text, trained.level, *trained.vocabulary);
  if (!written.ends_with('\n')) written += '\n';
  fmt::print("{}", written);
  return kExitOk;
}

}  // namespace harness::cli
