#include "verdict/agent_stream.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "kmx/protocol.h"

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

}  // namespace

std::string sanitize_guest_text(std::string_view text, std::size_t max_len) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    if (c == '\t') out += ' ';
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else if (c != '\r' && c != '\n') {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> AgentLog::running_test() const {
  if (started.empty() || ended.count(started.back())) return std::nullopt;
  return started.back();
}

void AgentStream::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      if (overlong_) garbage("line longer than 1 MiB", pending_);
      else handle_line(pending_);
      pending_.clear();
      overlong_ = false;
    } else if (pending_.size() < kMaxLineBytes) {
      pending_ += c;
    } else {
      overlong_ = true;
    }
  }
}

void AgentStream::finish() {
  if (!pending_.empty()) {
    if (overlong_) garbage("line longer than 1 MiB", pending_);
    else handle_line(pending_);
  }
  pending_.clear();
  overlong_ = false;
}

void AgentStream::garbage(std::string_view why, std::string_view line) {
  ++log_.garbage_lines;
  if (log_.garbage_samples.size() < 5)
    log_.garbage_samples.push_back(std::string(why) + ": " + sanitize_guest_text(line, 120));
}

void AgentStream::handle_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return garbage("not a JSON object", line);
  if (number_field<long>(j, "v", -1) != protocol::kVersion) return garbage("wrong protocol version", line);
  auto ev = string_field(j, "ev");
  if (!ev) return garbage("no event name", line);
  auto test = string_field(j, "test");

  if (*ev == protocol::kEventBoot) {
    BootInfo info;
    info.uname = sanitize_guest_text(string_field(j, "uname").value_or(""), 120);
    info.kmod_version = sanitize_guest_text(string_field(j, "kmod_version").value_or(""), 120);
    info.cpus = number_field<long>(j, "cpus", 0);
    info.mem_kib = number_field<long>(j, "mem_kib", 0);
    if (auto it = j.find("problems"); it != j.end() && it->is_array())
      for (const auto& p : *it)
        if (p.is_string()) info.problems.push_back(sanitize_guest_text(p.get<std::string>()));
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
  } else if (*ev == protocol::kEventTestStart && test) {
    log_.started.push_back(*test);
  } else if (*ev == protocol::kEventOutput && test) {
    std::string text = string_field(j, "line").value_or("");
    if (kept_output_bytes_ + text.size() > kMaxKeptOutputBytes) {
      ++log_.dropped_output_lines;
    } else {
      kept_output_bytes_ += text.size();
      log_.output[*test].push_back(std::move(text));
    }
  } else if (*ev == protocol::kEventTestEnd && test) {
    TestEndInfo end;
    end.exit_code = number_field<int>(j, "exit", -1);
    end.signal = number_field<int>(j, "signal", 0);
    auto timed_out = j.find("timed_out");
    end.timed_out = timed_out != j.end() && timed_out->is_boolean() && timed_out->get<bool>();
    auto unkillable = j.find("unkillable");
    end.unkillable = unkillable != j.end() && unkillable->is_boolean() && unkillable->get<bool>();
    end.duration_s = number_field<double>(j, "duration_s", 0);
    end.error = sanitize_guest_text(string_field(j, "error").value_or(""));
    end.modstats_absent = string_field(j, "modstats").value_or("") == "absent";
    end.modstats_before = string_field(j, "modstats_before").value_or("").substr(0, protocol::kMaxModuleStatsBytes);
    end.modstats_after = string_field(j, "modstats_after").value_or("").substr(0, protocol::kMaxModuleStatsBytes);
    log_.ended[*test] = end;
  } else if (*ev == protocol::kEventDone) {
    log_.done = true;
  } else {
    return garbage("unknown or incomplete event", line);
  }
  ++events_;
}

}  // namespace kmx
