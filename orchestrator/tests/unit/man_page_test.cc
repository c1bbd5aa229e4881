// cli/man_page: kmod-matrix(1) is walked from the command table, so every
// command and option --help shows is on the page, and nothing hidden is.
#include "cli/man_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/command.h"
#include "command_line.h"
#include "fakes.h"
#include "os/files.h"
#include "os/process_runner.h"

namespace kmx {
namespace {

using kmx::testing::CommandTableApp;
using ::testing::HasSubstr;
using ::testing::Not;

// The app as main.cc builds it: every command from the table, the exit codes below.
TEST(ManPage, HasASectionPerCommandTheHelpShowsAndNoneForHiddenOnes) {
  CommandTableApp table;
  const std::string page = render_man_page(table.app(), {"0.1.0", "2026-12-06"});
  for (const auto& c : commands()) {
    const std::string heading = ".SS " + roff_escape(c.name) + "\n";
    if (std::string_view(c.name) == "generate")
      EXPECT_THAT(page, Not(HasSubstr(heading)));
    else
      EXPECT_THAT(page, HasSubstr(heading)) << c.name;
  }
  EXPECT_THAT(page, HasSubstr(".TH KMOD\\-MATRIX 1 \"2026-12-06\" \"kmod\\-matrix 0.1.0\""));
  EXPECT_THAT(page, HasSubstr("kmod\\-matrix \\- regression tests for the Linux module loader across a VM matrix"));
}

TEST(ManPage, OptionsCarryEverySpellingTheirValueAndDefault) {
  CommandTableApp table;
  const std::string page = render_man_page(table.app(), {"0.1.0", ""});
  EXPECT_THAT(page, HasSubstr(".TP\n\\fB\\-j,\\-\\-jobs\\fR \\fIINT"));
  EXPECT_THAT(page, HasSubstr("(default: 1)"));
  // run's matrix is a positional argument in its synopsis.
  EXPECT_THAT(page, HasSubstr("\\fBkmod\\-matrix run\\fR [\\fImatrix\\fR] [\\fIoptions\\fR]"));
  // report's --format is required.
  EXPECT_THAT(page, HasSubstr("(required)"));
  // A command's own footer (bisect's exit statuses) follows its options, line by line; the app's,
  // which every command would inherit, is only in EXIT STATUS.
  EXPECT_THAT(page, HasSubstr(".PP\nExit status:\n\\&  0    the first new commit was found\n"));
  const std::string app_only = "compare: regressions, missing or vanished work";
  EXPECT_NE(page.find(app_only), std::string::npos);
  EXPECT_EQ(page.find(app_only), page.rfind(app_only));
}

TEST(ManPage, ExitStatusesComeFromTheAppsFooter) {
  CommandTableApp table;
  const std::string page = render_man_page(table.app(), {"0.1.0", ""});
  EXPECT_THAT(page, HasSubstr(".SH \"EXIT STATUS\"\n.TP\n.B 0\nevery verdict as expected\n"));
  // A meaning that continues on the next line stays one entry.
  EXPECT_THAT(page, HasSubstr(".B 3\nthe only unexpected verdicts are ERROR (a VM would not start, an image could not "
                              "be built), or results could not be written"));
  EXPECT_THAT(page, HasSubstr(".B 130\n"));
}

TEST(ManPage, RoffEscapeKeepsTextLiteral) {
  EXPECT_EQ(roff_escape("--gc"), "\\-\\-gc");
  EXPECT_EQ(roff_escape("a\\b"), "a\\eb");
  EXPECT_EQ(roff_escape(".hidden request"), "\\&.hidden request");
  EXPECT_EQ(roff_escape("one\n'two"), "one\n\\&'two");
}

// man(1) formats it without a warning (lintian runs the same check).
TEST(IntegrationManPage, ManFormatsItWithoutWarnings) {
  CommandTableApp table;
  kmx::testing::ScratchDir dir;
  write_file_atomically(dir.path() / "kmod-matrix.1", render_man_page(table.app(), {"0.1.0", "2026-12-06"}));
  BoostProcessRunner runner;
  const std::vector<std::string> argv = {"man", "--warnings", "-E", "UTF-8",
                                         "-l",  "-Tutf8",     "-Z", (dir.path() / "kmod-matrix.1").string()};
  const ProcessResult r = runner.run(argv, {.env = {{"LC_ALL", "C.UTF-8"}}});
  ASSERT_EQ(r.exit_code, 0) << r.describe(argv);
  EXPECT_THAT(r.output, Not(HasSubstr("warning"))) << r.output.substr(0, 2000);
}

}  // namespace
}  // namespace kmx
