// images/suites/*.sh: rules every guest suite script must keep.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
const fs::path kSuites = fs::path(KMX_TESTDATA) / "../../../images/suites";

// The guest's busybox prefers its own applets when one of its applets runs
// a command: `timeout 30 modprobe` runs busybox's modprobe, not the kmod
// under test (softdep:circular FAILed for that reason until 2026-11-23).
const std::regex kAppletRunsModutils(
    R"(\b(timeout|xargs|env|nice|nohup|setsid|chroot|time)\b[^|;&\n#]*[ \t](modprobe|insmod|rmmod|depmod|modinfo|lsmod|kmod)\b)");

std::vector<std::string> offending_lines(const std::string& script) {
  std::vector<std::string> out;
  std::istringstream in(script);
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (std::regex_search(line, kAppletRunsModutils)) out.push_back(line);
  }
  return out;
}

TEST(SuiteScripts, ModutilsRunByABusyboxAppletAreNamedByPath) {
  std::size_t scripts = 0;
  for (const auto& e : fs::directory_iterator(kSuites)) {
    if (e.path().extension() != ".sh") continue;
    ++scripts;
    for (const auto& line : offending_lines(read_file(e.path())))
      ADD_FAILURE() << e.path().filename() << ": " << line << "\n  name the tool by path: /sbin/modprobe";
  }
  EXPECT_GE(scripts, 8u);
}

TEST(SuiteScripts, TheRuleSeesTheBrokenFormAndAcceptsThePathForm) {
  EXPECT_EQ(offending_lines("out=$(timeout 30 modprobe -v a 2>&1)\n").size(), 1u);
  EXPECT_EQ(offending_lines("echo x | xargs -n1 rmmod\n").size(), 1u);
  EXPECT_TRUE(offending_lines("out=$(timeout 30 /sbin/modprobe -v a 2>&1)\n").empty());
  EXPECT_TRUE(offending_lines("modprobe a || fail \"timeout\"\n").empty());
  EXPECT_TRUE(offending_lines("# timeout 30 modprobe\n").empty());
}

}  // namespace
}  // namespace kmx
