#include "verdict/agent_stream.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "kmx/protocol.h"
#include "verdict/kmod_rounds.h"

namespace kmx {
namespace {

using nlohmann::json;

std::optional<std::string> string_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

template <typename T>
T number_field(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  if constexpr (std::is_integral_v<T>) {
    // A guest may send 1e300: converting that to an integer is undefined.
    const double v = it->get<double>();
    if (!(v >= static_cast<double>(std::numeric_limits<T>::min()) &&
          v < static_cast<double>(std::numeric_limits<T>::max()) + 1.0))
      return fallback;
  }
  return it->get<T>();
}

bool bool_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// Later code formats durations as integers: keep them finite and small.
double duration_field(const json& j) {
  const double d = number_field<double>(j, "duration_s", 0);
  if (!std::isfinite(d) || d < 0) return 0;
  return std::min(d, AgentStream::kMaxDurationS);
}

}  // namespace

std::string sanitize_guest_text(std::string_view text, std::size_t max_len) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    if (c == '\t')
      out += ' ';
    else if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else if (c != '\r' && c != '\n') {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool is_marker_nonce(std::string_view text) {
  return text.size() >= 16 && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

namespace {

// A guest figure: finite, and within what any machine has (else -1).
long long figure_field(const json& j, const char* key) {
  const double v = number_field<double>(j, key, -1);
  if (!std::isfinite(v) || v < 0 || v > 1e15) return -1;
  return static_cast<long long>(v);
}

// A guest uptime in seconds: finite, and within a day (else -1).
double uptime_field(const json& j, const char* key) {
  const double v = number_field<double>(j, key, -1);
  return std::isfinite(v) && v >= 0 && v <= 86400 ? v : -1;
}

MemorySample sample_from(const json& j) {
  MemorySample s;
  const double t = number_field<double>(j, "t", 0);
  s.t = std::isfinite(t) && t > 0 ? std::min(t, AgentStream::kMaxDurationS) : 0;
  s.available_kib = figure_field(j, "avail");
  s.slab_kib = figure_field(j, "slab");
  s.vmalloc_kib = figure_field(j, "vmalloc");
  s.committed_kib = figure_field(j, "committed");
  s.oom_kills = figure_field(j, "oom_kills");
  s.processes = figure_field(j, "procs");
  return s;
}

}  // namespace

void MemoryTrace::add(const MemorySample& sample) {
  if (sample.available_kib >= 0 && (min_available_kib < 0 || sample.available_kib < min_available_kib))
    min_available_kib = sample.available_kib;
  peak_processes = std::max(peak_processes, sample.processes);
  if (first_oom_kills < 0) first_oom_kills = sample.oom_kills;
  if (first_oom_kill_t < 0 && first_oom_kills >= 0 && sample.oom_kills > first_oom_kills) first_oom_kill_t = sample.t;
  if (seen++ % stride != 0) return;
  samples.push_back(sample);
  if (samples.size() < kMaxSamples) return;
  std::vector<MemorySample> kept;
  for (std::size_t i = 0; i < samples.size(); i += 2) kept.push_back(samples[i]);
  samples = std::move(kept);
  stride *= 2;
}

std::vector<std::string> TestOutput::lines() const {
  std::vector<std::string> all = head;
  if (dropped > 0) all.push_back("[kmod-matrix: " + std::to_string(dropped) + " output lines dropped here]");
  all.insert(all.end(), tail.begin(), tail.end());
  return all;
}

std::optional<std::string> AgentLog::running_test() const {
  if (started.empty() || ended.count(started.back())) return std::nullopt;
  return started.back();
}

std::vector<std::string> AgentLog::output_lines(const std::string& test) const {
  auto it = output.find(test);
  return it == output.end() ? std::vector<std::string>{} : it->second.lines();
}

AgentStream::AgentStream(std::vector<std::string> requested, AgentLimits limits)
    : requested_(std::move(requested)), limits_(limits) {}

void AgentStream::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    const std::size_t room = kMaxLineBytes - pending_.size();
    pending_.append(piece.substr(0, room));
    if (piece.size() > room) overlong_ = true;
    if (newline == std::string_view::npos) return;
    end_line();
    bytes.remove_prefix(newline + 1);
  }
}

void AgentStream::finish() {
  if (!pending_.empty()) end_line();
  pending_.clear();
  overlong_ = false;
}

void AgentStream::end_line() {
  if (overlong_)
    garbage("line longer than 1 MiB", pending_);
  else
    handle_line(pending_);
  pending_.clear();
  overlong_ = false;
}

void AgentStream::garbage(std::string_view why, std::string_view line) {
  ++log_.garbage_lines;
  if (log_.garbage_samples.size() < 5)
    log_.garbage_samples.push_back(std::string(why) + ": " + sanitize_guest_text(line, 120));
}

void AgentStream::count_round(const std::string& test, std::string_view text) {
  const auto index = kmod_round_index(text, test);
  int& started = log_.rounds_started[test];
  // Only the next round in order counts: output cannot skip rounds ahead.
  if (index && *index == started) ++started;
}

void AgentStream::keep_output(const std::string& test, std::string text) {
  if (text.size() > protocol::kMaxOutputLine) text.resize(protocol::kMaxOutputLine);
  TestOutput& out = log_.output[test];
  const std::size_t cost = text.size() + AgentLimits::kLineOverheadBytes;
  if (kept_output_lines_ < limits_.max_kept_output_lines &&
      kept_output_bytes_ + cost <= limits_.max_kept_output_bytes) {
    kept_output_bytes_ += cost;
    ++kept_output_lines_;
    out.head.push_back(std::move(text));
    return;
  }
  out.tail.push_back(std::move(text));
  if (out.tail.size() > limits_.tail_lines_per_test) {
    out.tail.pop_front();
    ++out.dropped;
    ++log_.dropped_output_lines;
  }
}

void AgentStream::handle_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return garbage("not a JSON object", line);
  if (number_field<long>(j, "v", -1) != protocol::kVersion) return garbage("wrong protocol version", line);
  auto ev = string_field(j, "ev");
  if (!ev) return garbage("no event name", line);
  const std::string test = string_field(j, "test").value_or("");
  const std::optional<std::string> running = log_.running_test();
  const bool about_running = running && *running == test;

