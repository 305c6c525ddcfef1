#include "tasks/language_model.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "results/metric_names.hpp"
#include "text/kneser_ney.hpp"

namespace harness {

const TaskKind kLanguageModelTask{
    .name = "lm",
    .min_length = 1,
    .own_keys = {"corpus", "level", "vocabulary"},
    .read_options = [](const Settings& task,
                       const TaskContext& context) -> std::shared_ptr<const TaskOptions> {
      auto options = std::make_shared<LanguageModelOptions>();
      options->corpus = task.required_text("corpus", "corpus: corpora/kjv.txt");
      options->file = std::filesystem::path(options->corpus).is_absolute()
                          ? std::filesystem::path(options->corpus)
                          : context.folder / options->corpus;
      options->level = task.choice("level", options->level, kTextLevelNames, "level");
      options->vocabulary = task.integer("vocabulary", options->vocabulary, 3, 65536);
      try {
        options->loaded = load_corpus(options->file, options->level, options->vocabulary);
      } catch (const CorpusError& e) {
        task.fail("corpus", e.what());
      }
      const auto held_out = options->loaded->held_out.size();
      if (held_out < std::size_t(context.length)) {
        task.fail("corpus", fmt::format("the held-out split of {} has {} tokens, fewer than one "
                                        "chunk (T = {}); give a longer corpus or a smaller T",
                                        options->corpus, held_out, context.length));
      }
      return options;
    },
    .make = [](const TaskSpec& spec) -> std::unique_ptr<Task> {
      return std::make_unique<LanguageModelTask>(options_of<LanguageModelOptions>(spec).loaded,
                                                 spec.length);
    },
    .generated = false,
    .batches_continue = true};

void LanguageModelOptions::write(nlohmann::ordered_json& task) const {
  task["corpus"] = corpus;
  task["level"] = name_of(kTextLevelNames, level);
  task["vocabulary"] = vocabulary;
}

namespace {

// Chunk `first` … `first + steps` of `streams` streams of `length` tokens each, stream b starting
// at b · length.
void fill_chunk(std::span<const int> tokens, int streams, std::size_t length, std::size_t first,
                int steps, Batch& out) {
  out.size = streams;
  out.steps = steps;
  out.tokens.resize(std::size_t(steps) * streams);
  out.classes.resize(out.tokens.size());
  for (int t = 0; t < steps; ++t) {
    for (int b = 0; b < streams; ++b) {
      const std::size_t position = first + t, start = b * length;
      const std::size_t row = std::size_t(t) * streams + b;
      // x = 0 where a sentence starts: a stream's first step and the step after each <EOS>.
      const int previous = position == 0 ? Vocabulary::kEos : tokens[start + position - 1];
      out.tokens[row] = previous == Vocabulary::kEos ? -1 : previous;
      out.classes[row] = tokens[start + position];
    }
  }
  out.continues = first > 0;
}

int eval_streams(std::size_t tokens, int chunk) {
  return std::max(1, std::min<int>(LanguageModelTask::kEvalStreams, int(tokens / chunk)));
}

}  // namespace

std::vector<Batch> chunked_streams(std::span<const int> tokens, int streams, int chunk) {
  const std::size_t length = tokens.size() / streams;
  std::vector<Batch> batches;
  for (std::size_t first = 0; first < length; first += chunk) {
    fill_chunk(tokens, streams, length, first, int(std::min<std::size_t>(chunk, length - first)),
               batches.emplace_back());
  }
  return batches;
}

LanguageModelTask::LanguageModelTask(std::shared_ptr<const Corpus> corpus, int chunk)
    : corpus_(std::move(corpus)), chunk_(chunk) {}

void LanguageModelTask::training_batch(std::mt19937_64&, int batch, Batch& out) {
  const std::size_t length = corpus_->train.size() / batch;
  const std::size_t chunks = length / chunk_;
  if (chunks == 0) {
    throw std::runtime_error(fmt::format(
        "the training split of {} has {} tokens: too few for {} streams of one chunk (T = {}) "
        "each; use a smaller batch or T",
        corpus_->file.string(), corpus_->train.size(), batch, chunk_));
  }
  if (std::size_t(next_chunk_) >= chunks) next_chunk_ = 0;  // a new pass over the split
  fill_chunk(corpus_->train, batch, length, std::size_t(next_chunk_) * chunk_, chunk_, out);
  ++next_chunk_;
}

std::vector<Batch> LanguageModelTask::held_out_set(int, std::uint64_t) const {
  return chunked_streams(corpus_->held_out, eval_streams(corpus_->held_out.size(), chunk_), chunk_);
}

// Every held-out token is read as an input and as the previous step's target.
HeldOutSize LanguageModelTask::held_out_size(int) const {
  return {eval_streams(corpus_->held_out.size(), chunk_), 2 * corpus_->held_out.size()};
}

const std::vector<double>& LanguageModelTask::baseline_nats() const {
  // Shared by every trial on the same corpus and held-out streams; counted once.
  static std::mutex mutex;
  static std::map<std::pair<const Corpus*, int>, std::vector<double>> computed;
  const int streams = eval_streams(corpus_->held_out.size(), chunk_);
  std::lock_guard lock(mutex);
  auto& nats = computed[{corpus_.get(), streams}];
  if (nats.empty()) {
    const int orders = corpus_->level == TextLevel::Char ? 5 : 3;
    const std::size_t length = corpus_->held_out.size() / streams;
    const std::span<const int> held_out(corpus_->held_out);
    for (int order = 1; order <= orders; ++order) {
      const KneserNey model(corpus_->train, order, corpus_->vocabulary.size());
      double bits = 0;
      for (int b = 0; b < streams; ++b) {
        bits += model.bits_per_token(held_out.subspan(b * length, length)) * double(length);
      }
      nats.push_back(bits / double(length * streams) * std::log(2.0));
    }
  }
  return nats;
}

double LanguageModelTask::chance_loss() const {
  return baseline_nats().front();
}

std::string LanguageModelTask::solved_criterion() const {
  const auto& nats = baseline_nats();
  const auto best = std::min_element(nats.begin(), nats.end());
  return fmt::format("held-out loss below the best n-gram's ({}-gram, {:.4g} nats per token)",
                     best - nats.begin() + 1, *best);
}

bool LanguageModelTask::solved(const Score& held_out) const {
  const auto& nats = baseline_nats();
  return held_out.loss < *std::min_element(nats.begin(), nats.end());
}

std::optional<HeldOutMeasure> LanguageModelTask::measure() const {
  if (corpus_->level == TextLevel::Char) {
    return HeldOutMeasure{metric::kBitsPerChar, [](double nats) { return nats / std::log(2.0); }};
  }
  return HeldOutMeasure{metric::kPerplexity, [](double nats) { return std::exp(nats); }};
}

std::vector<std::pair<std::string, double>> LanguageModelTask::baselines() const {
  std::vector<std::pair<std::string, double>> values;
  const auto& nats = baseline_nats();
  for (std::size_t k = 0; k < nats.size(); ++k) {
    values.emplace_back(fmt::format("{}-gram", k + 1), measure()->from_loss(nats[k]));
  }
  return values;
}

}  // namespace harness
