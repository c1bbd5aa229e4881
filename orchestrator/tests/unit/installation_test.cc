// cli/installation: the installed binary finds its agent and data from its
// own location; a build tree uses the checkout; the environment overrides.
#include "cli/installation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "fakes.h"
#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;

// Unsets a variable for the test's duration.
class WithoutEnv {
 public:
  explicit WithoutEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) saved_ = v;
    ::unsetenv(name);
  }
  ~WithoutEnv() {
    if (saved_) ::setenv(name_, saved_->c_str(), 1);
  }

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

TEST(Installation, InstalledBinaryFindsShareAndLibexecBesideItsPrefix) {
  WithoutEnv agent("KMX_AGENT"), data("KMX_DATA_DIR");
  ScratchDir prefix;
  fs::create_directories(prefix.path() / KMX_INSTALL_DATADIR / "kmod-matrix/images/suites");
  const Installation in = Installation::locate_from(prefix.path() / KMX_INSTALL_BINDIR / "kmod-matrix");
  EXPECT_EQ(in.agent, prefix.path() / KMX_INSTALL_LIBEXECDIR / "kmod-matrix/kmx-agent");
  EXPECT_EQ(in.data_dir, prefix.path() / KMX_INSTALL_DATADIR / "kmod-matrix/images");
  EXPECT_EQ(in.matrices, prefix.path() / KMX_INSTALL_DATADIR / "kmod-matrix/matrices");
  EXPECT_EQ(in.setup_host, prefix.path() / KMX_INSTALL_LIBEXECDIR / "kmod-matrix/setup-host.sh");
}

TEST(Installation, BuildTreeUsesTheCheckoutsData) {
  WithoutEnv agent("KMX_AGENT"), data("KMX_DATA_DIR");
  ScratchDir build;
  write_file_atomically(build.path() / "guest-agent/kmx-agent", "");
  const Installation in = Installation::locate_from(build.path() / "orchestrator/kmod-matrix");
  EXPECT_EQ(in.agent, build.path() / "guest-agent/kmx-agent");
  EXPECT_TRUE(fs::exists(in.data_dir / "suites")) << in.data_dir;
  EXPECT_TRUE(fs::exists(in.matrices / "smoke.toml")) << in.matrices;
  EXPECT_TRUE(fs::exists(in.setup_host)) << in.setup_host;
  EXPECT_EQ(in.setup_host.filename(), "setup-host.sh");
}

TEST(Installation, EnvironmentOverridesAgentAndData) {
  WithoutEnv agent("KMX_AGENT"), data("KMX_DATA_DIR");
  ::setenv("KMX_AGENT", "/opt/agent", 1);
  ::setenv("KMX_DATA_DIR", "/opt/data", 1);
  const Installation in = Installation::locate_from("/usr/bin/kmod-matrix");
  ::unsetenv("KMX_AGENT");
  ::unsetenv("KMX_DATA_DIR");
  EXPECT_EQ(in.agent, fs::path("/opt/agent"));
  EXPECT_EQ(in.data_dir, fs::path("/opt/data"));
}

TEST(Installation, ShippedMatricesAreFoundByName) {
  ScratchDir dir;
  Installation in;
  in.matrices = dir.path() / "matrices";
  // A name no working directory has, so that only the shipped one can match.
  write_file_atomically(in.matrices / "kmx-unit-only.toml", "");
  EXPECT_EQ(in.find_matrix("kmx-unit-only"), in.matrices / "kmx-unit-only.toml");
  EXPECT_EQ(in.find_matrix("kmx-unit-only.toml"), in.matrices / "kmx-unit-only.toml");
  EXPECT_EQ(in.find_matrix("matrices/kmx-unit-only.toml"), in.matrices / "kmx-unit-only.toml");
}

TEST(Installation, AnExistingOrAbsoluteMatrixIsTakenAsGiven) {
  ScratchDir dir;
  Installation in;
  in.matrices = dir.path() / "matrices";
  write_file_atomically(in.matrices / "smoke.toml", "");
  write_file_atomically(dir.path() / "mine/smoke.toml", "");
  EXPECT_EQ(in.find_matrix(dir.path() / "mine/smoke.toml"), dir.path() / "mine/smoke.toml");
  // Neither a file nor shipped (issue 29: `check smok`): said, with the
  // shipped matrices to choose from.
  for (const char* missing : {"/nonexistent/smoke.toml", "nightly", "smok"}) {
    try {
      in.find_matrix(missing);
      ADD_FAILURE() << missing;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("no matrix '" + std::string(missing) + "'"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr("): smoke"));
    }
  }
}

}  // namespace
}  // namespace kmx
