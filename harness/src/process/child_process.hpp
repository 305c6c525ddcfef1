// Work in a child process, so that a crash, an abort, an exit or a hang in plugin code ends only
// the child. The child sends framed messages (a kind and a payload) through a pipe as it goes;
// the parent handles them as they arrive and learns at the end how the child ended.
//
// The child is a fork of the caller: it sees the caller's memory as it was, and its work must not
// touch locks other threads of the caller may hold (printing, the results store) — it reports
// through its Channel instead. It ends with _exit, never returning into the caller's code.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace harness::process {

struct Message {
  char kind = 0;
  std::string payload;
};

// The child's end of the pipe.
class Channel {
 public:
  explicit Channel(int fd) : fd_(fd) {}
  void send(char kind, std::string_view payload) const;

 private:
  int fd_;
};

struct ChildEnd {
  bool finished = false;  // the work returned and the child exited normally
  std::string how;        // otherwise, e.g. "crashed: SIGSEGV (Segmentation fault)"
  int signal = 0;         // the signal that ended the child, if one did
  std::string activity;   // what the child last said it was doing (note_activity), or ""

  // How it ended and where: "crashed: SIGSEGV (Segmentation fault) in training step 12".
  std::string describe() const { return activity.empty() ? how : how + " in " + activity; }
};

struct ChildOptions {
  std::optional<std::chrono::seconds> timeout;  // killed (SIGKILL) when it runs longer
  // Checked in the parent every 100 ms; once true, the child is sent SIGTERM.
  const std::atomic<bool>* stop = nullptr;
  // In the child, SIGTERM and SIGINT set this flag (the work's own stop flag, in the child's copy
  // of memory) instead of ending the process, so that the work can end at a step and report.
  std::atomic<bool>* child_stop = nullptr;
};

// Runs `work` in a forked child, calls `on_message` in the parent for every message the child
// sends, and returns how the child ended. An exception escaping `work` is sent as a message of
// kind kExceptionMessage with its what().
ChildEnd run_in_child(const std::function<void(const Channel&)>& work,
                      const std::function<void(const Message&)>& on_message,
                      const ChildOptions& options = {});

inline constexpr char kExceptionMessage = '!';

// fork() copies only the calling thread: a lock another thread holds at that moment stays locked
// in the child. glibc's malloc guards its own locks around a fork; the sanitizers' allocator (GCC
// 12) does not, so a child forked while another thread allocated could hang at its first
// allocation. A thread that runs beside threads that fork is a participant for its lifetime: it
// holds the fork gate (shared) except while it waits — in run_in_child for its child's messages
// and for its own fork, or where it pauses — and a fork happens only when no participant holds
// it, that is, while every other participant waits. A thread's own start and end take the
// allocator's lock before and after any participant can cover them: threads that fork start
// together before the first fork and end together after the last (run/runner.cpp).
class ForkGateParticipant {
 public:
  ForkGateParticipant();
  ~ForkGateParticipant();
  ForkGateParticipant(const ForkGateParticipant&) = delete;
  ForkGateParticipant& operator=(const ForkGateParticipant&) = delete;
  // Around a wait that allocates nothing (a sleep, a condition variable).
  void pause();
  void resume();

 private:
  std::shared_lock<std::shared_mutex> hold_;
};

// Names what the current child is doing now, as what follows "crashed in" ("the forward at X=3
// H=4 B=2 T=4", "training step 12"), so that a crash can be reported with it (ChildEnd::activity).
// Outside a child it does nothing.
void note_activity(std::string_view what);

}  // namespace harness::process
