// results/report_context: bounded test logs and markup escaping shared by
// the report renderers.
#include "results/report_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "fakes.h"
#include "os/files.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

TEST(EscapeMarkup, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_markup("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST(EscapeMarkup, DropsCharactersXmlForbidsAndKeepsWhitespace) {
  EXPECT_EQ(escape_markup(std::string("a\x01\x1b[0mb\tc\nd\re\0f", 15)), "a[0mb\tc\nd\ref");
  EXPECT_EQ(escape_markup("x\xEF\xBF\xBEy\xEF\xBF\xBFz"), "xyz");  // U+FFFE, U+FFFF
}

// Found by fuzz_reports: a matrix named "sm\x7fke" put a raw DEL into JUnit and HTML.
TEST(EscapeMarkup, DropsDelAndTheC1Controls) {
  EXPECT_EQ(escape_markup("sm\x7F"
                          "ke"),
            "smke");
  // U+0080, U+0085 and U+009F go; U+00A0 (no-break space) stays.
  EXPECT_EQ(escape_markup("a\xC2\x80"
                          "b\xC2\x85"
                          "c\xC2\x9F"
                          "d\xC2\xA0"
                          "e"),
            "abcd\xC2\xA0"
            "e");
}

TEST(EscapeMarkup, ReplacesInvalidUtf8AndKeepsValid) {
  EXPECT_EQ(escape_markup("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(escape_markup("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(escape_markup("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(escape_markup("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(escape_markup("trunc\xE2\x82"), "trunc\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Shorten, CutsAtACharacterBoundary) {
  EXPECT_EQ(shorten("short", 10), "short");
  EXPECT_EQ(shorten("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9...");
}

TEST(ReadTestLog, SmallLogWhole) {
  ScratchDir dir;
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  write_file_atomically(dir.path() / t.log, "line 1\nline 2\n");
  EXPECT_EQ(read_test_log({dir.path(), nullptr}, t), "line 1\nline 2\n");
}

TEST(ReadTestLog, LargeLogKeepsItsTailAndSaysSo) {
  ScratchDir dir;
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  write_file_atomically(dir.path() / t.log, std::string(100000, 'x') + "the end\n");
  ReportContext context{dir.path(), nullptr, 1000};
  const std::string log = read_test_log(context, t);
  EXPECT_LT(log.size(), 1200u);
  EXPECT_THAT(log, HasSubstr("bytes of cells/kmod:0001.log left out"));
  EXPECT_TRUE(log.ends_with("the end\n"));
}

TEST(ReadTestLog, MissingLogOrRunDirIsEmpty) {
  ScratchDir dir;
  EXPECT_EQ(read_test_log({dir.path(), nullptr}, sample_test("kmod:0001", Verdict::kFail)), "");
  EXPECT_EQ(read_test_log({}, sample_test("kmod:0001", Verdict::kFail)), "");
}

// Issue 25: a test's log comes from a results.json, which may be crafted.
TEST(ReadTestLog, OnlyAFileInsideTheRunDirectoryIsRead) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "outside/secret", "private key\n");
  std::filesystem::create_directories(dir.path() / "run/cells");
  std::filesystem::create_symlink(dir.path() / "outside/secret", dir.path() / "run/cells/kmod:0001.log");
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  const ReportContext context{dir.path() / "run", nullptr};
  EXPECT_EQ(read_test_log(context, t), "");  // cells/kmod:0001.log is a symlink out
  for (const std::string& log :
       std::vector<std::string>{"../outside/secret", (dir.path() / "outside/secret").string(), "/etc/hostname"}) {
    t.log = log;
    EXPECT_EQ(read_test_log(context, t), "") << log;
  }
}

TEST(LogHref, ALinkIsARelativePathInsideTheRunOrNothing) {
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  const ReportContext context{"", nullptr, 1024, "../results/run-1"};
  EXPECT_EQ(log_href(context, t), "../results/run-1/cells/kmod:0001.log");
  for (const char* log : {"javascript:alert(7)", "/etc/passwd", "../../x", "https://example.org/x"}) {
    t.log = log;
    EXPECT_EQ(log_href(context, t), "") << log;
  }
}

TEST(OneLineText, EscapesEveryLineBreakAndControlAndKeepsValidText) {
  EXPECT_EQ(one_line_text("caf\xC3\xA9 ok"), "caf\xC3\xA9 ok");
  EXPECT_EQ(one_line_text(std::string("a\0b\x1b[2J\vc\fd\ne\rf\x7f", 16)),
            "a\\x00b\\x1b[2J\\x0bc\\x0cd\\x0ae\\x0df\\x7f");
  EXPECT_EQ(one_line_text("a\tb"), "a b");
  EXPECT_EQ(one_line_text("x\xC2\x85y"), "x\\u0085y");                         // NEL
  EXPECT_EQ(one_line_text("x\xE2\x80\xA8y\xE2\x80\xA9"), "x\\u2028y\\u2029");  // line, paragraph separator
  EXPECT_EQ(one_line_text("a\xFF\xC0\xAF"), "a\\xff\\xc0\\xaf");               // not UTF-8
  EXPECT_EQ(one_line_text(std::string(10, 'x'), 4), "xxxx...");
}

// The site's copy of a report links only the files it copied.
TEST(RunFileHref, WithALinkableSetOnlyThoseFilesAreLinked) {
  const std::set<std::string> copied = {"cells/a/console.log"};
  ReportContext context;
  context.linkable = &copied;
  EXPECT_EQ(run_file_href(context, "cells/a/console.log"), "cells/a/console.log");
  EXPECT_EQ(run_file_href(context, "cells/a/agent.log"), "");
  context.linkable = nullptr;
  EXPECT_EQ(run_file_href(context, "cells/a/agent.log"), "cells/a/agent.log");
}

}  // namespace
}  // namespace kmx
