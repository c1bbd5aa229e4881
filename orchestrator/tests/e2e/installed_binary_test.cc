// End-to-end: `cmake --install` into a fresh prefix, then the installed
// kmod-matrix, with no KMX_* variables, validates a shipped matrix and
// boots a real VM whose image needs the installed agent, suite scripts and
// test-module sources.
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

class InstalledBinary : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kmx-e2e-install-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::unsetenv("KMX_AGENT");
    ::unsetenv("KMX_DATA_DIR");
    ProcessResult r = runner_.run({"cmake", "--install", KMX_BUILD_DIR, "--prefix", (dir_ / "prefix").string()},
                                  {.timeout = std::chrono::seconds(300)});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::cerr << "kept for inspection: " << dir_ << "\n";
  }
  fs::path installed(const std::string& relative) const { return dir_ / "prefix" / relative; }

  BoostProcessRunner runner_;
  fs::path dir_;
};

TEST_F(InstalledBinary, PutsBinaryAgentAndDataInStandardPlaces) {
  EXPECT_TRUE(fs::exists(installed(std::string(KMX_INSTALL_BINDIR) + "/kmod-matrix")));
  EXPECT_TRUE(fs::exists(installed(std::string(KMX_INSTALL_LIBEXECDIR) + "/kmod-matrix/kmx-agent")));
  EXPECT_TRUE(fs::exists(installed(std::string(KMX_INSTALL_LIBEXECDIR) + "/kmod-matrix/setup-host.sh")));
  EXPECT_TRUE(fs::exists(installed(std::string(KMX_INSTALL_DATADIR) + "/man/man1/kmod-matrix.1")));
  EXPECT_TRUE(fs::exists(installed(std::string(KMX_INSTALL_DATADIR) + "/bash-completion/completions/kmod-matrix")));
  const fs::path data = installed(std::string(KMX_INSTALL_DATADIR) + "/kmod-matrix");
  for (const char* f : {"images/suites/common.sh", "images/modules/Kbuild", "images/config/module-debug.config",
                        "images/build-kernel.sh", "matrices/smoke.toml"})
    EXPECT_TRUE(fs::exists(data / f)) << f;
  ProcessResult r = runner_.run({installed(std::string(KMX_INSTALL_BINDIR) + "/kmod-matrix").string(), "check",
                                 (data / "matrices/smoke.toml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // A shipped matrix by name, from a directory without matrices/.
  r = runner_.run({installed(std::string(KMX_INSTALL_BINDIR) + "/kmod-matrix").string(), "check", "smoke"},
                  {.cwd = dir_});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("debian-6.1.host.1cpu.512M"), std::string::npos) << r.output;
}

TEST_F(InstalledBinary, RunsACellWithItsOwnAgentAndSuites) {
  const fs::path matrix = dir_ / "matrix.toml";
  write_file_atomically(
      matrix,
      "name = \"installed\"\ntests = [\"kmod:0001\", \"ns:import\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
      "[[kmod]]\nname = \"host\"\n");
  ProcessResult r = runner_.run({installed(std::string(KMX_INSTALL_BINDIR) + "/kmod-matrix").string(), "run",
                                 matrix.string(), "--results", (dir_ / "results").string()},
                                {.cwd = dir_, .timeout = std::chrono::seconds(1500)});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  nlohmann::json doc;
  for (const auto& d : fs::directory_iterator(dir_ / "results"))  // run directories beside history.db
    if (d.is_directory()) doc = nlohmann::json::parse(read_file(d.path() / "results.json"));
  ASSERT_EQ(doc["cells"].size(), 1u);
  for (const auto& t : doc["cells"][0]["tests"]) EXPECT_EQ(t["verdict"], "PASS") << t.dump();
}

}  // namespace
}  // namespace kmx
