// verdict/agent_stream: the agent channel is untrusted bytes in any chunking.
#include "verdict/agent_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "fakes.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace kmx::testing;

// Everything an AgentLog holds, as text, so two logs compare in one line.
std::string describe(const AgentLog& log) {
  std::ostringstream out;
  if (log.boot)
    out << "boot " << log.boot->uname << " | " << log.boot->kmod_version << " | " << log.boot->cpus << " | "
        << log.boot->mem_kib << " | " << log.boot->problems.size() << "\n";
  for (const auto& t : log.started) out << "start " << t << "\n";
  for (const auto& [t, e] : log.ended)
    out << "end " << t << " " << e.exit_code << " " << e.signal << " " << e.timed_out << " " << e.duration_s << " "
        << e.error << "\n";
  for (const auto& [t, output] : log.output)
    for (const auto& l : output.lines()) out << "out " << t << " " << l << "\n";
  for (const auto& [t, nonce] : log.begin_nonces) out << "marker " << t << " " << nonce << "\n";
  out << "done " << log.done << " garbage " << log.garbage_lines << " dropped " << log.dropped_output_lines << "\n";
  for (const auto& g : log.garbage_samples) out << "sample " << g << "\n";
  return out.str();
}

const std::vector<std::string> kRequested = {"kmod:0001", "kmod:0002", "kmod:0003"};

// A boot whose first requested test is running.
std::string running_0001() { return ev_boot() + ev_start("kmod:0001"); }

std::string transcript() {
  return ev_boot() + ev_start("kmod:0001") + ev_output("kmod:0001", "Test 0001 - modprobe of a missing module") +
         ev_output("kmod:0001", "OK") + ev_end("kmod:0001", 0, 0.25) + "\x01\x02 garbage in the middle\n" +
         ev_start("kmod:0002") + ev_output("kmod:0002", "FAIL: request_module returned -2") +
         ev_end("kmod:0002", 1, 3.5) + ev_done();
}

AgentLog parse_whole(std::string_view bytes) {
  AgentStream s(kRequested);
  s.feed(bytes);
  s.finish();
  return s.log();
}

TEST(AgentStream, ParsesACompleteTranscript) {
  const AgentLog log = parse_whole(transcript());
  ASSERT_TRUE(log.boot);
  EXPECT_EQ(log.boot->uname, "6.1.0-56-amd64");
  EXPECT_EQ(log.boot->kmod_version, "kmod version 30");
  EXPECT_EQ(log.boot->cpus, 2);
  EXPECT_EQ(log.boot->mem_kib, 983744);
  EXPECT_THAT(log.started, ElementsAre("kmod:0001", "kmod:0002"));
  ASSERT_EQ(log.ended.count("kmod:0002"), 1u);
  EXPECT_EQ(log.ended.at("kmod:0002").exit_code, 1);
  EXPECT_DOUBLE_EQ(log.ended.at("kmod:0002").duration_s, 3.5);
  EXPECT_TRUE(log.done);
  EXPECT_EQ(log.garbage_lines, 1u);
}

TEST(AgentStream, BootUptimesAreKeptOnlyWithinADay) {
  AgentStream good({});
  good.feed(ev_boot({{"agent_start_uptime_s", 2.5}, {"uptime_s", 3.25}}));
  ASSERT_TRUE(good.log().boot);
  EXPECT_DOUBLE_EQ(good.log().boot->agent_start_uptime_s, 2.5);
  EXPECT_DOUBLE_EQ(good.log().boot->uptime_s, 3.25);
  for (const nlohmann::json& bad : {nlohmann::json(-1), nlohmann::json(1e300), nlohmann::json("3"), nlohmann::json()}) {
    AgentStream s({});
    s.feed(ev_boot({{"agent_start_uptime_s", bad}, {"uptime_s", bad}}));
    ASSERT_TRUE(s.log().boot) << bad;
    EXPECT_EQ(s.log().boot->agent_start_uptime_s, -1) << bad;
    EXPECT_EQ(s.log().boot->uptime_s, -1) << bad;
  }
  AgentStream old({});  // an agent that predates the fields
  old.feed(ev_boot());
  EXPECT_EQ(old.log().boot->uptime_s, -1);
}

TEST(AgentStream, ByteAtATimeGivesTheSameLog) {
  const std::string bytes = transcript();
  AgentStream s(kRequested);
  for (char c : bytes) s.feed(std::string_view(&c, 1));
  s.finish();
  EXPECT_EQ(describe(s.log()), describe(parse_whole(bytes)));
}