  if (*ev == protocol::kEventBoot && !log_.boot) {
    BootInfo info;
    info.uname = sanitize_guest_text(string_field(j, "uname").value_or(""), 120);
    info.kmod_version = sanitize_guest_text(string_field(j, "kmod_version").value_or(""), 120);
    info.cpus = number_field<long>(j, "cpus", 0);
    info.mem_kib = number_field<long>(j, "mem_kib", 0);
    info.agent_start_uptime_s = uptime_field(j, "agent_start_uptime_s");
    info.uptime_s = uptime_field(j, "uptime_s");
    if (auto it = j.find("problems"); it != j.end() && it->is_array())
      for (const auto& p : *it)
        if (p.is_string() && info.problems.size() < 20)
          info.problems.push_back(sanitize_guest_text(p.get<std::string>()));
    if (auto mc = j.find("modprobe_config"); mc != j.end() && mc->is_object()) {
      BootInfo::ModprobeConfig config;
      auto available = mc->find("available");
      config.available = available != mc->end() && available->is_boolean() && available->get<bool>();
      if (auto dirs = mc->find("searched_dirs"); dirs != mc->end() && dirs->is_array())
        for (const auto& d : *dirs)
          if (d.is_string() && config.searched_dirs.size() < 16)
            config.searched_dirs.push_back(sanitize_guest_text(d.get<std::string>(), 120));
      config.dump = string_field(*mc, "dump").value_or("");
      if (config.dump.size() > kMaxModprobeConfigBytes) config.dump.resize(kMaxModprobeConfigBytes);
      config.bytes = number_field<std::size_t>(*mc, "bytes", 0);
      info.modprobe_config = std::move(config);
    }
    log_.boot = info;
  } else if (*ev == protocol::kEventTestStart && log_.boot && !running && log_.started.size() < requested_.size() &&
             requested_[log_.started.size()] == test) {
    // The agent runs the requested tests in order, one at a time.
    log_.started.push_back(test);
  } else if (*ev == protocol::kEventMarker && about_running) {
    const std::string kind = string_field(j, "kind").value_or("");
    const std::string nonce = string_field(j, "nonce").value_or("");
    if (!is_marker_nonce(nonce) || (kind != protocol::kMarkerKindBegin && kind != protocol::kMarkerKindEnd))
      return garbage("malformed marker report", line);
    if (kind == protocol::kMarkerKindBegin) {
      if (log_.begin_nonces.count(test)) return garbage("second begin marker for a test", line);
      log_.begin_nonces[test] = nonce;
    }
  } else if (*ev == protocol::kEventOutput && about_running) {
    std::string text = string_field(j, "line").value_or("");
    if (test.starts_with("kmod:")) count_round(test, text);
    keep_output(test, std::move(text));
  } else if (*ev == protocol::kEventSample && about_running) {
    log_.memory[test].add(sample_from(j));
  } else if (*ev == protocol::kEventHangDump && about_running && !log_.hang_dumps.count(test)) {
    log_.hang_dumps[test] = string_field(j, "text").value_or("").substr(0, protocol::kMaxHangDumpBytes);
  } else if (*ev == protocol::kEventTestEnd && about_running) {
    TestEndInfo end;
    end.exit_code = number_field<int>(j, "exit", -1);
    end.signal = number_field<int>(j, "signal", 0);
    end.timed_out = bool_field(j, "timed_out");
    end.unkillable = bool_field(j, "unkillable");
    end.duration_s = duration_field(j);
    end.error = sanitize_guest_text(string_field(j, "error").value_or(""));
    end.modstats_absent = string_field(j, "modstats").value_or("") == "absent";
    end.modstats_before = string_field(j, "modstats_before").value_or("").substr(0, protocol::kMaxModuleStatsBytes);
    end.modstats_after = string_field(j, "modstats_after").value_or("").substr(0, protocol::kMaxModuleStatsBytes);
    log_.ended[test] = end;
  } else if (*ev == protocol::kEventDone && !log_.done) {
    log_.done = true;
  } else {
    return garbage("unknown, repeated, out-of-order or unrequested event", line);
  }
}

}  // namespace kmx
