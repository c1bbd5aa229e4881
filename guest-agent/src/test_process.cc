#include "test_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "kmx/protocol.h"

namespace kmx::agent {
namespace {

using Clock = std::chrono::steady_clock;

class LineSplitter {
 public:
  explicit LineSplitter(const LineSink& sink) : sink_(sink) {}
  void feed(const char* data, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (data[i] == '\n') {
        flush();
      } else if (pending_.size() < protocol::kMaxOutputLine) {
        pending_ += data[i];
      }
    }
  }
  void flush() {
    if (!pending_.empty()) sink_(pending_);
    pending_.clear();
  }

 private:
  const LineSink& sink_;
  std::string pending_;
};

// As PID 1 we inherit every orphan: reap them all, keeping the status of
// the test's own process when it is among them.
void reap_children(pid_t test_pid, int& test_status, bool& test_reaped) {
  int status;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == test_pid) {
      test_status = status;
      test_reaped = true;
    }
  }
}

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& cwd, int out_fd) {
  ::setpgid(0, 0);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(out_fd, STDERR_FILENO);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  if (::chdir(cwd.c_str()) != 0) _exit(126);
  // The agent shields itself from the OOM killer; tests must not inherit that.
  int adj = ::open("/proc/self/oom_score_adj", O_WRONLY);
  if (adj >= 0) {
    (void)!::write(adj, "0", 1);
    ::close(adj);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  _exit(127);
}

}  // namespace

TestOutcome run_test_process(const std::vector<std::string>& argv, const std::string& cwd, int timeout_s,
                             const LineSink& on_line, const TestHooks& hooks) {
  TestOutcome outcome;
  if (argv.empty() || ::access(argv[0].c_str(), X_OK) != 0) {
    outcome.spawn_error = "not executable: " + (argv.empty() ? std::string("<empty>") : argv[0]);
    return outcome;
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    outcome.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return outcome;
  }
  const auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    outcome.spawn_error = std::string("fork: ") + std::strerror(errno);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return outcome;
  }
  if (pid == 0) exec_child(argv, cwd, pipe_fds[1]);
  ::setpgid(pid, pid);
  ::close(pipe_fds[1]);

  const auto deadline = start + std::chrono::seconds(timeout_s);
  LineSplitter splitter(on_line);
  bool pipe_open = true;
  int status = 0;
  bool reaped = false;
  while (!reaped) {
    if (pipe_open) {
      pollfd pfd{pipe_fds[0], POLLIN, 0};
      if (::poll(&pfd, 1, 200) > 0) {
        char buf[4096];
        ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
        if (n > 0)
          splitter.feed(buf, static_cast<size_t>(n));
        else if (n == 0)
          pipe_open = false;
      }
    } else {
      ::usleep(100 * 1000);
    }
    reap_children(pid, status, reaped);
    if (!reaped && hooks.on_tick) hooks.on_tick(std::chrono::duration<double>(Clock::now() - start).count());
    if (!reaped && Clock::now() > deadline) {
      outcome.timed_out = true;
      if (hooks.before_kill) hooks.before_kill(pid);
      ::kill(-pid, SIGKILL);
      // SIGKILL waits for an uninterruptible sleep to end; do not wait forever.
      const auto give_up = Clock::now() + std::chrono::seconds(kKillGraceSeconds);
      while (!reaped && Clock::now() < give_up) {
        ::usleep(100 * 1000);
        reap_children(pid, status, reaped);
      }
      if (!reaped) {
        outcome.unkillable = true;
        break;
      }
    }
  }
  // Drain what the test wrote before it ended; stragglers in its group are killed.
  ::kill(-pid, SIGKILL);
  for (int rounds = 0; pipe_open && rounds < 10; ++rounds) {
    pollfd pfd{pipe_fds[0], POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) break;
    char buf[4096];
    ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n <= 0) break;
    splitter.feed(buf, static_cast<size_t>(n));
  }
  splitter.flush();
  ::close(pipe_fds[0]);
  bool ignored = false;
  int ignored_status = 0;
  reap_children(-1, ignored_status, ignored);

  outcome.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
  return outcome;
}

}  // namespace kmx::agent