TEST(AgentStream, RandomChunkBoundariesGiveTheSameLog) {
  const std::string bytes = transcript();
  const std::string expected = describe(parse_whole(bytes));
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    AgentStream s(kRequested);
    for (std::size_t pos = 0; pos < bytes.size();) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 40)(rng);
      s.feed(std::string_view(bytes).substr(pos, n));
      pos += n;
    }
    s.finish();
    EXPECT_EQ(describe(s.log()), expected) << "seed " << seed;
  }
}

TEST(AgentStream, FinishTreatsTrailingPartialLineAsComplete) {
  AgentStream s(kRequested);
  std::string done = ev_done();
  done.pop_back();  // no newline: the guest powered off mid-write
  s.feed(done);
  EXPECT_FALSE(s.log().done);
  s.finish();
  EXPECT_TRUE(s.log().done);
}

TEST(AgentStream, CrlfLinesAndBlankLinesAreNotGarbage) {
  std::string boot = ev_boot();
  boot.insert(boot.size() - 1, "\r");
  const AgentLog log = parse_whole("\n\r\n" + boot + "\n");
  EXPECT_TRUE(log.boot);
  EXPECT_EQ(log.garbage_lines, 0u);
}

struct GarbageCase {
  const char* name;
  std::string line;
  const char* reason;
};

// Keeps --gtest_list_tests from printing a 800 KB parameter.
void PrintTo(const GarbageCase& c, std::ostream* os) { *os << c.name; }

class AgentStreamGarbage : public ::testing::TestWithParam<GarbageCase> {};

