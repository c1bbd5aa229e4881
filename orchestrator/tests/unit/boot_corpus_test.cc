// Classifies every recorded boot in testdata/corpus/ (layout and the one
// transformation applied to protocol 1 samples in its README.md) and checks
// invariants on each, like syzkaller's pkg/report checkReport: the verdicts
// are the expected ones, each piece of evidence quoted from the console is a
// line of that test's own console segment, a PASS has no crash report in its
// segment, evidence is printable ASCII, and the verdicts do not depend on how
// the agent channel was chunked. KMX_CORPUS_UPDATE=1 rewrites each sample's
// `expected` from what the classifier says, for review in the diff.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kmx/protocol.h"
#include "os/files.h"
#include "test_paths.h"
#include "verdict/agent_stream.h"
#include "verdict/boot_classifier.h"
#include "verdict/console_scan.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kCorpus = fs::path(KMX_TESTDATA) / "corpus";

struct Expectation {
  std::string verdict;   // PASS, FAIL, ... or NOT_RUN
  std::string evidence;  // a substring of the verdict's evidence (may be empty)
};

struct Sample {
  fs::path dir;
  std::string console;
  std::string agent;
  int protocol = protocol::kVersion;
  BootEnd end = BootEnd::kPoweredOff;
  std::string end_name = "powered-off";
  std::vector<std::string> header;                            // comment and key lines, kept by an update
  std::vector<std::pair<std::string, Expectation>> expected;  // in file order
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

Sample load(const fs::path& dir) {
  Sample s;
  s.dir = dir;
  s.console = read_file(dir / "console.log");
  s.agent = read_file(dir / "agent.log");
  std::istringstream in(read_file(dir / "expected"));
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line.starts_with("#")) {
      s.header.push_back(line);
    } else if (line.starts_with("PROTOCOL: ")) {
      s.header.push_back(line);
      s.protocol = std::stoi(line.substr(10));
    } else if (line.starts_with("END: ")) {
      s.header.push_back(line);
      s.end_name = line.substr(5);
      if (s.end_name == "test-timeout")
        s.end = BootEnd::kTestTimeout;
      else if (s.end_name == "boot-timeout")
        s.end = BootEnd::kBootTimeout;
      else if (s.end_name == "oom-grace")
        s.end = BootEnd::kOomGrace;
      else if (s.end_name == "output-flood")
        s.end = BootEnd::kOutputFlood;
      else if (s.end_name == "lifetime-cap")
        s.end = BootEnd::kLifetimeCap;
      else if (s.end_name != "powered-off")
        throw std::runtime_error(dir.string() + ": unknown END: " + s.end_name);
    } else {
      // <test id> <VERDICT> [evidence substring]
      std::istringstream fields(line);
      std::string test, verdict;
      fields >> test >> verdict;
      std::string evidence;
      std::getline(fields, evidence);
      if (!evidence.empty() && evidence.front() == ' ') evidence.erase(0, 1);
      if (verdict.empty()) throw std::runtime_error(dir.string() + ": bad expected line: " + line);
      s.expected.push_back({test, {verdict, evidence}});
    }
  }
  return s;
}

// The tests the host asked for and each one's limit, from the kernel
// command line the console recorded (kmx.tests=<id>@<seconds>,...).
std::vector<std::pair<std::string, int>> requested_tests_with_limits(const Sample& s) {
  const std::string key = "kmx.tests=";
  const auto pos = s.console.find(key);
  if (pos == std::string::npos) throw std::runtime_error(s.dir.string() + ": no kmx.tests= on the console");
  const std::string list = s.console.substr(pos + key.size(), s.console.find_first_of(" \r\n", pos) - pos - key.size());
  std::vector<std::pair<std::string, int>> tests;
  std::istringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    const auto at = item.find('@');
    tests.emplace_back(item.substr(0, at), at == std::string::npos ? 0 : std::atoi(item.c_str() + at + 1));
  }
  return tests;
}

std::vector<std::string> requested_tests(const Sample& s) {
  std::vector<std::string> tests;
  for (const auto& [test, limit] : requested_tests_with_limits(s)) tests.push_back(test);
  return tests;
}

