// Parses the agent channel: JSON lines, each an untrusted guest byte string.
// Anything that is not a well-formed event of our protocol version is counted
// as garbage and kept as a short sample; nothing a guest sends can throw.
#pragma once

#include <cstddef>
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
    bool available = false;  // `modprobe -c` ran (busybox has no -c)
    std::vector<std::string> searched_dirs;  // modprobe.d dirs whose sentinel showed
    std::string dump;        // raw `modprobe -c`, at most kMaxModprobeConfigBytes
    std::size_t bytes = 0;   // its size as the guest reported it
  };
  std::optional<ModprobeConfig> modprobe_config;
};

inline constexpr std::size_t kMaxModprobeConfigBytes = 256 * 1024;

struct TestEndInfo {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  bool unkillable = false;  // still alive after SIGKILL: the agent stopped the boot
  double duration_s = 0;
  std::string error;  // the agent could not run the test at all
  bool modstats_absent = false;
  std::string modstats_before;  // raw /sys/kernel/debug/modules/stats text
  std::string modstats_after;
};

struct AgentLog {
  std::optional<BootInfo> boot;
  std::vector<std::string> started;                  // test ids, in order
  std::map<std::string, TestEndInfo> ended;
  std::map<std::string, std::vector<std::string>> output;  // bounded, see kMaxKeptOutputBytes
  bool done = false;
  std::size_t garbage_lines = 0;
  std::vector<std::string> garbage_samples;  // the first few, sanitized
  std::size_t dropped_output_lines = 0;

  // The test that started last and has not ended, if any.
  std::optional<std::string> running_test() const;
};

class AgentStream {
 public:
  static constexpr std::size_t kMaxLineBytes = 1 << 20;
  static constexpr std::size_t kMaxKeptOutputBytes = 16 << 20;

  // Accepts any bytes, in any chunking.
  void feed(std::string_view bytes);
  // Treats a trailing partial line as complete (the stream has ended).
  void finish();
  const AgentLog& log() const { return log_; }
  std::size_t events_seen() const { return events_; }

 private:
  void handle_line(std::string_view line);
  void garbage(std::string_view why, std::string_view line);

  AgentLog log_;
  std::string pending_;
  bool overlong_ = false;
  std::size_t events_ = 0;
  std::size_t kept_output_bytes_ = 0;
};

// Printable ASCII only, at most max_len characters: safe for terminals,
// JSON and evidence fields whatever the guest sent.
std::string sanitize_guest_text(std::string_view text, std::size_t max_len = 300);

}  // namespace kmx