TEST_P(AgentStreamGarbage, IsCountedAndSampledAndParsingGoesOn) {
  AgentStream s(kRequested);
  ASSERT_NO_THROW(s.feed(ev_boot() + GetParam().line + "\n" + ev_start("kmod:0001")));
  const AgentLog& log = s.log();
  EXPECT_EQ(log.garbage_lines, 1u);
  ASSERT_EQ(log.garbage_samples.size(), 1u);
  EXPECT_THAT(log.garbage_samples[0], StartsWith(GetParam().reason));
  EXPECT_THAT(log.started, ElementsAre("kmod:0001"));  // the next line still counts
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, AgentStreamGarbage,
    ::testing::Values(GarbageCase{"BinaryBytes", std::string("\x00\xff\xfe\x1b[2J\x7f", 8), "not a JSON object"},
                      GarbageCase{"TruncatedJson", R"({"v":1,"ev":"test-st)", "not a JSON object"},
                      GarbageCase{"JsonArray", R"([{"v":1,"ev":"done"}])", "not a JSON object"},
                      GarbageCase{"JsonString", R"("done")", "not a JSON object"},
                      GarbageCase{"WrongVersion", R"({"v":1,"ev":"done"})", "wrong protocol version"},
                      GarbageCase{"VersionAsString", R"({"v":"1","ev":"done"})", "wrong protocol version"},
                      GarbageCase{"NoVersion", R"({"ev":"done"})", "wrong protocol version"},
                      GarbageCase{"NoEventName", R"({"v":2,"test":"kmod:0001"})", "no event name"},
                      GarbageCase{"UnknownEvent", R"({"v":2,"ev":"reboot-now"})",
                                  "unknown, repeated, out-of-order or unrequested event"},
                      GarbageCase{"TestStartWithoutTest", R"({"v":2,"ev":"test-start"})",
                                  "unknown, repeated, out-of-order or unrequested event"},
                      GarbageCase{"TestIdNotAString", R"({"v":2,"ev":"test-end","test":7,"exit":0})",
                                  "unknown, repeated, out-of-order or unrequested event"},
                      GarbageCase{"DeeplyNestedArray", std::string(400000, '[') + std::string(400000, ']'),
                                  "not a JSON object"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(AgentStream, GarbageSampleIsSanitizedAndShort) {
  const AgentLog log = parse_whole(std::string("\x1b[31mred\x07") + std::string(500, 'z') + "\n");
  ASSERT_EQ(log.garbage_samples.size(), 1u);
  EXPECT_THAT(log.garbage_samples[0], StartsWith("not a JSON object: \\x1b[31mred\\x07zzz"));
  EXPECT_LT(log.garbage_samples[0].size(), 160u);
}

TEST(AgentStream, KeepsOnlyFiveGarbageSamplesButCountsAll) {
  std::string bytes;
  for (int i = 0; i < 12; ++i) bytes += "noise " + std::to_string(i) + "\n";
  const AgentLog log = parse_whole(bytes);
  EXPECT_EQ(log.garbage_lines, 12u);
  ASSERT_EQ(log.garbage_samples.size(), 5u);
  EXPECT_THAT(log.garbage_samples[4], HasSubstr("noise 4"));
}

TEST(AgentStream, TwoMebibyteLineWithoutNewlineIsOneGarbageLine) {
  AgentStream s(kRequested);
  const std::string chunk(64 << 10, 'x');
  for (int i = 0; i < 32; ++i) s.feed(chunk);  // 2 MiB, never a newline
  EXPECT_EQ(s.log().garbage_lines, 0u);        // undecided until the line ends
  s.finish();
  EXPECT_EQ(s.log().garbage_lines, 1u);
  ASSERT_EQ(s.log().garbage_samples.size(), 1u);
  EXPECT_THAT(s.log().garbage_samples[0], StartsWith("line longer than 1 MiB: xxxx"));
}

TEST(AgentStream, EventAfterAnOverlongLineIsParsed) {
  AgentStream s(kRequested);
  s.feed(std::string(2 << 20, '{'));
  s.feed("\n" + ev_done());
  EXPECT_EQ(s.log().garbage_lines, 1u);
  EXPECT_TRUE(s.log().done);
}

TEST(AgentStream, RunningTestIsTheLastStartedThatHasNotEnded) {
  AgentStream s(kRequested);
  EXPECT_EQ(s.log().running_test(), std::nullopt);
  s.feed(ev_boot() + ev_start("kmod:0001"));
  EXPECT_EQ(s.log().running_test(), "kmod:0001");
  s.feed(ev_end("kmod:0001", 0) + ev_start("kmod:0002"));
  EXPECT_EQ(s.log().running_test(), "kmod:0002");
  s.feed(ev_end("kmod:0002", 1));
  EXPECT_EQ(s.log().running_test(), std::nullopt);
}

TEST(AgentStream, OutputIsKeptPerTestInOrder) {
  const AgentLog log = parse_whole(running_0001() + ev_output("kmod:0001", "first") + ev_output("kmod:0001", "second") +
                                   ev_end("kmod:0001", 0) + ev_start("kmod:0002") + ev_output("kmod:0002", "other"));
  EXPECT_THAT(log.output_lines("kmod:0001"), ElementsAre("first", "second"));
  EXPECT_THAT(log.output_lines("kmod:0002"), ElementsAre("other"));
}

TEST(AgentStream, OutputBeyondTheKeptBudgetKeepsTheLastLinesOfEachTest) {
  AgentLimits limits;
  limits.max_kept_output_bytes = 10 * (100 + AgentLimits::kLineOverheadBytes);
  limits.tail_lines_per_test = 3;
  AgentStream s(kRequested, limits);
  s.feed(running_0001());
  for (int i = 0; i < 20; ++i) s.feed(ev_output("kmod:0001", std::to_string(i) + std::string(98, 'o')));
  const TestOutput& out = s.log().output.at("kmod:0001");
  EXPECT_EQ(out.head.size(), 10u);
  EXPECT_EQ(out.tail.size(), 3u);
  EXPECT_TRUE(out.tail.back().starts_with("19"));
  EXPECT_EQ(out.dropped, 7u);
  EXPECT_EQ(s.log().dropped_output_lines, 7u);
  EXPECT_EQ(s.log().garbage_lines, 0u);
  EXPECT_THAT(s.log().output_lines("kmod:0001")[10], HasSubstr("7 output lines dropped"));
}

TEST(AgentStream, TestEndCarriesSignalTimeoutAndSanitizedError) {
  const AgentLog log = parse_whole(running_0001() + agent_line({{"ev", "test-end"},
                                                                {"test", "kmod:0001"},
                                                                {"exit", -1},
                                                                {"signal", 9},
                                                                {"timed_out", true},
                                                                {"duration_s", 900.5},
                                                                {"error", "bad\x1b"}}));
  const TestEndInfo& end = log.ended.at("kmod:0001");
  EXPECT_EQ(end.signal, 9);
  EXPECT_TRUE(end.timed_out);
  EXPECT_DOUBLE_EQ(end.duration_s, 900.5);
  EXPECT_EQ(end.error, "bad\\x1b");
}

TEST(AgentStream, MissingOrMistypedTestEndFieldsFallBackToDefaults) {
  const AgentLog log = parse_whole(
      running_0001() + agent_line({{"ev", "test-end"}, {"test", "kmod:0001"}, {"exit", "zero"}, {"timed_out", "yes"}}));
  const TestEndInfo& end = log.ended.at("kmod:0001");
  EXPECT_EQ(end.exit_code, -1);
  EXPECT_FALSE(end.timed_out);
  EXPECT_EQ(end.signal, 0);
}

TEST(AgentStream, OutOfRangeNumbersFallBackToDefaults) {
  const AgentLog log =
      parse_whole(agent_line({{"ev", "boot"}, {"cpus", 1e300}, {"mem_kib", -1e19}}) + ev_start("kmod:0001") +
                  agent_line({{"ev", "test-end"}, {"test", "kmod:0001"}, {"exit", 1e300}, {"signal", 4294967296.0}}));
  ASSERT_TRUE(log.boot);
  EXPECT_EQ(log.boot->cpus, 0);
  EXPECT_EQ(log.boot->mem_kib, 0);
  EXPECT_EQ(log.ended.at("kmod:0001").exit_code, -1);
  EXPECT_EQ(log.ended.at("kmod:0001").signal, 0);
}

TEST(AgentStream, HugeVersionIsWrongVersion) {
  const AgentLog log = parse_whole(R"({"v":2e300,"ev":"done"})"
                                   "\n");
  EXPECT_FALSE(log.done);
  EXPECT_EQ(log.garbage_lines, 1u);
}

TEST(AgentStream, BootFieldsFromTheGuestAreSanitized) {
  const AgentLog log =
      parse_whole(agent_line({{"ev", "boot"}, {"uname", "6.1\x1b[2J"}, {"problems", {"mount debugfs: \x01", 42}}}));
  ASSERT_TRUE(log.boot);
  EXPECT_EQ(log.boot->uname, "6.1\\x1b[2J");
  EXPECT_THAT(log.boot->problems, ElementsAre("mount debugfs: \\x01"));
}

// Issue 14: 5 million empty output lines were all kept (548 MB RSS): the
// budget counted text bytes only. Each kept line now costs its overhead too.
TEST(AgentStream, MillionsOfEmptyOutputLinesStayWithinTheBudget) {
  AgentStream s(kRequested);
  s.feed(running_0001());
  const std::string empty = ev_output("kmod:0001", "");
  std::string batch;
  for (int i = 0; i < 10000; ++i) batch += empty;
  for (int i = 0; i < 50; ++i) s.feed(batch);  // 500k lines
  const TestOutput& out = s.log().output.at("kmod:0001");
  EXPECT_LE(out.head.size() * AgentLimits::kLineOverheadBytes, AgentLimits{}.max_kept_output_bytes);
  EXPECT_LE(out.head.size(), AgentLimits{}.max_kept_output_lines);
  EXPECT_EQ(out.tail.size(), AgentLimits{}.tail_lines_per_test);
  EXPECT_EQ(out.head.size() + out.tail.size() + out.dropped, 500000u);
}

// Issue 14: 100k test-start/test-end events for ids the host never asked
// for were all kept (161 MB). They are garbage now, and cost a counter.
TEST(AgentStream, EventsForTestsTheHostDidNotRequestAreGarbage) {
  AgentStream s(kRequested);
  s.feed(ev_boot());
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "evil:" + std::to_string(i);
    s.feed(ev_start(id) + ev_output(id, "x") + ev_end(id, 0));
  }
  EXPECT_TRUE(s.log().started.empty());
  EXPECT_TRUE(s.log().ended.empty());
  EXPECT_TRUE(s.log().output.empty());
  EXPECT_TRUE(s.log().begin_nonces.empty());
  EXPECT_EQ(s.log().garbage_lines, 4000u);
  EXPECT_EQ(s.log().garbage_samples.size(), 5u);
}

// The agent runs the requested tests in order, one at a time: a guest that
// restarts tests, skips ahead or talks about a test that is not running
// cannot reset the host's per-test clock or muddle the record.
TEST(AgentStream, OnlyTheNextRequestedTestMayStartAndOnlyTheRunningOneReports) {
  AgentStream s(kRequested);
  s.feed(ev_start("kmod:0001"));                          // before boot
  s.feed(ev_boot() + ev_start("kmod:0002"));              // out of order
  s.feed(ev_start("kmod:0001") + ev_start("kmod:0001"));  // twice
  s.feed(ev_output("kmod:0002", "not running") + ev_end("kmod:0002", 0));
  s.feed(ev_end("kmod:0001", 1) + ev_end("kmod:0001", 0));  // ends twice
  s.feed(ev_output("kmod:0001", "after its end") + ev_start("kmod:0001"));
  EXPECT_THAT(s.log().started, ElementsAre("kmod:0001"));
  EXPECT_EQ(s.log().ended.at("kmod:0001").exit_code, 1);
  EXPECT_TRUE(s.log().output.empty());
  EXPECT_EQ(s.log().garbage_lines, 12u);  // ev_start() is two lines: test-start and its marker
}

TEST(AgentStream, KeepsTheFirstBeginMarkerNonceOfTheRunningTest) {
  AgentStream s(kRequested);
  s.feed(running_0001() + ev_marker("kmod:0001", "begin", "ffffffffffffffff") + ev_marker("kmod:0001", "begin", "XYZ") +
         ev_marker("kmod:0002", "begin", "0000000000000000") + ev_marker("kmod:0001", "end", "1111111111111111"));
  EXPECT_EQ(s.log().begin_nonces.at("kmod:0001"), test_nonce("kmod:0001"));
  EXPECT_EQ(s.log().begin_nonces.size(), 1u);
  EXPECT_EQ(s.log().garbage_lines, 3u);
}

// Issue 14: duration_s 1e300 with timed_out became "-2147483648 s limit"
// through an undefined conversion. The parser keeps durations finite.
TEST(AgentStream, ExtremeDurationsAreClamped) {
  for (const double d : {1e300, -5.0}) {
    const AgentLog log =
        parse_whole(running_0001() +
                    agent_line({{"ev", "test-end"}, {"test", "kmod:0001"}, {"timed_out", true}, {"duration_s", d}}));
    const double kept = log.ended.at("kmod:0001").duration_s;
    EXPECT_GE(kept, 0);
    EXPECT_LE(kept, AgentStream::kMaxDurationS);
  }
}

TEST(AgentStream, OutputLinesAreCutToTheProtocolLength) {
  const AgentLog log = parse_whole(running_0001() + ev_output("kmod:0001", std::string(100000, 'y')));
  EXPECT_EQ(log.output.at("kmod:0001").head.at(0).size(), protocol::kMaxOutputLine);
}

TEST(SanitizeGuestText, EscapesControlAndHighBytes) {
  EXPECT_EQ(sanitize_guest_text(std::string("a\x01"
                                            "b\x7f"
                                            "c\xff",
                                            6)),
            "a\\x01b\\x7fc\\xff");
}

TEST(SanitizeGuestText, TabBecomesSpaceAndLineBreaksVanish) {
  EXPECT_EQ(sanitize_guest_text("one\ttwo\r\nthree\n"), "one twothree");
}

TEST(SanitizeGuestText, CutsAtMaxLenAndMarksTheCut) {
  EXPECT_EQ(sanitize_guest_text(std::string(1000, 'a')), std::string(300, 'a') + "...");
  EXPECT_EQ(sanitize_guest_text("abcdef", 3), "abc...");
  EXPECT_EQ(sanitize_guest_text("abc", 3), "abc");
}

TEST(AgentStream, ModprobeConfigIsKeptBoundedWithItsSearchedDirs) {
  nlohmann::json dirs = nlohmann::json::array({"/etc/modprobe.d", "/run/modprobe.d\x1b[2J"});
  for (int i = 0; i < 40; ++i) dirs.push_back("/x" + std::to_string(i));
  const AgentLog log = parse_whole(ev_boot(
      {{"modprobe_config",
        {{"available", true}, {"searched_dirs", dirs}, {"dump", std::string(300 * 1024, 'a')}, {"bytes", 307200}}}}));
  ASSERT_TRUE(log.boot && log.boot->modprobe_config);
  const auto& config = *log.boot->modprobe_config;
  EXPECT_TRUE(config.available);
  EXPECT_EQ(config.dump.size(), kMaxModprobeConfigBytes);
  EXPECT_EQ(config.bytes, 307200u);
  ASSERT_EQ(config.searched_dirs.size(), 16u);
  EXPECT_EQ(config.searched_dirs[0], "/etc/modprobe.d");
  EXPECT_THAT(config.searched_dirs[1], ::testing::Not(HasSubstr("\x1b")));
}

TEST(AgentStream, AgentWithoutConfigProbeLeavesItUnset) {
  const AgentLog log = parse_whole(ev_boot() + ev_boot({{"modprobe_config", "not an object"}}));
  ASSERT_TRUE(log.boot);
  EXPECT_FALSE(log.boot->modprobe_config);
}

}  // namespace
}  // namespace kmx