// Protocol 1 events are those of protocol 2 without `marker` events: the one
// transformation (README.md) is the version number, and each started test's
// begin nonce recorded as kProtocol1Nonce, which is what its console marker
// (no nonce) carries. Console lines are never changed.
std::string agent_as_current_protocol(const Sample& s) {
  if (s.protocol == protocol::kVersion) return s.agent;
  if (s.protocol != 1) throw std::runtime_error(s.dir.string() + ": unknown PROTOCOL");
  std::string out;
  std::istringstream in(s.agent);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("v", 0) == 1) {
      j["v"] = protocol::kVersion;
      line = j.dump();
    }
    out += line + "\n";
  }
  return out;
}

AgentLog parse_agent(const Sample& s, const std::vector<std::string>& requested, std::size_t seed) {
  const std::string bytes = agent_as_current_protocol(s);
  AgentStream stream(requested);
  if (seed == 0) {
    stream.feed(bytes);
  } else {
    std::mt19937 rng(static_cast<unsigned>(seed));
    for (std::size_t at = 0; at < bytes.size();) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 97)(rng);
      stream.feed(std::string_view(bytes).substr(at, n));
      at += n;
    }
  }
  stream.finish();
  AgentLog log = stream.log();
  if (s.protocol == 1)
    for (const auto& test : log.started) log.begin_nonces[test] = std::string(kProtocol1Nonce);
  return log;
}

BootRecord record_of(const Sample& s, std::size_t seed = 0) {
  BootRecord r;
  for (const auto& [test, limit] : requested_tests_with_limits(s)) {
    r.requested_tests.push_back(test);
    if (limit > 0) r.limit_s[test] = limit;
  }
  r.agent = parse_agent(s, r.requested_tests, seed);
  r.console = s.console;
  r.end = s.end;
  return r;
}

// test id -> "VERDICT evidence" (NOT_RUN for tests the boot did not decide).
std::map<std::string, Expectation> classify(const BootRecord& r) {
  const BootVerdicts v = classify_boot(r);
  std::map<std::string, Expectation> out;
  for (const auto& t : v.verdicts) out[t.test] = {std::string(to_string(t.verdict)), t.evidence};
  for (const auto& t : v.not_run) out[t] = {"NOT_RUN", ""};
  return out;
}

// The console lines of a test's segment, as the scanner cuts it: from its
// accepted begin marker to the next accepted one. Tests without a segment
// (no boot event) get the whole console.
std::vector<std::string> segment_lines(const Sample& s, const BootRecord& r, const std::string& test) {
  const bool whole = !r.agent.begin_nonces.count(test);
  std::vector<std::string> lines;
  std::string current;  // the test whose segment we are in
  std::set<std::string> seen;
  std::istringstream in(s.console);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (const auto& [t, nonce] : r.agent.begin_nonces) {
      const std::string marker = std::string(protocol::kConsoleMarker) + std::string(protocol::kMarkerBegin) + t +
                                 (nonce.empty() ? "" : " " + nonce);
      const auto pos = line.find(marker);
      const bool exact = pos != std::string::npos &&
                         (pos + marker.size() == line.size() || (!nonce.empty() && line[pos + marker.size()] == ' '));
      if (exact && !seen.count(t)) {
        seen.insert(t);
        current = t;
      }
    }
    if (whole || current == test) lines.push_back(sanitize_guest_text(line));
  }
  return lines;
}

// Every "console: " in the evidence must be followed by a line of the segment.
void expect_console_quotes_in_segment(const std::string& evidence, const std::vector<std::string>& segment,
                                      const std::string& what) {
  const std::string key = "console: ";
  for (auto pos = evidence.find(key); pos != std::string::npos; pos = evidence.find(key, pos + 1)) {
    const std::string_view rest = std::string_view(evidence).substr(pos + key.size());
    const bool found = std::any_of(segment.begin(), segment.end(),
                                   [&](const std::string& line) { return !line.empty() && rest.starts_with(line); });
    EXPECT_TRUE(found) << what << ": evidence quotes a line that is not in the test's console segment: " << rest;
  }
}

