// End-to-end: the Debian package as a CI host gets it. The .deb that
// ci/package.sh built (build-packages/, or $KMX_DEB; built here when there is
// none) is installed with apt, then the installed kmod-matrix, from /usr/bin
// in a directory outside the checkout with no KMX_* variables, prepares the
// host (setup-host) and runs the shipped smoke matrix with the installed
// agent, suites and test-module sources. The package is removed afterwards
// unless it was installed before.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "os/files.h"
#include "os/process_runner.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = KMX_SOURCE_DIR;

// The newest kmod-matrix_*_amd64.deb in `dir`, or none.
fs::path newest_deb(const fs::path& dir) {
  fs::path best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("kmod-matrix_", 0) == 0 && name.ends_with("_amd64.deb") &&
        (best.empty() || fs::last_write_time(e.path()) > fs::last_write_time(best)))
      best = e.path();
  }
  return best;
}

class DebianPackage : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kmx-e2e-deb-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::unsetenv("KMX_AGENT");
    ::unsetenv("KMX_DATA_DIR");
    ::unsetenv("KMX_CACHE");
    const char* given = std::getenv("KMX_DEB");
    deb_ = given && *given ? fs::path(given) : newest_deb(kSource / "build-packages");
    if (deb_.empty()) {
      // No package from CI: build one as CI does (the binary and the agent, a few minutes with ccache).
      ProcessResult r = run({"bash", (kSource / "ci/package.sh").string()}, kSource, 3600);
      ASSERT_EQ(r.exit_code, 0) << r.output;
      deb_ = newest_deb(kSource / "build-packages");
    }
    ASSERT_TRUE(fs::is_regular_file(deb_)) << deb_;
    installed_before_ =
        run({"dpkg-query", "-W", "-f=${Status}", "kmod-matrix"}, dir_, 60).output == "install ok installed";
  }
  void TearDown() override {
    if (!installed_before_) run({"apt-get", "remove", "-y", "-o", "DPkg::Lock::Timeout=300", "kmod-matrix"}, dir_, 600);
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::cerr << "kept for inspection: " << dir_ << "\n";
  }
  ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd, int timeout_s) {
    return runner_.run(
        argv, {.cwd = cwd, .timeout = std::chrono::seconds(timeout_s), .env = {{"DEBIAN_FRONTEND", "noninteractive"}}});
  }

  BoostProcessRunner runner_;
  fs::path dir_;
  fs::path deb_;
  bool installed_before_ = false;
};

TEST_F(DebianPackage, AptInstallsItAndTheInstalledBinaryRunsSmokeOutsideTheCheckout) {
  // As a user would: apt resolves the Depends (all present on a host setup-host.sh prepared).
  ProcessResult r =
      run({"apt-get", "install", "-y", "--reinstall", "-o", "DPkg::Lock::Timeout=300", deb_.string()}, dir_, 900);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* f :
       {"/usr/bin/kmod-matrix", "/usr/libexec/kmod-matrix/kmx-agent", "/usr/libexec/kmod-matrix/setup-host.sh",
        "/usr/share/kmod-matrix/matrices/smoke.toml", "/usr/share/kmod-matrix/images/suites/common.sh",
        "/usr/share/man/man1/kmod-matrix.1.gz", "/usr/share/bash-completion/completions/kmod-matrix"})
    EXPECT_TRUE(fs::exists(f)) << f;
  r = run({"dpkg", "-L", "kmod-matrix"}, dir_, 60);
  EXPECT_EQ(r.output.find(kSource.string()), std::string::npos) << "the package names the checkout:\n" << r.output;

  // The host preparation the package ships; this host is prepared already, so it only checks.
  r = run({"/usr/bin/kmod-matrix", "setup-host"}, dir_, 600);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("libvirtd answers"), std::string::npos) << r.output;

  r = run({"/usr/bin/kmod-matrix", "run", "smoke", "-j", "2", "--results", (dir_ / "results").string()}, dir_, 1700);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("28 PASS; 0 unexpected"), std::string::npos) << r.output;
  nlohmann::json doc;
  for (const auto& d : fs::directory_iterator(dir_ / "results"))  // the run directory beside history.db
    if (d.is_directory()) doc = nlohmann::json::parse(read_file(d.path() / "results.json"));
  ASSERT_EQ(doc["cells"].size(), 4u) << doc.dump().substr(0, 2000);
  for (const auto& cell : doc["cells"])
    for (const auto& t : cell["tests"]) EXPECT_EQ(t["verdict"], "PASS") << t.dump();
  // The run records the installed binary's version.
  EXPECT_EQ(doc["tool_version"].get<std::string>().rfind("0.", 0), 0u) << doc["tool_version"];
}

}  // namespace
}  // namespace kmx