namespace kmx {
namespace {

AgentLog log_of(const std::string& agent, std::vector<std::string> tests = {"kmod:0001", "kmod:0002"}) {
  AgentStream stream(std::move(tests));
  stream.feed(agent);
  stream.finish();
  return stream.log();
}

TEST(AgentStreamSamples, ALongTestKeepsABoundedEvenCurveAndTrueExtremes) {
  std::string agent = ev_boot() + ev_start("kmod:0001");
  for (int i = 0; i < 5000; ++i) agent += ev_sample("kmod:0001", i, i == 4321 ? 7 : 100000 + i, 0, i == 17 ? 900 : 5);
  const AgentLog log = log_of(agent);
  const MemoryTrace& trace = log.memory.at("kmod:0001");
  EXPECT_LT(trace.samples.size(), MemoryTrace::kMaxSamples);
  EXPECT_GT(trace.samples.size(), MemoryTrace::kMaxSamples / 2 - 10);
  EXPECT_EQ(trace.samples.front().t, 0);
  const double step = trace.samples[1].t - trace.samples[0].t;
  for (std::size_t i = 1; i < trace.samples.size(); ++i) EXPECT_EQ(trace.samples[i].t - trace.samples[i - 1].t, step);
  EXPECT_EQ(trace.min_available_kib, 7);
  EXPECT_EQ(trace.peak_processes, 900);
}

TEST(AgentStreamSamples, HostileFiguresBecomeUnknown) {
  const AgentLog log = log_of(ev_boot() + ev_start("kmod:0001") +
                              agent_line({{"ev", "sample"},
                                          {"test", "kmod:0001"},
                                          {"t", -5},
                                          {"avail", 1e300},
                                          {"slab", "many"},
                                          {"oom_kills", -3},
                                          {"procs", 12}}));
  const MemorySample& s = log.memory.at("kmod:0001").samples.at(0);
  EXPECT_EQ(s.t, 0);
  EXPECT_EQ(s.available_kib, -1);
  EXPECT_EQ(s.slab_kib, -1);
  EXPECT_EQ(s.oom_kills, -1);
  EXPECT_EQ(s.processes, 12);
}

TEST(AgentStreamSamples, SamplesOfATestNotRunningAreGarbage) {
  const AgentLog log = log_of(ev_boot() + ev_start("kmod:0001") + ev_sample("kmod:0002", 1, 5));
  EXPECT_FALSE(log.memory.count("kmod:0002"));
  EXPECT_EQ(log.garbage_lines, 1u);
}

TEST(AgentStreamSamples, AGrowingOomKillCountMarksTheFirstKill) {
  const AgentLog log = log_of(ev_boot() + ev_start("kmod:0001") + ev_sample("kmod:0001", 0, 5, 2) +
                              ev_sample("kmod:0001", 1, 5, 2) + ev_sample("kmod:0001", 2, 5, 3));
  EXPECT_TRUE(log.memory.at("kmod:0001").oom_killed());
  EXPECT_EQ(log.memory.at("kmod:0001").first_oom_kill_t, 2);
}

TEST(AgentStreamHangDump, OnePerTestAndBounded) {
  const std::string big(3 * protocol::kMaxHangDumpBytes, 'x');
  const AgentLog log = log_of(ev_boot() + ev_start("kmod:0001") +
                              agent_line({{"ev", "hang-dump"}, {"test", "kmod:0001"}, {"text", big}}) +
                              agent_line({{"ev", "hang-dump"}, {"test", "kmod:0001"}, {"text", "second"}}));
  EXPECT_EQ(log.hang_dumps.at("kmod:0001").size(), protocol::kMaxHangDumpBytes);
  EXPECT_EQ(log.garbage_lines, 1u);
}

TEST(AgentStreamRounds, CountsOnlyKmodShRoundsInOrder) {
  const AgentLog log = log_of(ev_boot() + ev_start("kmod:0001") + ev_round("kmod:0001", 0) + ev_round("kmod:0001", 2) +
                              ev_round("kmod:0001", 1) + ev_round("kmod:0001", 1));
  EXPECT_EQ(log.rounds_started.at("kmod:0001"), 2);
}

}  // namespace
}  // namespace kmx