void update_expected(const Sample& s, const std::map<std::string, Expectation>& got,
                     const std::vector<std::string>& order) {
  std::string text;
  for (const auto& line : s.header) text += line + "\n";
  for (const auto& test : order) {
    const Expectation& e = got.at(test);
    text += test + " " + e.verdict + (e.evidence.empty() ? "" : " " + e.evidence) + "\n";
  }
  write_file_atomically(s.dir / "expected", text);
}

std::vector<std::string> sample_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kCorpus))
    if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class BootCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(BootCorpus, ClassifiesAsExpected) {
  const Sample s = load(kCorpus / GetParam());
  const BootRecord r = record_of(s);
  const auto got = classify(r);
  if (const char* update = std::getenv("KMX_CORPUS_UPDATE"); update && std::string(update) == "1") {
    update_expected(s, got, r.requested_tests);
    GTEST_SKIP() << "expected rewritten";
  }
  std::set<std::string> listed;
  for (const auto& [test, want] : s.expected) {
    listed.insert(test);
    auto it = got.find(test);
    ASSERT_NE(it, got.end()) << test << " was not requested";
    EXPECT_EQ(it->second.verdict, want.verdict) << test << ": " << it->second.evidence;
    EXPECT_THAT(it->second.evidence, HasSubstr(want.evidence)) << test;
  }
  for (const auto& [test, v] : got) EXPECT_TRUE(listed.count(test)) << test << " (" << v.verdict << ") not in expected";
}

TEST_P(BootCorpus, ConsoleEvidenceIsALineOfThatTestsSegment) {
  const Sample s = load(kCorpus / GetParam());
  const BootRecord r = record_of(s);
  for (const auto& [test, v] : classify(r)) {
    if (v.verdict == "NOT_RUN") continue;
    EXPECT_EQ(v.evidence, sanitize_guest_text(v.evidence, v.evidence.size())) << test << ": not printable ASCII";
    if (v.verdict != "PASS") expect_console_quotes_in_segment(v.evidence, segment_lines(s, r, test), test);
  }
}

TEST_P(BootCorpus, PassedTestsHaveNoCrashReportInTheirSegment) {
  const Sample s = load(kCorpus / GetParam());
  const BootRecord r = record_of(s);
  const ConsoleReport console = scan_console(r.console, r.agent.begin_nonces);
  for (const auto& [test, v] : classify(r)) {
    if (v.verdict != "PASS") continue;
    EXPECT_THAT(v.evidence, ::testing::Not(HasSubstr("console:"))) << test;
    for (const auto& f : findings_of(console, test))
      ADD_FAILURE() << test << " passed with a " << to_string(f.kind) << " in its segment: " << f.line;
  }
}

TEST_P(BootCorpus, VerdictsDoNotDependOnHowTheAgentChannelWasChunked) {
  const Sample s = load(kCorpus / GetParam());
  const auto whole = classify(record_of(s));
  for (std::size_t seed = 1; seed <= 5; ++seed) {
    const auto chunked = classify(record_of(s, seed));
    ASSERT_EQ(chunked.size(), whole.size()) << "seed " << seed;
    for (const auto& [test, v] : whole) {
      EXPECT_EQ(chunked.at(test).verdict, v.verdict) << test << " seed " << seed;
      EXPECT_EQ(chunked.at(test).evidence, v.evidence) << test << " seed " << seed;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Recorded, BootCorpus, ::testing::ValuesIn(sample_names()), [](const auto& test_info) {
  std::string name = test_info.param;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

TEST(BootCorpusCoverage, HoldsPassFailOomTimeoutSkipAndModuleLoadNoise) {
  std::set<std::string> verdicts;
  bool noise = false;
  for (const auto& name : sample_names()) {
    const Sample s = load(kCorpus / name);
    for (const auto& [test, e] : s.expected) verdicts.insert(e.verdict);
    noise = noise || s.console.find("loading out-of-tree module taints kernel") != std::string::npos;
  }
  for (const char* v : {"PASS", "FAIL", "OOM", "TIMEOUT", "SKIP"}) EXPECT_TRUE(verdicts.count(v)) << v;
  EXPECT_TRUE(noise);
}

}  // namespace
}  // namespace kmx
