// cli/commands: the command table behind kmod-matrix's subcommands.
#include "cli/command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace kmx {
namespace {

using ::testing::ElementsAre;

TEST(Commands, TableListsEveryCommandOnceWithHelp) {
  std::vector<std::string> names;
  for (const auto& c : commands()) {
    names.push_back(c.name);
    EXPECT_STRNE(c.help, "") << c.name;
    EXPECT_NE(c.setup, nullptr) << c.name;
  }
  EXPECT_THAT(names, ElementsAre("run", "check", "cache", "cleanup"));
}

TEST(Commands, SharedOptionsBindToTheContextOptions) {
  CLI::App app;
  ContextOptions shared;
  for (const auto& c : commands()) c.setup(*app.add_subcommand(c.name, c.help), shared);
  app.parse(std::vector<std::string>{"/var/kmx", "--cache", "tcg", "--accel", "run"});  // CLI11 parses reversed
  EXPECT_EQ(shared.cache, "/var/kmx");
  EXPECT_EQ(shared.connect, "qemu:///system");
}

TEST(Commands, CheckRequiresAMatrix) {
  CLI::App app;
  ContextOptions shared;
  for (const auto& c : commands()) c.setup(*app.add_subcommand(c.name, c.help), shared);
  EXPECT_THROW(app.parse(std::vector<std::string>{"check"}), CLI::RequiredError);
}

}  // namespace
}  // namespace kmx
