// cli/site_command: `kmod-matrix site` parsed from its command line, its
// output and exit statuses over a history.db in a scratch --results.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "os/files.h"
#include "sample_site.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;
using ::testing::HasSubstr;

class SiteCommand : public ::testing::Test {
 protected:
  std::string r() const { return (dir_.path() / "results").string(); }
  std::string o() const { return (dir_.path() / "site").string(); }

  // Runs the command line with stdout and stderr captured.
  int run(std::vector<std::string> args) {
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int code = run_command_line(std::move(args));
    out_ = ::testing::internal::GetCapturedStdout();
    err_ = ::testing::internal::GetCapturedStderr();
    return code;
  }

  ScratchDir dir_;
  std::string out_, err_;
};

TEST_F(SiteCommand, WritesTheSiteAndSaysWhatItHolds) {
  record_four_nights(dir_.path() / "results");
  EXPECT_EQ(run({"site", "--results", r(), "-o", o(), "--last", "3"}), kExitOk) << err_;
  EXPECT_EQ(out_, o() +
                      "/index.html: matrix nightly, 3 nights; reports: 3 with logs, 0 from history.db, 0 kept from "
                      "the last site; 0 older nights removed\n");
  EXPECT_TRUE(fs::is_regular_file(dir_.path() / "site/n4/report.html"));
  EXPECT_FALSE(fs::exists(dir_.path() / "site/n1"));
}

TEST_F(SiteCommand, WhatWasLeftOutGoesToStderr) {
  record_four_nights(dir_.path() / "results");
  fs::remove(dir_.path() / "results/n4/cells/debian-6.1.kmod-30.1cpu.512M/boot-1/agent.log");
  EXPECT_EQ(run({"site", "--results", r(), "-o", o()}), kExitOk);
  EXPECT_THAT(err_, HasSubstr("site: left out n4: cells/debian-6.1.kmod-30.1cpu.512M/boot-1/agent.log: missing"));
}

TEST_F(SiteCommand, BadInputExitsTwoNamingTheFix) {
  EXPECT_EQ(run({"site", "--results", r(), "-o", o()}), kExitBadInput);
  EXPECT_THAT(err_, HasSubstr("kmod-matrix: no " + r() + "/history.db\n  fix: "));
  record_four_nights(dir_.path() / "results");
  EXPECT_EQ(run({"site", "--results", r(), "-o", o(), "--matrix", "smoke"}), kExitBadInput);
  EXPECT_THAT(err_, HasSubstr("no run of matrix 'smoke'"));
  EXPECT_THAT(err_, HasSubstr("fix: --matrix one of nightly"));
  EXPECT_EQ(run({"site", "--results", r(), "-o", r() + "/history.db"}), kExitBadInput);
  EXPECT_THAT(err_, HasSubstr("is not a directory"));
  EXPECT_EQ(run({"site", "--results", r(), "-o", o(), "--last", "0"}), kExitBadInput);
  EXPECT_THAT(error_of({"site", "--results", r()}), HasSubstr("--output is required"));
}

}  // namespace
}  // namespace kmx
