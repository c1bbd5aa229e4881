// results/site_night: one night's directory of the site, its report and the
// logs copied out of a run directory read as crafted input.
#include "reports/site_night.h"

#include <fcntl.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"
#include "sample_site.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kConsole = "cells/debian-6.1.kmod-30.1cpu.512M/boot-1/console.log";

class SiteNightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_sample_run_dir(run_, results());
    fs::create_directories(night());
  }
  fs::path results() const { return dir_.path() / "results"; }
  fs::path run_dir() const { return results() / "n1"; }
  fs::path night() const { return dir_.path() / "site" / "n1"; }
  CopiedFiles copy(const SiteLimits& limits = {}) { return copy_linked_files(run_, run_dir(), night(), limits); }

  ScratchDir dir_;
  RunResult run_ = sample_night("n1", 20, false);
};

TEST_F(SiteNightTest, EveryLinkedLogIsCopiedUnderItsOwnPath) {
  const CopiedFiles files = copy();
  EXPECT_THAT(files.left_out, IsEmpty());
  EXPECT_EQ(files.copied, html_linked_files(run_));
  EXPECT_EQ(read_file(night() / kConsole), kConsole + ": a line of log\n");
  EXPECT_TRUE(fs::is_regular_file(night() / "cells/debian-6.1.kmod-30.1cpu.512M/tests/kmod-0009.hang.txt"));
}

// Issue 29: the site copies from run directories a CI job unpacked; a
// symlink there must not carry /etc or another job's files into the site.
TEST_F(SiteNightTest, ALogThatIsASymlinkIsNotFollowed) {
  fs::remove(run_dir() / kConsole);
  write_file_atomically(dir_.path() / "secret", "root:x:0:0\n");
  fs::create_symlink(dir_.path() / "secret", run_dir() / kConsole);
  // A directory on the way that is a symlink counts the same.
  const fs::path cell2 = run_dir() / "cells/debian-6.12.kmod-30.2cpu.1024M";
  fs::rename(cell2, dir_.path() / "elsewhere");
  fs::create_directory_symlink(dir_.path() / "elsewhere", cell2);
  const CopiedFiles files = copy();
  EXPECT_FALSE(files.copied.contains(kConsole));
  EXPECT_FALSE(files.copied.contains("cells/debian-6.12.kmod-30.2cpu.1024M/boot-1/console.log"));
  EXPECT_FALSE(fs::exists(night() / kConsole));
  EXPECT_FALSE(fs::exists(night() / "cells/debian-6.12.kmod-30.2cpu.1024M"));
  EXPECT_THAT(files.left_out, Contains(kConsole + ": missing, not a regular file, or reached through a symbolic link"));
}

TEST_F(SiteNightTest, APathThatLeavesTheRunOrIsNoLogIsNotCopied) {
  run_.cells[0].tests[0].log = "../../secret.log";
  run_.cells[0].tests[1].log = "cells/evil.html";  // served beside the site, it would run there
  write_file_atomically(run_dir() / "cells/evil.html", "<script>alert(1)</script>");
  write_file_atomically(dir_.path() / "secret.log", "secret\n");
  const CopiedFiles files = copy();
  EXPECT_FALSE(files.copied.contains("cells/evil.html"));
  EXPECT_FALSE(fs::exists(night() / "cells/evil.html"));
  EXPECT_THAT(files.left_out, Contains("cells/evil.html: not a log (.log or .txt)"));
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path() / "site"))
    EXPECT_THAT(entry.path().string(), Not(HasSubstr("secret"))) << entry.path();
}

// A runaway test's log of gigabytes: the site keeps its tail, and says so,
// without reading the rest.
TEST_F(SiteNightTest, AHugeLogKeepsItsTailAndSaysSo) {
  const fs::path log = run_dir() / kConsole;
  {
    const int fd = ::open(log.c_str(), O_WRONLY | O_TRUNC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, off_t{4} << 30), 0);  // 4 GiB, sparse
    ASSERT_EQ(::pwrite(fd, "the end\n", 8, (off_t{4} << 30) - 8), 8);
    ::close(fd);
  }
  SiteLimits limits;
  limits.max_file_bytes = 1 << 20;
  const CopiedFiles files = copy(limits);
  ASSERT_TRUE(files.copied.contains(kConsole));
  const std::string copied = read_file(night() / kConsole);
  EXPECT_LT(copied.size(), (1u << 20) + 200);
  EXPECT_TRUE(copied.starts_with("[... first 4293918720 bytes of " + kConsole + " left out ...]\n"));
  EXPECT_TRUE(copied.ends_with("the end\n"));
}

TEST_F(SiteNightTest, ANightsCopiesStopAtItsBudget) {
  SiteLimits limits;
  limits.max_night_bytes = 200;  // a few of the sample's short logs
  const CopiedFiles files = copy(limits);
  EXPECT_FALSE(files.copied.empty());
  EXPECT_LT(files.copied.size(), html_linked_files(run_).size());
  EXPECT_THAT(files.left_out, Contains(HasSubstr("the night's copied files passed 200 bytes")));
}

TEST_F(SiteNightTest, TheReportLinksOnlyWhatWasCopied) {
  fs::remove(run_dir() / kConsole);
  fs::remove(night());
  const CopiedFiles files = write_site_night(run_, run_dir(), results(), dir_.path() / "site", "nightly", {});
  const std::string report = read_file(night() / "report.html");
  EXPECT_THAT(report, Not(HasSubstr("href=\"" + kConsole + "\"")));
  EXPECT_THAT(report, HasSubstr("href=\"cells/debian-6.12.kmod-30.2cpu.1024M/boot-1/console.log\""));
  EXPECT_TRUE(is_site_night(dir_.path() / "site", "n1", "nightly"));
  EXPECT_FALSE(is_site_night(dir_.path() / "site", "n1", "smoke"));
  EXPECT_FALSE(fs::exists(dir_.path() / "site" / "~partial-n1"));
}

TEST_F(SiteNightTest, ADirectoryTheSiteDidNotWriteIsNotReplaced) {
  write_file_atomically(night() / "notes.txt", "mine\n");
  EXPECT_THROW(write_site_night(run_, run_dir(), results(), dir_.path() / "site", "nightly", {}), std::runtime_error);
  EXPECT_EQ(read_file(night() / "notes.txt"), "mine\n");
  run_.run_id = "../escape";
  EXPECT_THROW(write_site_night(run_, run_dir(), results(), dir_.path() / "site", "nightly", {}), std::runtime_error);
  EXPECT_FALSE(fs::exists(dir_.path() / "escape"));
}

TEST_F(SiteNightTest, VerdictsLinkTheirSectionOrTheirCopiedLog) {
  run_.cells[1].tests[0] = sample_test("kmod:0001", Verdict::kFail, "agent: exit status 1");
  const auto links = verdict_links(run_, "n1", {"cells/kmod:0001.log"});
  const RecordedCellKey k61{"debian-6.1", "kmod-30", 1, 512}, k612{"debian-6.12", "kmod-30", 2, 1024};
  EXPECT_EQ(links.at({"kmod:0001", k612}), "n1/report.html#detail-c1-t0");  // a failure: its evidence
  EXPECT_EQ(links.at({"kmod:0001", k61}), "n1/cells/kmod:0001.log");        // a pass: its log
  EXPECT_EQ(links.at({"kmod:0009", k61}), "n1/report.html#detail-c0-t1");   // a pass with details
  EXPECT_FALSE(links.contains({"kmod:0009", k612}));                        // neither: the report
}

}  // namespace
}  // namespace kmx
