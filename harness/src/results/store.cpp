#include "results/store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "results/checksum.hpp"

namespace harness {

namespace {

constexpr int kSchemaVersion = 4;

constexpr const char* kSchema =
    "CREATE TABLE environments (id TEXT PRIMARY KEY, json TEXT NOT NULL);"
    "CREATE TABLE runs (run_id TEXT PRIMARY KEY, experiment TEXT, file TEXT, started TEXT, "
    "finished TEXT, status TEXT, environment TEXT, experiment_yaml TEXT, "
    "trials_planned INTEGER, experiment_sha256 TEXT, shard TEXT);"
    "CREATE TABLE trials (run_id TEXT, trial INTEGER, seed INTEGER, status TEXT, message TEXT, "
    "criterion TEXT, environment TEXT, spec TEXT, PRIMARY KEY (run_id, trial));"
    "CREATE TABLE metrics (run_id TEXT, trial INTEGER, step INTEGER, metric TEXT, value REAL);"
    "CREATE INDEX metrics_by_trial ON metrics (run_id, trial);"
    "CREATE TABLE grad_profile (run_id TEXT, trial INTEGER, phase TEXT, t INTEGER, norm REAL);"
    "CREATE TABLE samples (run_id TEXT, trial INTEGER, seed INTEGER, text TEXT);"
    "PRAGMA user_version = 4;";

// Schema 2 → 3: the runs gain the experiment file's SHA-256 (empty for the older runs);
// 3 → 4: the part of the sweep a run ran (empty: all of it).
constexpr const char* kFromSchema2 = "ALTER TABLE runs ADD COLUMN experiment_sha256 TEXT;";
constexpr const char* kFromSchema3 =
    "ALTER TABLE runs ADD COLUMN shard TEXT;"
    "PRAGMA user_version = 4;";

std::string now_utc() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

// A prepared statement, bound by position; run() for writes, next() to step through rows.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) fail();
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

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
  Statement& bind(int i, std::uint64_t v) {
    sqlite3_bind_int64(statement_, i, static_cast<sqlite3_int64>(v));
    return *this;
  }
  void run() {
    if (sqlite3_step(statement_) != SQLITE_DONE) fail();
    sqlite3_reset(statement_);
  }
  bool next() {
    const int status = sqlite3_step(statement_);
    if (status != SQLITE_ROW && status != SQLITE_DONE) fail();
    return status == SQLITE_ROW;
  }
  std::string text(int column) const {
    const auto* value = sqlite3_column_text(statement_, column);
    return value ? reinterpret_cast<const char*>(value) : "";
  }
  int integer(int column) const { return sqlite3_column_int(statement_, column); }
  std::uint64_t integer64(int column) const {
    return static_cast<std::uint64_t>(sqlite3_column_int64(statement_, column));
  }
  double real(int column) const { return sqlite3_column_double(statement_, column); }

 private:
  [[noreturn]] void fail() const { throw std::runtime_error(sqlite3_errmsg(db_)); }
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

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
  // Writers queue for the lock (up to a minute: a trial's rows are one short transaction)
  // instead of failing at once when another process writes the same store.
  sqlite3_busy_timeout(db_, 60000);
  // Statements are finalized before the database may be closed below.
  const auto single_integer = [this](const char* sql) {
    Statement statement(db_, sql);
    statement.next();
    return statement.integer(0);
  };
  // Read and created or upgraded under the write lock, so that processes opening a new store at
  // once create its tables once.
  try {
    execute("BEGIN IMMEDIATE");
    const int found = single_integer("PRAGMA user_version");
    const int tables = single_integer("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    if (found == 0 && tables == 0) {
      execute(std::string(kSchema) + "COMMIT;");
    } else if (found == 2) {
      execute(std::string(kFromSchema2) + kFromSchema3 + "COMMIT;");
    } else if (found == 3) {
      execute(std::string(kFromSchema3) + "COMMIT;");
    } else if (found != kSchemaVersion) {
      throw std::runtime_error(fmt::format(
          "the results store {} was written by {} version of the harness (schema {}, this one "
          "reads {}); give another file with --store, or move this one aside",
          path, found < kSchemaVersion ? "an older" : "a newer", found, kSchemaVersion));
    } else {
      execute("COMMIT");
    }
    // Write-ahead logging: readers do not block the writer nor it them (several runs, shards or
    // `harness report` on one store at once). A file system without shared memory keeps the
    // rollback journal, slower under many writers but as safe.
    execute("PRAGMA journal_mode = WAL");
  } catch (...) {
    sqlite3_close(db_);  // rolls back what is open
    throw;
  }
}

ResultsStore::~ResultsStore() {
  sqlite3_close(db_);
}

void ResultsStore::execute(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error(fmt::format("results store {}: {}", path_, text));
  }
}

