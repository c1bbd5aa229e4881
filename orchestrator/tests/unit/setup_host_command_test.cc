// cli/setup_host_command and the script it runs (ci/setup-host.sh, installed
// as libexec/kmod-matrix/setup-host.sh). Integration: the real binary runs
// the real script with KMX_SETUP_ROOT, under which the script writes its
// files in a scratch directory and prints, instead of running, whatever
// would change this host (apt-get, accounts, /dev/kvm, daemons).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "fakes.h"
#include "os/files.h"
#include "os/process_runner.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using kmx::testing::ScratchDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSources = "etc/apt/sources.list.d/kmod-matrix.sources";
constexpr const char* kPin = "etc/apt/preferences.d/kmod-matrix-pin";
constexpr const char* kChanges = "var/lib/kmod-matrix/setup-host.changes";

ProcessResult setup_host(const fs::path& root, const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv{KMX_BINARY, "setup-host"};
  argv.insert(argv.end(), args.begin(), args.end());
  BoostProcessRunner runner;
  return runner.run(argv, {.timeout = std::chrono::seconds(120), .env = {{"KMX_SETUP_ROOT", root.string()}}});
}

TEST(IntegrationSetupHostCommand, AddsThePinnedSuitesAndRecordsThemInstallingNoPackage) {
  ScratchDir root;
  const ProcessResult r = setup_host(root.path());
  ASSERT_EQ(r.exit_code, kExitOk) << r.output;
  EXPECT_THAT(read_file(root.path() / kSources), HasSubstr("Suites: bookworm-backports trixie sid"));
  EXPECT_THAT(read_file(root.path() / kPin), HasSubstr("Pin: release n=sid\nPin-Priority: 40"));
  EXPECT_THAT(
      read_file(root.path() / kChanges),
      HasSubstr("file /etc/apt/sources.list.d/kmod-matrix.sources\nfile /etc/apt/preferences.d/kmod-matrix-pin\n"));
  EXPECT_THAT(r.output, HasSubstr("would run: apt-get update"));  // the new suites' lists
  EXPECT_THAT(r.output, Not(HasSubstr("apt-get install")));
  // A second run changes nothing.
  const ProcessResult again = setup_host(root.path());
  ASSERT_EQ(again.exit_code, kExitOk) << again.output;
  EXPECT_THAT(again.output, Not(HasSubstr("adding")));
}

TEST(IntegrationSetupHostCommand, UndoReversesWhatWasRecordedNewestFirst) {
  ScratchDir root;
  ASSERT_EQ(setup_host(root.path()).exit_code, kExitOk);
  // As if this run had also made the accounts, changed /dev/kvm, started libvirtd and installed packages.
  write_file_atomically(root.path() / kChanges, read_file(root.path() / kChanges) +
                                                    "group kvm\nuser libvirt-qemu\ndevice /dev/kvm root 600\n"
                                                    "daemon libvirtd\npackages cpio zstd\n");
  write_file_atomically(root.path() / "run/libvirtd.pid", "4242\n");
  const ProcessResult r = setup_host(root.path(), {"--undo"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.output;
  EXPECT_FALSE(fs::exists(root.path() / kSources));
  EXPECT_FALSE(fs::exists(root.path() / kPin));
  EXPECT_FALSE(fs::exists(root.path() / kChanges));
  const std::string order[] = {"would run: kill 4242",          "would run: chgrp root /dev/kvm",
                               "would run: chmod 600 /dev/kvm", "would run: userdel libvirt-qemu",
                               "would run: groupdel kvm",       "would run: apt-get update"};
  std::size_t at = 0;
  for (const auto& line : order) {
    const std::size_t found = r.output.find(line, at);
    ASSERT_NE(found, std::string::npos) << line << " (in this order) in\n" << r.output;
    at = found;
  }
  EXPECT_THAT(r.output, HasSubstr("to remove them: apt-get purge cpio zstd"));
}

TEST(IntegrationSetupHostCommand, UndoOfAnUntouchedHostDoesNothing) {
  ScratchDir root;
  const ProcessResult r = setup_host(root.path(), {"--undo"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("would run")));
}

}  // namespace
}  // namespace kmx
