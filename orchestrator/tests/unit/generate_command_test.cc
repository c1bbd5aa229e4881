// cli/generate_command: the build's way to write kmod-matrix(1) and the
// bash completion; hidden from --help.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace kmx::testing;

TEST(GenerateCommand, WritesTheManPageAndTheCompletionToFiles) {
  ScratchDir dir;
  const auto page = dir.path() / "kmod-matrix.1";
  const auto completion = dir.path() / "kmod-matrix";
  EXPECT_EQ(run_command_line({"generate", "man", "-o", page.string()}), kExitOk);
  EXPECT_EQ(run_command_line({"generate", "bash-completion", "--output", completion.string()}), kExitOk);
  EXPECT_THAT(read_file(page), HasSubstr(".TH KMOD\\-MATRIX 1"));
  EXPECT_THAT(read_file(page), HasSubstr(".SS setup\\-host\n"));
  EXPECT_THAT(read_file(completion), HasSubstr("complete -o default -F _kmod_matrix kmod-matrix"));
}

TEST(GenerateCommand, TakesOnlyWhatItKnows) {
  EXPECT_THAT(error_of({"generate", "html"}), HasSubstr("html not in {man,bash-completion}"));
  EXPECT_THAT(error_of({"generate"}), HasSubstr("what is required"));
}

TEST(GenerateCommand, IsHiddenFromTheHelp) {
  CommandTableApp table;
  EXPECT_THAT(table.app().help("", CLI::AppFormatMode::All), Not(HasSubstr("generate")));
  EXPECT_THAT(table.app().help("", CLI::AppFormatMode::All), HasSubstr("setup-host"));
}

}  // namespace
}  // namespace kmx
