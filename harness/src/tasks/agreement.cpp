#include "tasks/agreement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace harness {

const TaskKind kAgreementTask{
    .name = "agreement",
    .min_length = 1,
    .own_keys = {"attractors"},
    .read_options = [](const Settings& task,
                       const TaskContext& context) -> std::shared_ptr<const TaskOptions> {
      auto options = std::make_shared<AgreementOptions>();
      options->attractors = task.integer("attractors", 0, 0, 1000);
      if (options->attractors * 3 > context.length) {
        task.fail("attractors",
                  fmt::format("{} attractors need at least {} words between subject and verb "
                              "(a 3-word phrase each), T is {}",
                              options->attractors, options->attractors * 3, context.length));
      }
      return options;
    },
    .make = [](const TaskSpec& spec) -> std::unique_ptr<Task> {
      return std::make_unique<AgreementTask>(spec.length,
                                             options_of<AgreementOptions>(spec).attractors);
    }};

void AgreementOptions::write(nlohmann::ordered_json& task) const {
  task["attractors"] = attractors;
}

namespace {

int pick(std::mt19937_64& rng, int first, int count) {
  return first + std::uniform_int_distribution<int>(0, count - 1)(rng);
}

// A noun of the given number: singular at even ids, plural at odd ones.
int noun(std::mt19937_64& rng, bool plural) {
  return 2 * pick(rng, 0, AgreementTask::kNouns / 2) + (plural ? 1 : 0);
}

}  // namespace

std::pair<std::vector<int>, int> AgreementTask::sentence(std::mt19937_64& rng) const {
  const bool plural = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
  // The phrases: `attractors` of them first (each at least 3 words), then more while they fit
  // and a coin says so; the words left over are adverbs.
  std::vector<int> phrase_lengths;
  int left = distance_;
  // A phrase of 3 or 4 words, leaving room for `still_needed` more phrases of 3.
  auto add_phrase = [&](int still_needed) {
    const bool room_for_four = left - 4 >= 3 * still_needed;
    const int length = room_for_four && std::uniform_int_distribution<int>(0, 1)(rng) ? 4 : 3;
    phrase_lengths.push_back(length);
    left -= length;
  };
  for (int a = 0; a < attractors_; ++a) add_phrase(attractors_ - a - 1);
  while (left >= 3 && std::uniform_int_distribution<int>(0, 2)(rng) > 0) add_phrase(0);
  // Which phrases hold attractors, and where the adverbs go between the phrases.
  std::vector<bool> attracts(phrase_lengths.size(), false);
  std::fill_n(attracts.begin(), attractors_, true);
  std::shuffle(attracts.begin(), attracts.end(), rng);
  std::vector<int> units(phrase_lengths.size(), 1);  // 1: phrase, 0: adverb
  units.insert(units.end(), std::size_t(left), 0);
  std::shuffle(units.begin(), units.end(), rng);

  std::vector<int> tokens{kThe, noun(rng, plural)};
  std::size_t phrase = 0;
  for (int unit : units) {
    if (unit == 0) {
      tokens.push_back(pick(rng, kFirstAdverb, kAdverbs));
      continue;
    }
    const bool other = attracts[phrase];
    const int object = noun(rng, other ? !plural : plural);
    if (phrase_lengths[phrase] == 3) {  // near the N
      tokens.insert(tokens.end(), {pick(rng, kFirstPreposition, kPrepositions), kThe, object});
    } else {  // that the N chased
      tokens.insert(tokens.end(), {kThat, kThe, object, pick(rng, kFirstVerb, kVerbs)});
    }
    ++phrase;
  }
  return {tokens, plural ? kPlural : kSingular};
}

void AgreementTask::sample(std::mt19937_64& rng, int batch, Batch& out) const {
  out.size = batch;
  out.steps = steps();
  out.tokens.resize(std::size_t(steps()) * batch);
  out.classes.resize(batch);
  for (int b = 0; b < batch; ++b) {
    const auto [tokens, number] = sentence(rng);
    for (int t = 0; t < steps(); ++t) out.tokens[std::size_t(t) * batch + b] = tokens[t];
    out.classes[b] = number;
  }
}

double AgreementTask::chance_loss() const {
  return std::log(2.0);
}

}  // namespace harness