std::string ResultsStore::add_environment(const std::string& json) {
  const std::string id = sha256_of_text(json).substr(0, 16);
  Statement(db_, "INSERT OR IGNORE INTO environments VALUES (?, ?)")
      .bind(1, id)
      .bind(2, json)
      .run();
  return id;
}

std::string ResultsStore::environment(const std::string& id) const {
  Statement json(db_, "SELECT json FROM environments WHERE id = ?");
  json.bind(1, id);
  return json.next() ? json.text(0) : "";
}

std::vector<std::string> ResultsStore::run_ids() const {
  std::vector<std::string> ids;
  Statement runs(db_, "SELECT run_id FROM runs ORDER BY started, rowid");
  while (runs.next()) ids.push_back(runs.text(0));
  return ids;
}

void ResultsStore::begin_run(const RunRecord& run) {
  const std::string environment = add_environment(run.environment);
  Statement(db_,
            "INSERT INTO runs (run_id, experiment, file, started, status, environment, "
            "experiment_yaml, trials_planned, experiment_sha256, shard) "
            "VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)")
      .bind(1, run.run_id)
      .bind(2, run.experiment)
      .bind(3, run.file)
      .bind(4, now_utc())
      .bind(5, environment)
      .bind(6, run.experiment_yaml)
      .bind(7, run.trials_planned)
      .bind(8, run.experiment_sha256)
      .bind(9, run.shard)
      .run();
}

void ResultsStore::resume_run(const std::string& run_id) {
  Statement(db_, "UPDATE runs SET finished = NULL, status = 'running' WHERE run_id = ?")
      .bind(1, run_id)
      .run();
}

void ResultsStore::remove_trial(const std::string& run_id, int trial) {
  execute("BEGIN IMMEDIATE");  // the write lock first: no deadlock between two writers
  try {
    for (const char* table : {"trials", "metrics", "grad_profile", "samples"}) {
      Statement(db_, fmt::format("DELETE FROM {} WHERE run_id = ? AND trial = ?", table).c_str())
          .bind(1, run_id)
          .bind(2, trial)
          .run();
    }
    execute("COMMIT");
  } catch (...) {
    execute("ROLLBACK");
    throw;
  }
}

void ResultsStore::set_trials_planned(const std::string& run_id, int trials) {
  Statement(db_, "UPDATE runs SET trials_planned = ? WHERE run_id = ?")
      .bind(1, trials)
      .bind(2, run_id)
      .run();
}

