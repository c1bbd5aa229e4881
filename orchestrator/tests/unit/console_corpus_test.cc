// Classifies every recorded console in testdata/console/ (format in its
// README.md). KMX_UPDATE_CORPUS=1 rewrites each header's VERDICT and
// EVIDENCE from what the classifier says, for review in the diff.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "fakes.h"
#include "os/files.h"
#include "test_paths.h"
#include "verdict/boot_classifier.h"
#include "verdict/console_scan.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace kmx::testing;

const fs::path kCorpus = fs::path(KMX_TESTDATA) / "console";

struct Sample {
  fs::path path;
  std::map<std::string, std::string> header;
  std::string console;
};

Sample load(const fs::path& path) {
  Sample s{path, {}, {}};
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line) && !line.empty();) {
    auto colon = line.find(": ");
    if (colon == std::string::npos) throw std::runtime_error(path.string() + ": bad header line: " + line);
    s.header[line.substr(0, colon)] = line.substr(colon + 2);
  }
  s.console.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return s;
}

std::string field(const Sample& s, const std::string& key, const std::string& fallback = "") {
  auto it = s.header.find(key);
  if (it != s.header.end()) return it->second;
  if (fallback.empty()) throw std::runtime_error(s.path.string() + ": no " + key + " header");
  return fallback;
}

std::string agent_end_event(const std::string& test, const std::string& agent) {
  std::smatch m;
  if (std::regex_match(agent, m, std::regex(R"(exit (-?\d+))"))) return ev_end(test, std::stoi(m[1]), 4.0);
  if (std::regex_match(agent, m, std::regex(R"(signal (\d+))")))
    return agent_line({{"ev", "test-end"}, {"test", test}, {"exit", -1}, {"signal", std::stoi(m[1])}});
  if (agent == "timed-out")
    return agent_line({{"ev", "test-end"}, {"test", test}, {"exit", -1}, {"timed_out", true}, {"duration_s", 300.0}});
  if (agent == "running") return "";
  throw std::runtime_error("unknown AGENT: " + agent);
}

// The boot the sample stands for: tests begun before TEST passed, TEST ended
// as AGENT says, the VM stopped as END says.
BootRecord record_of(const Sample& s) {
  const std::string test = field(s, "TEST");
  const std::string agent = field(s, "AGENT");
  BootRecord r;
  std::smatch m;
  static const std::regex kBegin(R"(kmod-matrix: begin (\S+))");
  for (auto it = std::sregex_iterator(s.console.begin(), s.console.end(), kBegin); it != std::sregex_iterator(); ++it)
    if ((*it)[1] != test) r.requested_tests.push_back((*it)[1]);
  r.requested_tests.push_back(test);

  std::string events;
  if (agent != "no-boot") {
    events = ev_boot();
    for (std::size_t i = 0; i + 1 < r.requested_tests.size(); ++i)
      events += ev_start(r.requested_tests[i]) + ev_end(r.requested_tests[i], 0);
    events += ev_start(test) + agent_end_event(test, agent);
  }
  AgentStream stream(r.requested_tests);
  stream.feed(events);
  stream.finish();
  r.agent = stream.log();
  // The excerpts were recorded with protocol 1, whose markers have no nonce:
  // match them as such instead of rewriting console lines (../corpus/README.md).
  for (auto& [t, nonce] : r.agent.begin_nonces) nonce = std::string(kProtocol1Nonce);
  r.console = s.console;

  const std::string end = field(s, "END", "powered-off");
  if (end == "test-timeout") {
    r.end = BootEnd::kTestTimeout;
    r.end_detail = test + " still running after 330 s (limit plus host grace); VM destroyed";
  } else if (end == "boot-timeout") {
    r.end = BootEnd::kBootTimeout;
    r.end_detail = "no agent event within 120 s of VM start";
  } else if (end != "powered-off") {
    throw std::runtime_error(s.path.string() + ": unknown END: " + end);
  }
  return r;
}

TestVerdict classify(const Sample& s) {
  const std::string test = field(s, "TEST");
  for (const auto& v : classify_boot(record_of(s)).verdicts)
    if (v.test == test) return v;
  return {test, Verdict::kError, "(the classifier gave no verdict for " + test + ")"};
}

void update_header(const Sample& s, const TestVerdict& v) {
  const std::string text = read_file(s.path);
  const std::size_t body = text.find("\n\n");
  std::istringstream in(text.substr(0, body));
  std::string header;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("EVIDENCE: ")) continue;
    header += line.starts_with("VERDICT: ") ? "VERDICT: " + std::string(to_string(v.verdict)) : line;
    header += "\n";
  }
  write_file_atomically(s.path, header + "EVIDENCE: " + v.evidence + text.substr(body));
}

std::vector<std::string> sample_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kCorpus))
    if (e.path().extension() == ".txt") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class ConsoleCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(ConsoleCorpus, ClassifiesAsRecorded) {
  const Sample s = load(kCorpus / GetParam());
  const TestVerdict v = classify(s);
  if (const char* update = std::getenv("KMX_UPDATE_CORPUS"); update && std::string(update) == "1") {
    update_header(s, v);
    GTEST_SKIP() << "header rewritten";
  }
  EXPECT_EQ(to_string(v.verdict), field(s, "VERDICT")) << v.evidence;
  EXPECT_THAT(v.evidence, HasSubstr(field(s, "EVIDENCE")));
}

INSTANTIATE_TEST_SUITE_P(Recorded, ConsoleCorpus, ::testing::ValuesIn(sample_names()), [](const auto& test_info) {
  std::string name = test_info.param.substr(0, test_info.param.size() - 4);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

TEST(ConsoleCorpusCoverage, HasASampleOfEveryKernelVerdict) {
  std::set<std::string> verdicts;
  for (const auto& name : sample_names()) verdicts.insert(field(load(kCorpus / name), "VERDICT"));
  for (const char* v : {"PASS", "FAIL", "OOM", "PANIC", "HANG", "TIMEOUT"}) EXPECT_TRUE(verdicts.count(v)) << v;
}

}  // namespace
}  // namespace kmx
