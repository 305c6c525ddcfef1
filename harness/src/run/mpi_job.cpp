#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include "process/child_process.hpp"
#include "results/record.hpp"
#include "run/mpi_job.hpp"

namespace harness {

namespace {

// The messages between rank 0 and the others. A worker rank asks once per free slot (kReady);
// rank 0 answers each request with a trial (kAssign) or kNoMore; a finished trial's record
// (kRecord) frees its slot and asks again. kFinished: the worker has no slot left. kAlive, every
// second: the worker is there (rank 0 gives up on a rank silent for longer than --rank-timeout).
enum Tag : int {
  kReady = 1,
  kAssign = 2,  // {"trial": index, "checkpoint": path}
  kNoMore = 3,
  kProgress = 4,  // [trial, step, steps, loss, seconds]
  kRecord = 5,    // {"trial": index, "record": …} or {"trial": index} when interrupted
  kFinished = 6,
  kAlive = 7,
};

// MPI's own wait spins a core; the ranks poll instead, which costs nothing measurable.
constexpr auto kPollInterval = std::chrono::milliseconds(5);
constexpr auto kAliveInterval = std::chrono::seconds(1);
using Clock = std::chrono::steady_clock;

struct Received {
  int source = 0;
  int tag = 0;
  std::string payload;
};

void send(int to, Tag tag, const std::string& payload = "") {
  MPI_Send(payload.data(), static_cast<int>(payload.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// The next message from `from` (MPI_ANY_SOURCE: anyone), if one has arrived.
std::optional<Received> poll(int from) {
  int arrived = 0;
  MPI_Status status;
  MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status);
  if (!arrived) return std::nullopt;
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  Received message{status.MPI_SOURCE, status.MPI_TAG, std::string(std::size_t(size), '\0')};
  MPI_Recv(message.payload.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG,
           MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return message;
}

std::string progress_json(const Progress& p) {
  return nlohmann::json{p.trial, p.step, p.steps, p.loss, p.seconds}.dump();
}

Progress progress_from_json(const std::string& text) {
  const auto p = nlohmann::json::parse(text);
  return {.trial = p[0], .step = p[1], .steps = p[2], .loss = p[3], .seconds = p[4]};
}

class RankDispatcher final : public TrialDispatcher {
 public:
  RankDispatcher(int size, std::chrono::seconds silence, bool& lost_a_rank)
      : size_(size), silence_(silence), lost_a_rank_(lost_a_rank) {}

  std::string where() const override { return fmt::format("on {} MPI worker ranks", size_ - 1); }

  void run(const std::vector<const TrialSpec*>& trials,
           const std::function<std::filesystem::path(const TrialSpec&)>& checkpoint,
           RunObserver& observer, std::atomic<bool>& stop, const Keep& keep) override {
    std::deque<const TrialSpec*> queue(trials.begin(), trials.end());
    std::map<int, const TrialSpec*> handed;       // by trial index
    std::map<int, std::set<int>> running;         // rank → the trials it runs
    std::map<int, Clock::time_point> last_heard;  // of the ranks still working
    for (int rank = 1; rank < size_; ++rank) last_heard[rank] = Clock::now();
    auto answer = [&](int rank) {
      if (queue.empty() || stop.load()) return send(rank, kNoMore);
      const TrialSpec* trial = queue.front();
      queue.pop_front();
      handed[trial->index] = trial;
      running[rank].insert(trial->index);
      observer.trial_started(*trial);
      send(rank, kAssign,
           nlohmann::json{{"trial", trial->index}, {"checkpoint", checkpoint(*trial).string()}}
               .dump());
    };
    // A rank silent for too long has died or hung: its trials are failed (resumable with
    // --retry-failed) and the sweep goes on without it.
    auto give_up_on_silent_ranks = [&] {
      for (auto it = last_heard.begin(); it != last_heard.end();) {
        if (Clock::now() - it->second <= silence_) {
          ++it;
          continue;
        }
        for (const int index : running[it->first]) {
          keep(*handed.at(index),
               failed_record(*handed.at(index),
                             fmt::format("MPI rank {} went silent for {} s (it died or hung) while "
                                         "running this trial",
                                         it->first, silence_.count())));
        }
        it = last_heard.erase(it);
        lost_a_rank_ = true;
      }
    };
    while (!last_heard.empty()) {
      const auto message = poll(MPI_ANY_SOURCE);
      if (!message) {
        give_up_on_silent_ranks();
        std::this_thread::sleep_for(kPollInterval);
        continue;
      }
      if (!last_heard.contains(message->source)) continue;  // given up on already
      last_heard[message->source] = Clock::now();
      switch (message->tag) {
        case kReady:
          answer(message->source);
          break;
        case kProgress:
          observer.progress(progress_from_json(message->payload));
          break;
        case kRecord: {
          const auto json = nlohmann::ordered_json::parse(message->payload);
          const TrialSpec* trial = handed.at(json.at("trial").get<int>());
          running[message->source].erase(trial->index);
          if (json.contains("record")) keep(*trial, record_from_json(json.at("record")));
          answer(message->source);
          break;
        }
        case kAlive:
          break;
        case kFinished:
          last_heard.erase(message->source);
          break;
        default:
          throw std::runtime_error(fmt::format("rank {} sent a message of unknown kind {}",
                                               message->source, message->tag));
      }
    }
  }

 private:
  int size_;
  std::chrono::seconds silence_;
  bool& lost_a_rank_;
};

// A worker rank's trials in flight: each on a thread of its own (which waits for the trial's
// child process), their messages to rank 0 queued for the main thread, the only one that
// calls MPI.
class WorkerSlots final : public RunObserver {
 public:
  void progress(const Progress& progress) override { post(kProgress, progress_json(progress)); }

  void start(const TrialSpec& trial, const Registry& plugins, std::filesystem::path checkpoint,
             std::atomic<bool>& stop) {
    threads_.emplace_back([this, &trial, &plugins, checkpoint, &stop] {
      process::ForkGateParticipant participant;  // the other slots' threads fork
      const auto record = run_isolated_trial(trial, plugins, checkpoint, *this, stop);
      nlohmann::ordered_json message{{"trial", trial.index}};
      if (record) message["record"] = record_to_json(*record);
      post(kRecord, message.dump());
    });
  }

  // Sends what the trials posted; true when something was sent.
  bool send_posted() {
    std::deque<std::pair<Tag, std::string>> posted;
    {
      std::lock_guard lock(mutex_);
      posted.swap(posted_);
    }
    for (const auto& [tag, payload] : posted) send(0, tag, payload);
    return !posted.empty();
  }

  ~WorkerSlots() override {
    for (auto& thread : threads_) thread.join();
  }

 private:
  void post(Tag tag, std::string payload) {
    std::lock_guard lock(mutex_);
    posted_.emplace_back(tag, std::move(payload));
  }

  std::mutex mutex_;
  std::deque<std::pair<Tag, std::string>> posted_;
  std::list<std::thread> threads_;
};

class OpenMpiJob final : public MpiJob {
 public:
  OpenMpiJob() {
    // Only the main thread calls MPI; trials run on other threads, in child processes.
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    // The ranks on this host, and whether rank 0 (which only hands out trials) is among them.
    MPI_Comm host;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &host);
    int on_host = 0, coordinator_here = rank_ == 0 ? 1 : 0, coordinators = 0;
    MPI_Comm_size(host, &on_host);
    MPI_Allreduce(&coordinator_here, &coordinators, 1, MPI_INT, MPI_SUM, host);
    MPI_Comm_free(&host);
    workers_on_host_ = std::max(1, on_host - coordinators);
  }
  // MPI_Finalize waits for every rank, a lost one too (and can hang on it): after losing one,
  // rank 0 ends the job instead, with the exit code of a run with a failed trial.
  ~OpenMpiJob() override {
    if (lost_a_rank_) MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  int automatic_jobs(const std::vector<TrialSpec>& trials) const override {
    return harness::automatic_jobs(trials, workers_on_host_);
  }

  [[noreturn]] void abort(const std::string& message) override {
    fmt::print(stderr, "{}\n", message);
    MPI_Abort(MPI_COMM_WORLD, 1);
    std::abort();  // MPI_Abort does not return
  }

  std::unique_ptr<TrialDispatcher> dispatcher(std::chrono::seconds silence) override {
    return std::make_unique<RankDispatcher>(size_, silence, lost_a_rank_);
  }

  void serve(const std::vector<TrialSpec>& trials, const Registry& plugins, int jobs,
             std::atomic<bool>& stop) override {
    std::map<int, const TrialSpec*> by_index;
    for (const auto& trial : trials) by_index[trial.index] = &trial;
    {
      process::ForkGateParticipant participant;  // the slots' threads fork
      WorkerSlots slots;
      for (int j = 0; j < jobs; ++j) send(0, kReady);
      auto alive_sent = Clock::now();
      for (int open = jobs; open > 0;) {
        bool busy = slots.send_posted();
        if (Clock::now() - alive_sent >= kAliveInterval) {
          send(0, kAlive);
          alive_sent = Clock::now();
        }
        if (const auto message = poll(0)) {
          busy = true;
          if (message->tag == kNoMore) {
            --open;
          } else {
            const auto json = nlohmann::json::parse(message->payload);
            slots.start(*by_index.at(json.at("trial").get<int>()), plugins,
                        json.at("checkpoint").get<std::string>(), stop);
          }
        }
        if (!busy) {
          participant.pause();
          std::this_thread::sleep_for(kPollInterval);
          participant.resume();
        }
      }
      slots.send_posted();
    }
    send(0, kFinished);
  }

 private:
  int rank_ = 0, size_ = 1, workers_on_host_ = 1;
  bool lost_a_rank_ = false;
};

}  // namespace

std::unique_ptr<MpiJob> join_mpi_job() {
  return std::make_unique<OpenMpiJob>();
}

}  // namespace harness
