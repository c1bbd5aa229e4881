// Fakes for the OS boundaries (hypervisor, clock, processes, filesystem
// root) and a scripted guest's agent events, shared by the unit tests.
#pragma once

#include <stdlib.h>
#include <algorithm>

#include <chrono>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "kmx/protocol.h"
#include "os/clock.h"
#include "os/process_runner.h"
#include "vm/vm_driver.h"

namespace kmx::testing {

// What one VM does once started. Poll i (the i-th read_console/read_agent
// pair) returns console[i] and agent[i]; is_running() answers true for its
// first running_polls calls, then false as if the guest powered off.
struct ScriptedBoot {
  static constexpr int kForever = std::numeric_limits<int>::max();
  std::string start_error;  // non-empty: start() fails with this
  std::vector<std::string> console;
  std::vector<std::string> agent;
  int running_polls = kForever;
  // What the console shows after a send_sysrq (the kernel's answer).
  std::string after_sysrq;
  // Non-empty: the host side fails while following this boot: read_agent()
  // throws std::runtime_error(read_error) once the agent chunks are used up,
  // or a std::system_error with read_errno when that is set.
  std::string read_error;
  int read_errno = 0;
  // The host goes away once is_running() has answered running_polls times:
  // from then on the connection is dead and every start() fails.
  bool lose_host = false;
};

class FakeVmDriver : public VmDriver {
 public:
  // Each start() consumes the next scripted boot, in order.
  void add_boot(ScriptedBoot boot) { script_.push_back(std::move(boot)); }

  std::string start(const VmSpec& spec) override {
    started.push_back(spec);
    if (lost) return "FakeVmDriver: the host is gone";
    if (next_ >= script_.size()) return "FakeVmDriver: no scripted boot left";
    const std::size_t index = next_++;
    if (!script_[index].start_error.empty()) return script_[index].start_error;
    vms_[spec.name] = Vm{index};
    return "";
  }
  void prepare(const VmSpec& spec) override { prepared.push_back(spec); }
  bool is_running(const std::string& name) override {
    ++running_asks;
    auto it = vms_.find(name);
    if (it == vms_.end() && !lost)  // a listed domain runs until destroyed, unless it vanishes
      return std::count(domains.begin(), domains.end(), name) &&
             !std::count(vanishing.begin(), vanishing.end(), name) &&
             !std::count(destroyed.begin(), destroyed.end(), name);
    if (it == vms_.end() || it->second.destroyed || lost) return false;
    if (it->second.running_answers++ < script_[it->second.boot].running_polls) return true;
    if (script_[it->second.boot].lose_host) lost = true;
    return false;
  }
  void destroy(const std::string& name) override {
    destroyed.push_back(name);
    if (auto it = vms_.find(name); it != vms_.end()) it->second.destroyed = true;
  }
  std::vector<std::string> list_own_domains() override { return domains; }
  std::optional<DomainOwner> owner_of(const std::string& name) override {
    auto it = owners.find(name);
    return it == owners.end() ? std::nullopt : std::optional<DomainOwner>(it->second);
  }
  bool connection_alive() override { return !lost; }
  bool shares_files() const override { return local; }
  bool send_sysrq(const std::string& name, char key) override {
    sysrqs.push_back(name + ":" + key);
    auto it = vms_.find(name);
    if (it == vms_.end() || it->second.destroyed) return false;
    it->second.sysrq_pending = true;
    return true;
  }
  std::string read_console(const std::string& name) override {
    if (auto it = vms_.find(name); it != vms_.end() && it->second.sysrq_pending) {
      it->second.sysrq_pending = false;
      return script_[it->second.boot].after_sysrq;
    }
    return next_chunk(name, &ScriptedBoot::console, &Vm::console_reads);
  }
  std::string read_agent(const std::string& name) override {
    if (auto it = vms_.find(name); it != vms_.end()) {
      const ScriptedBoot& boot = script_[it->second.boot];
      if (!boot.read_error.empty() && it->second.agent_reads >= boot.agent.size()) {
        if (boot.read_errno != 0) throw std::system_error(boot.read_errno, std::generic_category(), boot.read_error);
        throw std::runtime_error(boot.read_error);
      }
    }
    return next_chunk(name, &ScriptedBoot::agent, &Vm::agent_reads);
  }
  void forget(const std::string& name) override { forgotten.push_back(name); }

  std::vector<VmSpec> started;         // every start() call, failed ones included
  std::vector<VmSpec> prepared;        // every prepare() call
  std::vector<std::string> destroyed;  // every destroy() call
  int running_asks = 0;                // is_running() calls
  std::vector<std::string> forgotten;
  std::vector<std::string> sysrqs;            // "<domain>:<key>" of every send_sysrq() call
  std::vector<std::string> domains;           // what list_own_domains() answers
  std::vector<std::string> vanishing;         // of those, the ones gone by the next question
  std::map<std::string, DomainOwner> owners;  // what owner_of() answers; absent: no metadata
  bool lost = false;                          // the connection is dead
  bool local = true;                          // shares_files()

