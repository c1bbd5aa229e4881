// Parses the agent channel: JSON lines, each an untrusted guest byte string.
// Anything that is not a well-formed event of our protocol version, or that
// names a test the host did not ask for or is out of the agent's order, is
// counted as garbage and kept as a short sample; nothing a guest sends can
// throw, and memory stays bounded whatever it sends (see AgentLimits).
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

struct BootInfo {
  std::string uname;
  std::string kmod_version;
  long cpus = 0;
  long mem_kib = 0;
  std::vector<std::string> problems;  // what the agent could not set up
  // The kmod's effective configuration (kmod_config_probe in the agent):
  // unset for an agent that did not report it.
  struct ModprobeConfig {
    bool available = false;                  // `modprobe -c` ran (busybox has no -c)
    std::vector<std::string> searched_dirs;  // modprobe.d dirs whose sentinel showed
    std::string dump;                        // raw `modprobe -c`, at most kMaxModprobeConfigBytes
    std::size_t bytes = 0;                   // its size as the guest reported it
  };
  std::optional<ModprobeConfig> modprobe_config;
  // Guest uptime when the agent started and when it sent this event, as the
  // guest says (-1: not sent): informational, never a deadline or a verdict.
  double agent_start_uptime_s = -1;
  double uptime_s = -1;
};

inline constexpr std::size_t kMaxModprobeConfigBytes = 256 * 1024;

struct TestEndInfo {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  bool unkillable = false;  // still alive after SIGKILL: the agent stopped the boot
  double duration_s = 0;    // clamped to [0, kMaxDurationS]
  std::string error;        // the agent could not run the test at all
  bool modstats_absent = false;
  std::string modstats_before;  // raw /sys/kernel/debug/modules/stats text
  std::string modstats_after;
};

// One memory sample of the guest while a test ran (protocol::kEventSample);
// -1 where the guest's kernel has no such figure.
struct MemorySample {
  double t = 0;  // seconds since the test started, as the agent measured
  long long available_kib = -1;
  long long slab_kib = -1;
  long long vmalloc_kib = -1;
  long long committed_kib = -1;
  long long oom_kills = -1;
  long long processes = -1;
};

// A test's samples, bounded: past kMaxSamples every other one is dropped
// and only every stride-th new one is kept, so a long test keeps an even
// curve. The extremes count every sample.
struct MemoryTrace {
  static constexpr std::size_t kMaxSamples = 300;
  std::vector<MemorySample> samples;
  std::size_t seen = 0;
  std::size_t stride = 1;
  long long min_available_kib = -1;
  long long peak_processes = -1;
  long long first_oom_kills = -1;  // the counter at the first sample
  double first_oom_kill_t = -1;    // t of the first sample where it had grown
  void add(const MemorySample& sample);
  bool oom_killed() const { return first_oom_kill_t >= 0; }
};

// One test's output: the first lines up to the boot's budget, then only the
// last few (a failing test says why at the end).
struct TestOutput {
  std::vector<std::string> head;
  std::deque<std::string> tail;
  std::size_t dropped = 0;  // lines neither in head nor in tail

  // head, a line saying how many were dropped (if any), then tail.
  std::vector<std::string> lines() const;
  bool empty() const { return head.empty() && tail.empty(); }
};

struct AgentLog {
  std::optional<BootInfo> boot;
  std::vector<std::string> started;  // requested test ids, in the requested order
  std::map<std::string, TestEndInfo> ended;
  std::map<std::string, TestOutput> output;
  // kmod.sh rounds a test announced ("run #i", in order from #0): the
  // round running when it ended is the last of them.
  std::map<std::string, int> rounds_started;
  std::map<std::string, MemoryTrace> memory;
  std::map<std::string, std::string> hang_dumps;  // raw, at most protocol::kMaxHangDumpBytes
  // The nonce of each test's begin marker, as the agent reported it after
  // writing the marker to /dev/kmsg: only console lines carrying it are
  // boundaries (see docs/agent-protocol.md).
  std::map<std::string, std::string> begin_nonces;
  bool done = false;
  std::size_t garbage_lines = 0;
  std::vector<std::string> garbage_samples;  // the first few, sanitized
  std::size_t dropped_output_lines = 0;      // beyond the kept budget, all tests

  // The test that started last and has not ended, if any.
  std::optional<std::string> running_test() const;
  // Output lines of a test (empty if none).
  std::vector<std::string> output_lines(const std::string& test) const;
};

struct AgentLimits {
  // Output kept in memory for the whole boot; each line also costs
  // kLineOverheadBytes so that millions of empty lines are bounded too.
  std::size_t max_kept_output_bytes = 16 << 20;
  std::size_t max_kept_output_lines = 200000;
  std::size_t tail_lines_per_test = 200;
  static constexpr std::size_t kLineOverheadBytes = 64;
};

class AgentStream {
 public:
  static constexpr std::size_t kMaxLineBytes = 1 << 20;
  static constexpr double kMaxDurationS = 1e7;  // 115 days: beyond any limit

  // requested: the tests the host asked for, in order. Events about other
  // ids, or out of that order, are garbage.
  explicit AgentStream(std::vector<std::string> requested, AgentLimits limits = {});

  // Accepts any bytes, in any chunking.
  void feed(std::string_view bytes);
  // Treats a trailing partial line as complete (the stream has ended).
  void finish();
  const AgentLog& log() const { return log_; }

 private:
  // The pending line is complete: parse it, or count it as garbage when it overflowed.
  void end_line();
  void handle_line(std::string_view line);
  void garbage(std::string_view why, std::string_view line);
  void keep_output(const std::string& test, std::string text);
  void count_round(const std::string& test, std::string_view text);

  std::vector<std::string> requested_;
  AgentLimits limits_;
  AgentLog log_;
  std::string pending_;
  bool overlong_ = false;
  std::size_t kept_output_bytes_ = 0;
  std::size_t kept_output_lines_ = 0;
};

// Printable ASCII only, at most max_len characters: safe for terminals,
// JSON and evidence fields whatever the guest sent.
std::string sanitize_guest_text(std::string_view text, std::size_t max_len = 300);

// A marker nonce as the agent writes it: 16 to 64 lowercase hex digits.
bool is_marker_nonce(std::string_view text);

}  // namespace kmx
