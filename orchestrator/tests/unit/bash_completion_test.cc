// cli/bash_completion: commands, then each command's options, from the same
// table --help shows; checked in bash itself.
#include "cli/bash_completion.h"

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

TEST(BashCompletion, ListsTheVisibleCommandsAndEachOnesOptions) {
  CommandTableApp table;
  const std::string script = render_bash_completion(table.app());
  EXPECT_THAT(script, HasSubstr("compgen -W \"run check cache"));
  EXPECT_THAT(script, HasSubstr("setup-host"));
  EXPECT_THAT(script, Not(HasSubstr("generate)")));  // hidden
  EXPECT_THAT(script, HasSubstr("    run) options=\"--help -h --resume --results"));
  EXPECT_THAT(script, HasSubstr("--jobs -j"));
  EXPECT_THAT(script, HasSubstr("complete -o default -F _kmod_matrix kmod-matrix\n"));
}

// What bash offers after sourcing the script, for COMP_WORDS typed so far.
std::string completions(const std::filesystem::path& script, const std::string& words) {
  BoostProcessRunner runner;
  const std::string code = "source " + script.string() + "; COMP_WORDS=(" + words +
                           "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _kmod_matrix; echo \"${COMPREPLY[*]}\"";
  const std::vector<std::string> argv = {"bash", "-c", code};
  const ProcessResult r = runner.run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.describe(argv);
  return r.output;
}

TEST(IntegrationBashCompletion, BashCompletesCommandsThenTheirOptions) {
  CommandTableApp table;
  kmx::testing::ScratchDir dir;
  const auto script = dir.path() / "kmod-matrix";
  write_file_atomically(script, render_bash_completion(table.app()));
  EXPECT_EQ(completions(script, "kmod-matrix se"), "setup-host\n");
  EXPECT_EQ(completions(script, "kmod-matrix ge"), "\n");
  EXPECT_EQ(completions(script, "kmod-matrix run --re"), "--resume --results --report\n");
  EXPECT_EQ(completions(script, "kmod-matrix setup-host --"), "--help --undo\n");
  EXPECT_EQ(completions(script, "kmod-matrix run smo"), "\n");  // file names: bash's default
}

}  // namespace
}  // namespace kmx
