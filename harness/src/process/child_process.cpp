#include "process/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <system_error>

namespace harness::process {

namespace {

constexpr std::size_t kActivitySize = 512;
constexpr int kPollMilliseconds = 100;
constexpr int kParentGone = 120;  // the child's exit status when its pipe is broken
constexpr char kDone = '\0';      // the child's last message: its work returned

// In a child: the buffer its parent reads note_activity's text from, and its stop flag.
char* g_activity = nullptr;
std::atomic<bool>* g_child_stop = nullptr;

void on_stop_signal(int) {
  if (g_child_stop != nullptr) g_child_stop->store(true);
}

// A page shared between parent and child, unmapped when the parent is done with it.
class SharedPage {
 public:
  SharedPage() {
    void* page =
        ::mmap(nullptr, kActivitySize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap");
    data_ = static_cast<char*>(page);
  }
  ~SharedPage() { ::munmap(data_, kActivitySize); }
  SharedPage(const SharedPage&) = delete;
  SharedPage& operator=(const SharedPage&) = delete;
  char* data() const { return data_; }
  std::string text() const { return {data_, ::strnlen(data_, kActivitySize)}; }

 private:
  char* data_ = nullptr;
};

[[noreturn]] void run_child(const std::function<void(const Channel&)>& work, int write_fd,
                            char* activity, std::atomic<bool>* child_stop, pid_t parent) {
  // A parent killed outright (SIGKILL) takes its children with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(kParentGone);
  // Other threads of the parent may have pipes to their own children open; holding their write
  // ends would keep those parents from seeing their child end.
  ::close_range(3, static_cast<unsigned>(write_fd) - 1, 0);
  ::close_range(static_cast<unsigned>(write_fd) + 1, ~0U, 0);
  g_activity = activity;
  if (child_stop != nullptr) {
    g_child_stop = child_stop;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
  }
  const Channel channel(write_fd);
  try {
    work(channel);
  } catch (const std::exception& error) {
    channel.send(kExceptionMessage, error.what());
  } catch (...) {
    channel.send(kExceptionMessage, "an exception of unknown type");
  }
  channel.send(kDone, "");
  ::close(write_fd);
  ::_exit(0);
}

std::shared_mutex& fork_gate() {
  static std::shared_mutex gate;
  return gate;
}

// Hands every complete frame at the front of `buffer` to `on_message` and removes it.
void deliver_frames(std::string& buffer, const std::function<void(const Message&)>& on_message) {
  constexpr std::size_t kHeader = 1 + sizeof(std::uint32_t);
  std::size_t used = 0;
  while (buffer.size() - used >= kHeader) {
    std::uint32_t length = 0;
    std::memcpy(&length, buffer.data() + used + 1, sizeof length);
    if (buffer.size() - used < kHeader + length) break;
    on_message({buffer[used], buffer.substr(used + kHeader, length)});
    used += kHeader + length;
  }
  buffer.erase(0, used);
}

std::string describe_signal(int signal) {
  const char* name = ::sigabbrev_np(signal);
  return name != nullptr ? fmt::format("SIG{} ({})", name, ::strsignal(signal))
                         : fmt::format("signal {}", signal);
}

}  // namespace

void Channel::send(char kind, std::string_view payload) const {
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::string frame(1 + sizeof length, kind);
  std::memcpy(frame.data() + 1, &length, sizeof length);
  frame.append(payload);
  const char* bytes = frame.data();
  std::size_t left = frame.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, bytes, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) ::_exit(kParentGone);
    bytes += written;
    left -= static_cast<std::size_t>(written);
  }
}

thread_local ForkGateParticipant* t_participant = nullptr;

ForkGateParticipant::ForkGateParticipant() : hold_(fork_gate()) {
  t_participant = this;
}

ForkGateParticipant::~ForkGateParticipant() {
  t_participant = nullptr;
}

void ForkGateParticipant::pause() {
  hold_.unlock();
}

void ForkGateParticipant::resume() {
  hold_.lock();
}

void note_activity(std::string_view what) {
  if (g_activity == nullptr) return;
  const std::size_t size = std::min(what.size(), kActivitySize - 1);
  std::memcpy(g_activity, what.data(), size);
  g_activity[size] = '\0';
}

ChildEnd run_in_child(const std::function<void(const Channel&)>& work,
                      const std::function<void(const Message&)>& on_message,
                      const ChildOptions& options) {
  const SharedPage activity;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  std::fflush(nullptr);  // or the child's copy of unwritten output could be written twice
  const pid_t parent = ::getpid();
  ForkGateParticipant* const participant = t_participant;  // waits while it forks
  if (participant != nullptr) participant->pause();
  pid_t pid = 0;
  {
    const std::unique_lock no_participant_runs(fork_gate());
    pid = ::fork();
  }
  if (pid < 0) {
    const int error = errno;
    if (participant != nullptr) participant->resume();
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::system_error(error, std::generic_category(), "fork");
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(work, fds[1], activity.data(), options.child_stop, parent);
  }
  ::close(fds[1]);

  const auto started = std::chrono::steady_clock::now();
  std::string buffer;
  bool done = false, stop_sent = false, timed_out = false;
  const auto handle = [&](const Message& message) {
    if (message.kind == kDone) {
      done = true;
    } else {
      on_message(message);
    }
  };
  char chunk[1 << 16];
  for (;;) {
    pollfd readable{fds[0], POLLIN, 0};
    const int ready = ::poll(&readable, 1, kPollMilliseconds);
    if (participant != nullptr) participant->resume();
    if (ready > 0) {
      const ssize_t got = ::read(fds[0], chunk, sizeof chunk);
      if (got == 0 || (got < 0 && errno != EINTR)) break;  // the child has ended
      if (got > 0) {
        buffer.append(chunk, static_cast<std::size_t>(got));
        deliver_frames(buffer, handle);
      }
    }
    if (options.stop != nullptr && !stop_sent && options.stop->load()) {
      ::kill(pid, SIGTERM);
      stop_sent = true;
    }
    if (options.timeout && std::chrono::steady_clock::now() - started > *options.timeout) {
      ::kill(pid, SIGKILL);
      timed_out = true;
      break;
    }
    if (participant != nullptr) participant->pause();
  }  // left by `break`, holding the gate again
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  ChildEnd end;
  end.activity = activity.text();
  if (timed_out) {
    end.how = fmt::format("timed out after {} s", options.timeout->count());
    end.signal = SIGKILL;
  } else if (WIFSIGNALED(status)) {
    end.signal = WTERMSIG(status);
    end.how = "crashed: " + describe_signal(end.signal);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    end.how = fmt::format("exited with status {}", WEXITSTATUS(status));
  } else if (!done) {
    end.how = "exited before its work was done (status 0)";
  } else {
    end.finished = true;
  }
  return end;
}

}  // namespace harness::process
