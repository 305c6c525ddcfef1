#include "cli/progress.hpp"

#include <fmt/format.h>

namespace harness::cli {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kRedrawEvery = std::chrono::milliseconds(250);
constexpr auto kPlainLineEvery = std::chrono::seconds(15);

std::string duration(double seconds) {
  const int s = static_cast<int>(seconds + 0.5);
  return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}
}  // namespace

std::string ProgressDisplay::describe(const Progress& p) const {
  const double per_step = p.step > 0 ? p.seconds / p.step : 0;
  return fmt::format("trial {}: step {}/{} loss {:.4g} ETA {}", p.trial, p.step, p.steps, p.loss,
                     duration(per_step * (p.steps - p.step)));
}

void ProgressDisplay::update(const Progress& progress) {
  std::lock_guard lock(mutex_);
  running_[progress.trial] = progress;
  const auto now = Clock::now();
  if (terminal_) {
    if (now - last_redraw_ >= kRedrawEvery) redraw_locked();
    return;
  }
  // A trial's first line waits a full interval, so its ETA rests on more than one step.
  auto [last, first_update] = last_printed_.try_emplace(progress.trial, now);
  if (!first_update && now - last->second >= kPlainLineEvery) {
    last->second = now;
    fmt::print(stderr, "  {}\n", describe(progress));
  }
}

void ProgressDisplay::message(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (terminal_) fmt::print(stderr, "\r\x1b[2K");
  fmt::print(stderr, "{}\n", line);
  if (terminal_) redraw_locked();
}

void ProgressDisplay::finished(int trial) {
  std::lock_guard lock(mutex_);
  running_.erase(trial);
  last_printed_.erase(trial);
}

void ProgressDisplay::redraw_locked() {
  last_redraw_ = Clock::now();
  std::string line;
  for (const auto& [trial, progress] : running_) {
    if (!line.empty()) line += " | ";
    line += describe(progress);
  }
  fmt::print(stderr, "\r\x1b[2K{}", line);
  std::fflush(stderr);
}

}  // namespace harness::cli
