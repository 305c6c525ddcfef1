#include "results/store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "results/summary.hpp"

namespace harness {

namespace {

std::string now_utc() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

// A prepared statement, bound by position and stepped once per row.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) fail();
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(statement_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(statement_, i, v);
    return *this;
  }
  Statement& bind(int i, int v) {
    sqlite3_bind_int(statement_, i, v);
    return *this;
  }
  void run() {
    if (sqlite3_step(statement_) != SQLITE_DONE) fail();
    sqlite3_reset(statement_);
  }

 private:
  [[noreturn]] void fail() const { throw std::runtime_error(sqlite3_errmsg(db_)); }
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

nlohmann::json spec_json(const TrialSpec& s) {
  nlohmann::json training{
      {"optimizer", s.training.optimizer},   {"learning_rate", s.training.learning_rate},
      {"batch", s.training.batch},           {"steps", s.training.steps},
      {"eval_every", s.training.eval_every}, {"stop_when_solved", s.training.stop_when_solved}};
  if (s.training.clip_norm) training["clip_norm"] = *s.training.clip_norm;
  if (s.training.clip_value) training["clip_value"] = *s.training.clip_value;
  return {{"trial", s.index},
          {"repeat", s.repeat},
          {"seed", s.seed},
          {"task",
           {{"kind", s.task.kind},
            {"T", s.task.length},
            {"placement", s.task.placement},
            {"eval_sequences", s.task.eval_sequences}}},
          {"model",
           {{"cell", s.model.cell},
            {"hidden", s.model.hidden},
            {"layers", s.model.layers},
            {"bidirectional", s.model.bidirectional},
            {"init",
             {{"weights", s.model.init.weights},
              {"recurrent", s.model.init.recurrent},
              {"forget_bias", s.model.init.forget_bias}}}}},
          {"backend", {{"name", s.backend.name}, {"threads", s.backend.threads}}},
          {"training", training}};
}

}  // namespace

ResultsStore::ResultsStore(const std::string& path) : path_(path) {
  const auto folder = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!folder.empty()) std::filesystem::create_directories(folder, error);
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(fmt::format("cannot open the results store {}: {}", path, message));
  }
  sqlite3_busy_timeout(db_, 10000);
  execute(
      "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, experiment TEXT, file TEXT, "
      "started TEXT, finished TEXT, status TEXT, environment TEXT, experiment_yaml TEXT);"
      "CREATE TABLE IF NOT EXISTS trials (run_id TEXT, trial INTEGER, status TEXT, note TEXT, "
      "spec TEXT, summary TEXT, PRIMARY KEY (run_id, trial));"
      "CREATE TABLE IF NOT EXISTS metrics (run_id TEXT, trial INTEGER, step INTEGER, metric TEXT, "
      "value REAL);"
      "CREATE TABLE IF NOT EXISTS grad_profile (run_id TEXT, trial INTEGER, phase TEXT, "
      "t INTEGER, norm REAL);");
}

ResultsStore::~ResultsStore() {
  sqlite3_close(db_);
}

void ResultsStore::execute(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error(fmt::format("results store {}: {}", path_, text));
  }
}

void ResultsStore::begin_run(const std::string& run_id, const std::string& experiment,
                             const std::string& file, const std::string& environment_json,
                             const std::string& experiment_yaml) {
  Statement(db_,
            "INSERT INTO runs (run_id, experiment, file, started, status, environment, "
            "experiment_yaml) VALUES (?, ?, ?, ?, 'running', ?, ?)")
      .bind(1, run_id)
      .bind(2, experiment)
      .bind(3, file)
      .bind(4, now_utc())
      .bind(5, environment_json)
      .bind(6, experiment_yaml)
      .run();
}

void ResultsStore::add_trial(const std::string& run_id, const TrialResult& r) {
  execute("BEGIN");
  try {
    nlohmann::json summary;
    for (const auto& [column, value] : summary_row(r)) summary[column] = value;
    Statement(db_, "INSERT INTO trials VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, run_id)
        .bind(2, r.spec.index)
        .bind(3, std::string(to_string(r.status)))
        .bind(4, r.note)
        .bind(5, spec_json(r.spec).dump())
        .bind(6, summary.dump())
        .run();
    Statement metric(db_, "INSERT INTO metrics VALUES (?, ?, ?, ?, ?)");
    auto add = [&](int step, const std::string& name, double value) {
      metric.bind(1, run_id).bind(2, r.spec.index).bind(3, step).bind(4, name).bind(5, value).run();
    };
    for (const auto& p : r.curve) {
      add(p.step, "train_loss", p.train_loss);
      add(p.step, "eval_loss", p.eval_loss);
      if (p.eval_accuracy >= 0) add(p.step, "eval_accuracy", p.eval_accuracy);
      add(p.step, "grad_norm", p.grad_norm);
      add(p.step, "clip_rate", p.clip_rate);
    }
    for (const auto& g : r.parameter_grad_norms) add(g.step, "grad_norm." + g.parameter, g.norm);
    add(r.steps_run, "sequences_per_s", r.sequences_per_second);
    add(r.steps_run, "timesteps_per_s", r.timesteps_per_second);
    add(r.steps_run, "gflops", r.gflops);
    add(r.steps_run, "wall_s", r.wall_seconds);
    add(r.steps_run, "peak_memory_mb", r.peak_memory_mb);
    Statement profile(db_, "INSERT INTO grad_profile VALUES (?, ?, ?, ?, ?)");
    for (const auto& [phase, norms] :
         {std::pair{"init", &r.grad_profile_init}, std::pair{"final", &r.grad_profile_final}}) {
      for (std::size_t t = 0; t < norms->size(); ++t) {
        profile.bind(1, run_id)
            .bind(2, r.spec.index)
            .bind(3, std::string(phase))
            .bind(4, static_cast<int>(t + 1))
            .bind(5, (*norms)[t])
            .run();
      }
    }
    execute("COMMIT");
  } catch (...) {
    execute("ROLLBACK");
    throw;
  }
}

void ResultsStore::finish_run(const std::string& run_id, const std::string& status) {
  Statement(db_, "UPDATE runs SET finished = ?, status = ? WHERE run_id = ?")
      .bind(1, now_utc())
      .bind(2, status)
      .bind(3, run_id)
      .run();
}

}  // namespace harness