void ResultsStore::add_trial(const std::string& run_id, const TrialRecord& r) {
  execute("BEGIN IMMEDIATE");  // the write lock first: no deadlock between two writers
  try {
    Statement(db_,
              "INSERT INTO trials SELECT ?, ?, ?, ?, ?, ?, coalesce(nullif(?, ''), environment), "
              "? FROM runs WHERE run_id = ?")
        .bind(1, run_id)
        .bind(2, r.trial)
        .bind(3, r.seed)
        .bind(4, r.status)
        .bind(5, r.message)
        .bind(6, r.criterion)
        .bind(7, r.environment)
        .bind(8, r.spec.dump())
        .bind(9, run_id)
        .run();
    Statement metric(db_, "INSERT INTO metrics VALUES (?, ?, ?, ?, ?)");
    for (const auto& row : r.metrics) {
      metric.bind(1, run_id).bind(2, r.trial).bind(3, row.step).bind(4, row.metric);
      metric.bind(5, row.value).run();
    }
    Statement profile(db_, "INSERT INTO grad_profile VALUES (?, ?, ?, ?, ?)");
    for (const auto& [phase, norms] :
         {std::pair{"init", &r.profile_init}, std::pair{"final", &r.profile_final}}) {
      for (std::size_t t = 0; t < norms->size(); ++t) {
        profile.bind(1, run_id).bind(2, r.trial).bind(3, std::string(phase));
        profile.bind(4, static_cast<int>(t + 1)).bind(5, (*norms)[t]).run();
      }
    }
    Statement sample(db_, "INSERT INTO samples VALUES (?, ?, ?, ?)");
    for (std::size_t i = 0; i < r.samples.size(); ++i) {
      sample.bind(1, run_id).bind(2, r.trial).bind(3, static_cast<int>(i + 1));
      sample.bind(4, r.samples[i]).run();
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

RunRecord ResultsStore::load_run(const std::string& run_id) const {
  RunRecord run;
  Statement header(db_,
                   "SELECT experiment, file, status, started, coalesce(finished, ''), "
                   "environments.json, experiment_yaml, trials_planned, "
                   "coalesce(experiment_sha256, ''), coalesce(shard, '') FROM runs JOIN "
                   "environments ON environments.id = runs.environment WHERE run_id = ?");
  header.bind(1, run_id);
  if (!header.next()) {
    throw std::runtime_error(fmt::format("the results store {} has no run {}", path_, run_id));
  }
  run.run_id = run_id;
  run.experiment = header.text(0);
  run.file = header.text(1);
  run.status = header.text(2);
  run.started = header.text(3);
  run.finished = header.text(4);
  run.environment = header.text(5);
  run.experiment_yaml = header.text(6);
  run.trials_planned = header.integer(7);
  run.experiment_sha256 = header.text(8);
  run.shard = header.text(9);

  std::map<int, std::size_t> by_number;  // trial number → index in run.trials
  Statement trials(db_,
                   "SELECT trial, seed, status, message, criterion, environment, spec FROM trials "
                   "WHERE run_id = ? ORDER BY trial");
  trials.bind(1, run_id);
  while (trials.next()) {
    TrialRecord& t = run.trials.emplace_back();
    t.trial = trials.integer(0);
    t.seed = trials.integer64(1);
    t.status = trials.text(2);
    t.message = trials.text(3);
    t.criterion = trials.text(4);
    t.environment = trials.text(5);
    t.spec = nlohmann::ordered_json::parse(trials.text(6));
    by_number[t.trial] = run.trials.size() - 1;
  }
  // Each row of a query whose first column is the trial number, handed to its trial's record.
  auto for_each_row = [&](const char* sql, auto add) {
    Statement rows(db_, sql);
    rows.bind(1, run_id);
    while (rows.next()) {
      const auto trial = by_number.find(rows.integer(0));
      if (trial != by_number.end()) add(run.trials[trial->second], rows);
    }
  };
  for_each_row("SELECT trial, step, metric, value FROM metrics WHERE run_id = ? ORDER BY rowid",
               [](TrialRecord& t, Statement& row) {
                 t.metrics.push_back({row.integer(1), row.text(2), row.real(3)});
               });
  for_each_row(
      "SELECT trial, phase, norm FROM grad_profile WHERE run_id = ? ORDER BY trial, phase, t",
      [](TrialRecord& t, Statement& row) {
        (row.text(1) == "init" ? t.profile_init : t.profile_final).push_back(row.real(2));
      });
  for_each_row("SELECT trial, text FROM samples WHERE run_id = ? ORDER BY trial, seed",
               [](TrialRecord& t, Statement& row) { t.samples.push_back(row.text(1)); });
  return run;
}

}  // namespace harness
