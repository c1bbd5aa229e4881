// debian/control and debian/changelog against the rest of the tree: the
// package depends on exactly what ci/setup-host.sh installs to run
// kmod-matrix, builds from what it installs to build it, and carries the
// CMake project's version.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

const std::filesystem::path kSource = KMX_SOURCE_DIR;

// The names in one bash array assignment (NAME=( ... )) of a script, comments left out.
std::set<std::string> bash_array(const std::string& script, const std::string& name) {
  const auto start = script.find("\n" + name + "=(");
  if (start == std::string::npos) return {};
  const auto end = script.find("\n)", start);
  std::istringstream in(script.substr(start + name.size() + 3, end - start - name.size() - 3));
  std::set<std::string> names;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line.substr(0, line.find('#')));
    for (std::string w; words >> w;) names.insert(w);
  }
  return names;
}

// The package names of a control field (folded over lines), without
// versions, alternatives after the first, or substitution variables.
std::set<std::string> control_field(const std::string& control, const std::string& field) {
  const std::regex kField("(^|\n)" + field + ":((.|\n[ \t])*)");
  std::smatch m;
  if (!std::regex_search(control, m, kField)) return {};
  std::set<std::string> names;
  std::istringstream in(m[2].str());
  for (std::string item; std::getline(in, item, ',');) {
    std::istringstream words(item.substr(0, item.find_first_of("(|[")));
    std::string name;
    if (words >> name && name.rfind("${", 0) != 0) names.insert(name);
  }
  return names;
}

std::set<std::string> joined(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

TEST(DebianControl, DependsAndRecommendsAreWhatSetupHostInstallsToRun) {
  const std::string control = read_file(kSource / "debian/control");
  const auto runtime = bash_array(read_file(kSource / "ci/setup-host.sh"), "RUNTIME_PACKAGES");
  ASSERT_GE(runtime.size(), 10u);
  EXPECT_EQ(joined(control_field(control, "Depends"), control_field(control, "Recommends")), runtime);
  // What a run of Debian kernels with the host's kmod executes is a Depends, not a Recommends.
  for (const char* tool : {"libvirt-daemon-driver-qemu", "qemu-system-x86", "busybox-static", "kmod", "gcc", "make"})
    EXPECT_EQ(control_field(control, "Depends").count(tool), 1u) << tool;
}

TEST(DebianControl, BuildDependsAreWhatSetupHostInstallsToBuild) {
  const std::string control = read_file(kSource / "debian/control");
  auto build = control_field(control, "Build-Depends");
  EXPECT_EQ(build.erase("debhelper-compat"), 1u);
  const auto script = read_file(kSource / "ci/setup-host.sh");
  const auto installed = bash_array(script, "BUILD_PACKAGES");
  for (const auto& p : build) EXPECT_EQ(installed.count(p), 1u) << p << " is not in setup-host's BUILD_PACKAGES";
  EXPECT_EQ(bash_array(script, "TEST_PACKAGES").count("debhelper"), 1u);
}

TEST(DebianControl, ChangelogVersionIsTheCMakeProjectVersion) {
  std::smatch project, changelog;
  const std::string cmake = read_file(kSource / "CMakeLists.txt");
  const std::string entries = read_file(kSource / "debian/changelog");
  ASSERT_TRUE(std::regex_search(cmake, project, std::regex(R"(project\(kmod-matrix VERSION ([0-9.]+))")));
  ASSERT_TRUE(std::regex_search(entries, changelog, std::regex(R"(^kmod-matrix \(([^)]+)\))")));
  EXPECT_EQ(changelog[1].str(), project[1].str()) << "debian/changelog's first entry must be the project's version";
}

}  // namespace
}  // namespace kmx
