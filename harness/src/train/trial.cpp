#include "train/trial.hpp"

#include <fmt/format.h>

#include <cmath>

#include "language/generation.hpp"
#include "model/checkpoint.hpp"
#include "model/model.hpp"
#include "process/child_process.hpp"
#include "tasks/task.hpp"
#include "text/corpus.hpp"
#include "train/clipping.hpp"
#include "train/evaluation.hpp"
#include "train/initialize.hpp"
#include "train/memory_estimate.hpp"
#include "train/optimizer.hpp"
#include "train/throughput.hpp"
#include "train/training_step.hpp"

namespace harness {

const char* to_string(TrialStatus status) {
  switch (status) {
    case TrialStatus::Complete:
      return "complete";
    case TrialStatus::Diverged:
      return "diverged";
    case TrialStatus::Interrupted:
      return "interrupted";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The training steps since the last evaluation, averaged into the next curve point.
class SinceEvaluation {
 public:
  void add(const StepMeasures& step, bool clipped) {
    loss_ += step.loss;
    norm_ += step.grad_norm;
    clipped_ += clipped;
    ++steps_;
  }
  CurvePoint point(int step, const Score& held_out) {
    const CurvePoint p{step,           loss_ / steps_,   held_out.loss, held_out.accuracy,
                       norm_ / steps_, clipped_ / steps_};
    *this = {};
    return p;
  }

 private:
  double loss_ = 0, norm_ = 0, clipped_ = 0, steps_ = 0;
};

// Why a step's measures say the trial diverged, or "" when they are finite.
std::string divergence(const StepMeasures& step, int at) {
  if (std::isfinite(step.loss) && std::isfinite(step.grad_norm)) return "";
  const bool loss = !std::isfinite(step.loss);
  const double value = loss ? step.loss : step.grad_norm;
  return fmt::format("the {} became {} at step {}", loss ? "loss" : "gradient",
                     std::isnan(value) ? "NaN" : "infinite", at);
}

void record_parameter_norms(const Model<float>& model, std::span<const float> gradients, int step,
                            std::vector<ParameterGradientNorm>& into) {
  for (const auto& p : model.parameters()) {
    into.push_back({step, p.name, norm(gradients.subspan(p.offset, p.size()))});
  }
}

// Samples of a language model's text at the end of its training, and its checkpoint.
void keep_trained_model(Model<float>& model, const Task& task, const TrialSpec& spec,
                        const TrialOptions& options, TrialResult& result) {
  const Corpus* corpus = task.corpus();
  if (corpus && !spec.model.bidirectional) {
    // Read the training split's last sentence first: training saw sentences start from the state
    // the one before left, so the samples start as a new sentence would.
    const std::span<const int> train(corpus->train);
    constexpr std::ptrdiff_t kLongest = 1000;  // tokens, for text with few sentence ends
    const auto end = std::find(train.rbegin(), train.rend(), Vocabulary::kEos).base();
    auto start = std::find(std::make_reverse_iterator(end) + (end != train.begin()), train.rend(),
                           Vocabulary::kEos)
                     .base();
    if (end - start > kLongest) start = end - kLongest;
    const std::span<const int> prime(start, end);
    for (int seed = 1; seed <= kSamples; ++seed) {
      const auto tokens = sample_tokens(model, prime,
                                        {.length = kSampleLength,
                                         .temperature = kSampleTemperature,
                                         .seed = std::uint64_t(seed)});
      result.samples.push_back(decode(tokens, corpus->level, corpus->vocabulary));
    }
  }
  if (!options.checkpoint.empty()) {
    std::optional<CheckpointText> text;
    if (corpus) text = CheckpointText{corpus->level, corpus->vocabulary.tokens()};
    save_checkpoint(options.checkpoint, model, to_json(spec), text);
  }
}

}  // namespace

TrialResult run_trial(const TrialSpec& spec, const Registry& plugins, const TrialOptions& options) {
  const auto started = Clock::now();
  const double resident_at_start = resident_memory_mb();
  const double estimated_bytes = estimate_trial_memory(spec, plugins).total();
  const auto task = make_task(spec.task);
  const auto cell = plugins.make_cell(spec.model.cell);
  const auto backend = plugins.make_backend(spec.backend.name, {.threads = spec.backend.threads});
  Model<float> model(*cell, *backend, model_shape(spec.model, *task));
  std::mt19937_64 rng(spec.seed);
  initialize(model, spec.model.init, spec.task.length, rng);
  model.seed_dropout(spec.seed);
  const auto held_out = task->held_out_set(spec.task.eval_sequences, spec.seed);
  const auto optimizer = make_optimizer(spec.training, model.weights().size());
  const bool carry = spec.task.carry_state;

  TrialResult result;
  result.spec = spec;
  result.parameter_count = model.weights().size();
  result.chance_loss = task->chance_loss();
  result.solved_criterion = task->solved_criterion();
  process::note_activity("the gradient profile at initialisation");
  result.grad_profile_init = gradient_profile(model, *task, held_out.front());
  result.grad_ratio_init = result.grad_profile_init.front() / result.grad_profile_init.back();
  if (const auto measure = task->measure()) {
    result.measure = measure->name;
    result.baselines = task->baselines();
  }

  const TrainingSpec& training = spec.training;
  const EvaluationSchedule schedule{training.eval_every, training.steps};
  const ClipLimits clip{training.clip_value, training.clip_norm};
  const int B = training.batch;
  Batch batch;
  Matrix<float> d_outputs;
  RecurrentState<float> carried;  // the last training chunk's final state
  Throughput throughput;
  SinceEvaluation since_evaluation;
  Score score{};
  bool evaluated_last_step = false;
  for (int step = 1; step <= training.steps; ++step) {
    if (options.stop && options.stop->load()) {
      result.status = TrialStatus::Interrupted;
      break;
    }
    const auto step_started = Clock::now();
    task->training_batch(rng, B, batch);
    if (carry && batch.continues) {
      model.set_initial_state(std::move(carried));
    } else {
      model.reset_state();
    }
    model.set_training(true);
    process::note_activity(fmt::format("training step {}", step));
    const StepMeasures measures = forward_backward(model, *task, batch, d_outputs);
    model.set_training(false);
    if (carry) carried = model.final_state();
    result.message = divergence(measures, step);
    if (!result.message.empty()) {
      result.status = TrialStatus::Diverged;
      break;
    }
    const auto gradients = model.gradients();
    evaluated_last_step = schedule.due(step);
    if (evaluated_last_step) {
      record_parameter_norms(model, gradients, step, result.parameter_grad_norms);
    }
    const bool clipped = clip_gradients(gradients, measures.grad_norm, clip);
    optimizer->step(model.weights(), gradients);
    throughput.add_step(step_started, B, batch.steps, model.forward_flops(batch.steps, B));
    result.steps_run = step;
    since_evaluation.add(measures, clipped);

    if (evaluated_last_step) {
      process::note_activity(fmt::format("the evaluation at step {}", step));
      score = evaluate(model, *task, held_out, carry);
      result.curve.push_back(since_evaluation.point(step, score));
      if (!std::isfinite(score.loss)) {
        result.status = TrialStatus::Diverged;
        result.message = fmt::format("the held-out loss became {} at step {}", score.loss, step);
        break;
      }
      if (task->solved(score) && result.steps_to_solve < 0) {
        result.steps_to_solve = step;
        if (training.stop_when_solved) break;
      }
    }
    if (options.progress) {
      options.progress({spec.index, step, training.steps, measures.loss, seconds_since(started)});
    }
  }

  if (result.status != TrialStatus::Diverged) {
    if (!evaluated_last_step && result.steps_run > 0) {
      score = evaluate(model, *task, held_out, carry);
    }
    result.eval_loss = score.loss;
    result.eval_accuracy = score.accuracy;
    result.solved = result.steps_run > 0 && task->solved(score);
    if (const auto measure = task->measure()) result.eval_measure = measure->from_loss(score.loss);
    process::note_activity("the gradient profile after training");
    result.grad_profile_final = gradient_profile(model, *task, held_out.front());
    result.grad_ratio_final = result.grad_profile_final.front() / result.grad_profile_final.back();
    if (result.status == TrialStatus::Complete) {
      keep_trained_model(model, *task, spec, options, result);
    }
  }
  result.sequences_per_second = throughput.sequences_per_second();
  result.timesteps_per_second = throughput.timesteps_per_second();
  result.gflops = throughput.gflops();
  result.wall_seconds = seconds_since(started);
  result.peak_memory_mb = peak_memory_mb();
  result.trial_memory_mb = result.peak_memory_mb - resident_at_start;
  result.estimated_memory_mb = estimated_bytes / (1024.0 * 1024.0);
  return result;
}

}  // namespace harness