 private:
  struct Vm {
    std::size_t boot = 0;  // index into script_
    bool destroyed = false;
    int running_answers = 0;
    std::size_t console_reads = 0;
    std::size_t agent_reads = 0;
    bool sysrq_pending = false;
  };
  std::string next_chunk(const std::string& name, std::vector<std::string> ScriptedBoot::*chunks,
                         std::size_t Vm::*reads) {
    auto it = vms_.find(name);
    if (it == vms_.end()) return "";
    const auto& list = script_[it->second.boot].*chunks;
    std::size_t& i = it->second.*reads;
    return i < list.size() ? list[i++] : "";
  }

  std::vector<ScriptedBoot> script_;
  std::size_t next_ = 0;
  std::map<std::string, Vm> vms_;
};

// Time stands still until someone sleeps.
class FakeClock : public Clock {
 public:
  TimePoint now() override { return now_; }
  void sleep_for(std::chrono::milliseconds duration) override { now_ += duration; }
  double elapsed_s() const { return seconds_between(TimePoint{}, now_); }

 private:
  TimePoint now_{};
};

// Records every command; answers with the result scripted for its program
// (argv[0]), or exit status 0 with no output.
class FakeProcessRunner : public ProcessRunner {
 public:
  struct Call {
    std::vector<std::string> argv;
    ProcessOptions options;
  };
  void script(const std::string& program, ProcessResult result) { results_[program] = std::move(result); }
  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options = {}) override {
    calls.push_back({argv, options});
    if (auto it = results_.find(argv.empty() ? "" : argv[0]); it != results_.end()) return it->second;
    ProcessResult ok;
    ok.exit_code = 0;
    return ok;
  }
  std::vector<Call> calls;

 private:
  std::map<std::string, ProcessResult> results_;
};

inline ProcessResult exited(int code, std::string output = "") {
  ProcessResult r;
  r.exit_code = code;
  r.output = std::move(output);
  return r;
}

// A fresh directory under $TMPDIR, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kmx-unit-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One agent-channel line of the current protocol version, newline included.
inline std::string agent_line(nlohmann::json event) {
  event["v"] = protocol::kVersion;
  return event.dump() + "\n";
}
inline std::string ev_boot(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json boot = {{"ev", protocol::kEventBoot},
                         {"uname", "6.1.0-56-amd64"},
                         {"kmod_version", "kmod version 30"},
                         {"cpus", 2},
                         {"mem_kib", 983744},
                         {"problems", nlohmann::json::array()}};
  boot.update(extra);
  return agent_line(boot);
}
// A fixed nonce per test id, standing in for the agent's random one.
inline std::string test_nonce(const std::string& test) {
  static const char* kHex = "0123456789abcdef";
  std::string nonce;
  std::size_t h = std::hash<std::string>{}(test);
  for (int i = 0; i < 16; ++i, h >>= 4) nonce += kHex[h & 15];
  return nonce;
}
// The agent's report of a marker it wrote to /dev/kmsg.
inline std::string ev_marker(const std::string& test, const std::string& kind = "begin",
                             const std::string& nonce = "") {
  return agent_line({{"ev", protocol::kEventMarker},
                     {"test", test},
                     {"kind", kind},
                     {"nonce", nonce.empty() ? test_nonce(test) : nonce}});
}
// What the agent sends as a test begins: test-start, then the report of
// the begin marker it wrote (begin_marker() below is that console line).
inline std::string ev_start(const std::string& test) {
  return agent_line({{"ev", protocol::kEventTestStart}, {"test", test}, {"timeout_s", 300}}) + ev_marker(test);
}
inline std::string ev_output(const std::string& test, const std::string& line) {
  return agent_line({{"ev", protocol::kEventOutput}, {"test", test}, {"line", line}});
}
inline std::string ev_end(const std::string& test, int exit_code, double duration_s = 1.5) {
  return agent_line({{"ev", protocol::kEventTestEnd},
                     {"test", test},
                     {"exit", exit_code},
                     {"signal", 0},
                     {"timed_out", false},
                     {"duration_s", duration_s}});
}
inline std::string ev_done() { return agent_line({{"ev", protocol::kEventDone}}); }
// A memory sample of the running test (protocol::kEventSample).
inline std::string ev_sample(const std::string& test, double t, long avail_kib, long oom_kills = 0, long procs = 5) {
  return agent_line({{"ev", protocol::kEventSample},
                     {"test", test},
                     {"t", t},
                     {"avail", avail_kib},
                     {"slab", 40000},
                     {"vmalloc", 10000},
                     {"committed", 150000},
                     {"oom_kills", oom_kills},
                     {"procs", procs}});
}
// kmod.sh's announcement of round i (from #0) of a kmod test.
inline std::string ev_round(const std::string& test, int i) {
  return agent_line({{"ev", protocol::kEventOutput},
                     {"test", test},
                     {"line", "Running test: kmod_test_" + test.substr(5) + " - run #" + std::to_string(i)}});
}

// The console lines the agent writes to /dev/kmsg around a test, with the
// nonce ev_start() reports.
inline std::string begin_marker(const std::string& test, const std::string& stamp = "    5.100000") {
  return "[" + stamp + "] kmod-matrix: begin " + test + " " + test_nonce(test) + "\n";
}
inline std::string end_marker(const std::string& test, const std::string& stamp = "    6.200000") {
  return "[" + stamp + "] kmod-matrix: end " + test + " " + test_nonce(test + "/end") + "\n";
}

}  // namespace kmx::testing
