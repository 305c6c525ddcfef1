#include "train/trial.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "model/model.hpp"
#include "tasks/task.hpp"
#include "train/initialize.hpp"
#include "train/loss.hpp"
#include "train/optimizer.hpp"

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
constexpr int kEvalBatch = 256;  // held-out sequences per forward pass
constexpr std::uint64_t kHeldOutStream = 0x9e3779b97f4a7c15ULL;  // separates its seed

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double norm(std::span<const float> values) {
  double sum = 0;
  for (float v : values) sum += double(v) * v;
  return std::sqrt(sum);
}

// The held-out set: its own random stream, so it never overlaps the training batches' draws.
std::vector<Batch> held_out_set(const Task& task, const TaskSpec& spec, std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ kHeldOutStream);
  std::vector<Batch> batches;
  for (int left = spec.eval_sequences; left > 0; left -= kEvalBatch) {
    batches.emplace_back();
    task.sample(rng, std::min(left, kEvalBatch), batches.back());
  }
  return batches;
}

Score evaluate(Model<float>& model, const Task& task, const std::vector<Batch>& held_out) {
  Score score;
  double sequences = 0, accuracy = 0;
  std::vector<int> predicted;
  for (const auto& batch : held_out) {
    const auto outputs = model.forward(batch.inputs.view(), task.steps(), batch.size);
    score.loss += compute_loss(task.loss(), outputs, batch, nullptr, &predicted) * batch.size;
    if (task.loss() == LossKind::SoftmaxCrossEntropy)
      accuracy += task.accuracy(predicted, batch) * batch.size;
    sequences += batch.size;
  }
  score.loss /= sequences;
  if (task.loss() == LossKind::SoftmaxCrossEntropy) score.accuracy = accuracy / sequences;
  return score;
}

// ‖∂L/∂h⟨t⟩‖ for t = 1 … T on one batch, leaving the weights as they are.
std::vector<double> gradient_profile(Model<float>& model, const Task& task, const Batch& batch) {
  Matrix<float> d_outputs;
  const auto outputs = model.forward(batch.inputs.view(), task.steps(), batch.size);
  compute_loss(task.loss(), outputs, batch, &d_outputs, nullptr);
  model.backward(d_outputs.view());
  return model.hidden_gradient_norms();
}

double peak_memory_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;
}

}  // namespace

TrialResult run_trial(const TrialSpec& spec, const Registry& plugins, const std::atomic<bool>& stop,
                      const std::function<void(const Progress&)>& progress) {
  const auto started = Clock::now();
  const auto task = make_task(spec.task);
  const auto cell = plugins.make_cell(spec.model.cell);
  const auto backend = plugins.make_backend(spec.backend.name, {.threads = spec.backend.threads});
  Model<float> model(*cell, *backend,
                     {.input = task->input_size(),
                      .hidden = spec.model.hidden,
                      .layers = spec.model.layers,
                      .bidirectional = spec.model.bidirectional,
                      .output = task->output_size(),
                      .readout = task->readout()});
  std::mt19937_64 rng(spec.seed);
  initialize(model, spec.model.init, rng);
  const auto held_out = held_out_set(*task, spec.task, spec.seed);
  const auto optimizer = make_optimizer(spec.training, model.weights().size());

  TrialResult result;
  result.spec = spec;
  result.parameter_count = model.weights().size();
  result.chance_loss = task->chance_loss();
  result.solved_criterion = task->solved_criterion();
  result.grad_profile_init = gradient_profile(model, *task, held_out.front());
  result.grad_ratio_init = result.grad_profile_init.front() / result.grad_profile_init.back();

  const TrainingSpec& training = spec.training;
  const int T = task->steps(), B = training.batch;
  Batch batch;
  Matrix<float> d_outputs;
  double train_seconds = 0, loss_sum = 0, norm_sum = 0;
  int since_eval = 0, clipped = 0;
  Score score{};
  bool evaluated_last_step = false;
  for (int step = 1; step <= training.steps; ++step) {
    if (stop.load()) {
      result.status = TrialStatus::Interrupted;
      break;
    }
    const auto step_started = Clock::now();
    task->sample(rng, B, batch);
    const auto outputs = model.forward(batch.inputs.view(), T, B);
    const double loss = compute_loss(task->loss(), outputs, batch, &d_outputs, nullptr);
    model.backward(d_outputs.view());
    auto gradients = model.gradients();
    const double grad_norm = norm(gradients);
    if (!std::isfinite(loss) || !std::isfinite(grad_norm)) {
      result.status = TrialStatus::Diverged;
      result.note = fmt::format(
          "the {} became {} at step {}", std::isfinite(loss) ? "gradient" : "loss",
          std::isnan(std::isfinite(loss) ? grad_norm : loss) ? "NaN" : "infinite", step);
      break;
    }
    const bool evaluate_now = step % training.eval_every == 0 || step == training.steps;
    if (evaluate_now) {
      for (const auto& p : model.parameters()) {
        result.parameter_grad_norms.push_back(
            {step, p.name, norm(gradients.subspan(p.offset, p.size()))});
      }
    }
    bool clip = false;
    if (training.clip_value) {
      const auto limit = static_cast<float>(*training.clip_value);
      for (float& g : gradients) {
        if (std::abs(g) > limit) {
          g = std::clamp(g, -limit, limit);
          clip = true;
        }
      }
    }
    if (training.clip_norm && grad_norm > *training.clip_norm) {
      const auto scale = static_cast<float>(*training.clip_norm / norm(gradients));
      for (float& g : gradients) g *= scale;
      clip = true;
    }
    optimizer->step(model.weights(), gradients);
    train_seconds += seconds_since(step_started);
    result.steps_run = step;
    loss_sum += loss;
    norm_sum += grad_norm;
    clipped += clip;
    ++since_eval;

    evaluated_last_step = evaluate_now;
    if (evaluate_now) {
      score = evaluate(model, *task, held_out);
      result.curve.push_back({step, loss_sum / since_eval, score.loss, score.accuracy,
                              norm_sum / since_eval, double(clipped) / since_eval});
      loss_sum = norm_sum = 0;
      since_eval = clipped = 0;
      if (!std::isfinite(score.loss)) {
        result.status = TrialStatus::Diverged;
        result.note = fmt::format("the held-out loss became {} at step {}", score.loss, step);
        break;
      }
      if (task->solved(score) && result.steps_to_solve < 0) {
        result.steps_to_solve = step;
        if (training.stop_when_solved) break;
      }
    }
    progress({spec.index, step, training.steps, loss, seconds_since(started)});
  }

  if (result.status != TrialStatus::Diverged) {
    if (!evaluated_last_step && result.steps_run > 0) score = evaluate(model, *task, held_out);
    result.eval_loss = score.loss;
    result.eval_accuracy = score.accuracy;
    result.solved = result.steps_run > 0 && task->solved(score);
    result.grad_profile_final = gradient_profile(model, *task, held_out.front());
    result.grad_ratio_final = result.grad_profile_final.front() / result.grad_profile_final.back();
  }
  const double sequences = double(result.steps_run) * B;
  if (train_seconds > 0) {
    result.sequences_per_second = sequences / train_seconds;
    result.timesteps_per_second = sequences * T / train_seconds;
    result.gflops = 3 * model.forward_flops(T, B) * result.steps_run / train_seconds / 1e9;
  }
  result.wall_seconds = seconds_since(started);
  result.peak_memory_mb = peak_memory_mb();
  return result;
}

}  // namespace harness
