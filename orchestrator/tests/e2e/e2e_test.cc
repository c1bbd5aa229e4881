// End-to-end tests: each runs `kmod-matrix run` on a small matrix and reads
// the results.json it wrote. VMs are real (KVM if a guest boots under it,
// TCG otherwise); the kernel is Debian's 6.1 package.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "os/files.h"
#include "os/process_runner.h"
#include "spawn.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
constexpr const char* kKernel = "linux-image-6.1.0-56-amd64";

struct RunOutcome {
  int exit_code = -1;
  std::string output;
  nlohmann::json results;  // null when no results.json was written
};

class EndToEnd : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kmx-e2e-" + std::to_string(::getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "results");
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::cerr << "kept for inspection: " << dir_ << "\n";
  }

  static std::string matrix(const std::string& tests, int vcpus, int memory_mib, const std::string& extra = "") {
    return "name = \"e2e\"\ntests = [" + tests + "]\nvcpus = [" + std::to_string(vcpus) + "]\nmemory_mib = [" +
           std::to_string(memory_mib) + "]\n" + extra + "\n[[kernel]]\nname = \"debian-6.1\"\npackage = \"" + kKernel +
           "\"\n\n[[kmod]]\nname = \"host\"\n";
  }

  RunOutcome run(const std::string& matrix_text, std::chrono::seconds limit = std::chrono::seconds(1500)) {
    const fs::path file = dir_ / "matrix.toml";
    write_file_atomically(file, matrix_text);
    BoostProcessRunner runner;
    ProcessResult r =
        runner.run({KMX_BINARY, "run", file.string(), "--results", (dir_ / "results").string()}, {.timeout = limit});
    RunOutcome out{r.exit_code, r.output, nullptr};
    for (const auto& run_dir : fs::directory_iterator(dir_ / "results"))
      if (fs::exists(run_dir.path() / "results.json"))
        out.results = nlohmann::json::parse(read_file(run_dir.path() / "results.json"));
    return out;
  }

  static const nlohmann::json& test_of(const RunOutcome& out, const std::string& id) {
    static const nlohmann::json missing;
    if (out.results.is_null()) return missing;
    for (const auto& cell : out.results["cells"])
      for (const auto& t : cell["tests"])
        if (t["id"] == id) return t;
    return missing;
  }

  ProcessResult check(const std::string& matrix_text) {
    const fs::path file = dir_ / "check.toml";
    write_file_atomically(file, matrix_text);
    return BoostProcessRunner().run({KMX_BINARY, "check", file.string()}, {.timeout = std::chrono::seconds(300)});
  }

  bool results_dir_is_empty() const { return fs::is_empty(dir_ / "results"); }

  fs::path dir_;
};

TEST_F(EndToEnd, Kmod0001PassesOnDebian61InARealVm) {
  RunOutcome out = run(matrix("\"kmod:0001\"", 1, 512));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  const auto& t = test_of(out, "kmod:0001");
  ASSERT_FALSE(t.is_null()) << out.output;
  EXPECT_EQ(t["verdict"], "PASS");
  EXPECT_EQ(t["evidence"], "agent: exit status 0");
  const auto& cell = out.results["cells"][0];
  EXPECT_EQ(cell["guest_uname"], "6.1.0-56-amd64");
  EXPECT_EQ(cell["guest_kmod_version"].get<std::string>().rfind("kmod version", 0), 0u);
  EXPECT_GT(cell["boot_s"].get<double>(), 0.0);
  // The console really came from the guest kernel and carries our markers.
  const std::string console = read_file(dir_ / "results" / out.results["run_id"].get<std::string>() /
                                        cell["boots"][0]["console_log"].get<std::string>());
  EXPECT_NE(console.find("Linux version 6.1."), std::string::npos);
  EXPECT_NE(console.find("kmod-matrix: begin kmod:0001"), std::string::npos);
  EXPECT_NE(out.output.find("PASS"), std::string::npos);
}

TEST_F(EndToEnd, AgentKillsTestsPastTheirLimitAndReportsTimeout) {
  // kmod:0002 loads modules for several seconds; a 1 s limit cuts it, and its
  // shell may sit in the kernel until test_kmod's threads finish.
  RunOutcome out = run(matrix("\"kmod:0002\", \"fault:hang\", \"kmod:0003\"", 1, 512,
                              "[timeouts]\nper_test = { \"kmod:0002\" = 1, \"fault:hang\" = 2 }\n"));
  EXPECT_EQ(out.exit_code, 1) << out.output;
  EXPECT_EQ(test_of(out, "kmod:0002")["verdict"], "TIMEOUT") << out.output;
  EXPECT_EQ(test_of(out, "fault:hang")["verdict"], "TIMEOUT") << out.output;
  EXPECT_EQ(test_of(out, "kmod:0003")["verdict"], "PASS") << out.output;
  // A killable test costs no boot: the next test runs in the same guest.
  EXPECT_EQ(test_of(out, "kmod:0003")["boot"], test_of(out, "fault:hang")["boot"]);
  // Whatever 0002 did, the agent never waited for the host watchdog.
  for (const auto& boot : out.results["cells"][0]["boots"]) EXPECT_NE(boot["end"], "test-timeout") << boot.dump();
  // Killed at its limit, fault:hang leaves the kernel's view of it: its
  // processes with their kernel stacks, and the sysrq w answer.
  const auto& hang = test_of(out, "fault:hang");
  ASSERT_TRUE(hang.contains("hang")) << hang.dump();
  const std::string dump =
      read_file(dir_ / "results" / out.results["run_id"].get<std::string>() / hang["hang"]["dump"].get<std::string>());
  EXPECT_NE(dump.find("(sleep) state S"), std::string::npos) << dump;
  EXPECT_NE(dump.find("nanosleep"), std::string::npos) << dump;
  EXPECT_NE(dump.find("sysrq: Show Blocked State"), std::string::npos) << dump;
  EXPECT_NE(hang["evidence"].get<std::string>().find("first blocked: pid "), std::string::npos) << hang.dump();
  // Every test was sampled while it ran.
  EXPECT_FALSE(hang["memory"]["samples"].empty()) << hang.dump();
  EXPECT_GT(hang["memory"]["min_available_kib"].get<long long>(), 0) << hang.dump();
}

TEST_F(EndToEnd, MalformedMatrixFailsWithFileLineColumnAndExit2) {
  RunOutcome out = run("name = \"broken\"\ntests = [\"kmod:0001\"\nvcpus = [1]\n");
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("matrix.toml:3:"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("fix:"), std::string::npos) << out.output;
  EXPECT_TRUE(out.results.is_null());
}

TEST_F(EndToEnd, UnknownKernelPackageFailsBeforeBootingWithExit2) {
  std::string text = matrix("\"kmod:0001\"", 1, 512);
  text.replace(text.find(kKernel), std::string(kKernel).size(), "linux-image-9.99.0-1-amd64");
  RunOutcome out = run(text);
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(out.output.find("linux-image-9.99.0-1-amd64"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("fix:"), std::string::npos) << out.output;
  EXPECT_TRUE(results_dir_is_empty()) << "a rejected run left a run directory behind";
  // check stops at the same place with the same words.
  const ProcessResult checked = check(text);
  EXPECT_EQ(checked.exit_code, 2) << checked.output;
  EXPECT_NE(checked.output.find("check.toml:"), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("apt knows no package 'linux-image-9.99.0-1-amd64'"), std::string::npos)
      << checked.output;
}

TEST_F(EndToEnd, CheckResolvesASeriesAndAFlavourWithoutBuildingAnything) {
  const ProcessResult checked = check(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12-amd64\"\n"
      "[[kernel]]\nname = \"debian-6.12-rt\"\npackage = \"linux-image-6.12-rt-amd64\"\n"
      "[[kernel]]\nname = \"bookworm\"\npackage = \"linux-image-amd64\"\nsuite = \"bookworm-security\"\n"
      "[[kmod]]\nname = \"host\"\n");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find("kernel debian-6.12: linux-image-6.12-amd64 -> linux-image-6.12."), std::string::npos)
      << checked.output;
  EXPECT_NE(checked.output.find("kernel debian-6.12-rt: linux-image-6.12-rt-amd64 -> linux-image-6.12."),
            std::string::npos)
      << checked.output;
  EXPECT_NE(checked.output.find("-rt-amd64 6.12."), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("kernel bookworm: linux-image-amd64/bookworm-security -> linux-image-6.1.0-"),
            std::string::npos)
      << checked.output;
}

TEST_F(EndToEnd, Kmod0006At160MibIsOomNotFail) {
  RunOutcome out = run(read_file(fs::path(KMX_SOURCE_DIR) / "matrices/oom-0006.toml"));
  EXPECT_EQ(out.exit_code, 0) << out.output;
  const auto& t = test_of(out, "kmod:0006");
  EXPECT_EQ(t["verdict"], "OOM") << out.output;
  EXPECT_NE(t["evidence"].get<std::string>().find("oom"), std::string::npos) << t.dump();
  // The kernel's report names the victim; the curve leads up to the kill.
  EXPECT_FALSE(t["oom"]["victim"].get<std::string>().empty()) << t.dump();
  EXPECT_GT(t["oom"]["anon_rss_kib"].get<long long>(), 0) << t.dump();
  EXPECT_FALSE(t["memory"]["samples"].empty()) << t.dump();
  // The verdict came within the OOM grace of the kill, not at the limit.
  for (const auto& boot : out.results["cells"][0]["boots"])
    EXPECT_LT(boot["wall_s"].get<double>(), 120.0) << boot.dump();
}

TEST_F(EndToEnd, FaultsCostOnlyTheTestThatCausedThem) {
  RunOutcome out = run(read_file(fs::path(KMX_SOURCE_DIR) / "matrices/faults.toml"));
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(test_of(out, "fault:panic")["verdict"], "PANIC");
  EXPECT_NE(test_of(out, "fault:panic")["evidence"].get<std::string>().find("Kernel panic"), std::string::npos);
  // The panic killed boot 1; the next test ran in a fresh VM.
  EXPECT_EQ(test_of(out, "kmod:0001")["verdict"], "PASS");
  EXPECT_EQ(test_of(out, "kmod:0001")["boot"], 2);
  EXPECT_EQ(test_of(out, "fault:hang")["verdict"], "TIMEOUT");
  const std::string stall = test_of(out, "fault:stall")["verdict"];
  EXPECT_TRUE(stall == "TIMEOUT" || stall == "HANG") << stall;
  EXPECT_NE(test_of(out, "fault:stall")["evidence"].get<std::string>().find("host watchdog"), std::string::npos);
  // Before destroying the stalled guest the host asked its kernel for stacks.
  bool sysrq_sent = false;
  for (const auto& boot : out.results["cells"][0]["boots"])
    sysrq_sent = sysrq_sent || boot["end_detail"].get<std::string>().find("sysrq w and t sent") != std::string::npos;
  EXPECT_TRUE(sysrq_sent) << out.results["cells"][0]["boots"].dump();
  // The stalled kernel answered the keyboard: its console has the dump.
  const auto& stalled = test_of(out, "fault:stall");
  if (stalled.contains("hang")) {
    const std::string dump = read_file(dir_ / "results" / out.results["run_id"].get<std::string>() /
                                       stalled["hang"]["dump"].get<std::string>());
    EXPECT_NE(dump.find("sysrq: Show"), std::string::npos) << dump.substr(0, 2000);
  } else {
    ADD_FAILURE() << "no sysrq answer from the stalled guest: " << stalled.dump();
  }
  EXPECT_EQ(test_of(out, "kmod:0003")["verdict"], "PASS");
  EXPECT_EQ(out.results["cells"][0]["boots"].size(), 3u);
}

// libvirt's log daemon rotates a serial log once it holds 2 MiB (<log>.0,
// then a new <log>). A tail that reopened the path stopped there: the
// agent's test-end and done, and a panic past that point, were never seen,
// so both tests ended at their limits, and the logs on disk were pieces.
TEST_F(EndToEnd, GuestOutputPastTheLogDaemonsRotationIsReadAndKeptWhole) {
  RunOutcome out = run(read_file(fs::path(KMX_SOURCE_DIR) / "matrices/floods.toml"));
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(test_of(out, "fault:chatty")["verdict"], "PASS") << test_of(out, "fault:chatty").dump();
  EXPECT_EQ(test_of(out, "fault:console-flood")["verdict"], "PANIC") << test_of(out, "fault:console-flood").dump();
  EXPECT_NE(test_of(out, "fault:console-flood")["evidence"].get<std::string>().find("Kernel panic"), std::string::npos);
  ASSERT_FALSE(out.results.is_null());
  const fs::path run_dir = dir_ / "results" / out.results["run_id"].get<std::string>();
  for (const auto& boot : out.results["cells"][0]["boots"]) {
    for (const char* log : {"console_log", "agent_log"}) {
      const fs::path path = run_dir / boot[log].get<std::string>();
      const std::string text = read_file(path);
      for (const auto& entry : fs::directory_iterator(path.parent_path())) {
        EXPECT_FALSE(entry.path().filename().string().starts_with(path.filename().string() + "."))
            << "rotated piece left: " << entry.path();
      }
      if (std::string(log) == "console_log") {
        EXPECT_TRUE(text.starts_with("[    0.000000] Linux version")) << path;
      }
    }
  }
  // 10 MiB of console: the daemon kept the last 8 MiB (3 backups and the
  // current file) and deleted the first piece, which the host had kept
  // under a second name; the one console file has the boot's start, a line
  // for the middle the daemon deleted, and the panic.
  const auto& flooded = test_of(out, "fault:console-flood");
  const auto& boots = out.results["cells"][0]["boots"];
  for (const auto& boot : boots) {
    if (boot["index"] != flooded["boot"]) continue;
    const std::string console = read_file(run_dir / boot["console_log"].get<std::string>());
    EXPECT_GT(console.size(), 8u << 20);
    EXPECT_NE(console.find("bytes are missing here: libvirt's log daemon rotated them away"), std::string::npos);
    EXPECT_NE(console.find("Kernel panic", console.size() - (1u << 20)), std::string::npos);
  }
}

// Names of running kmod-matrix domains, from virsh (independent of our driver).
std::vector<std::string> running_domains() {
  BoostProcessRunner runner;
  ProcessResult r = runner.run({"virsh", "-c", "qemu:///system", "list", "--name"});
  std::vector<std::string> names;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("kmx-", 0) == 0) names.push_back(line);
  return names;
}

// The running domains whose name starts with `prefix` once libvirtd has had
// up to 10 s to finish what it was asked: a run does not wait at exit for
// the teardown of its last domains, which libvirtd ends by itself (destroy
// asked, or autodestroy when the connection closes).
std::vector<std::string> domains_left_after_teardown(const std::string& prefix) {
  std::vector<std::string> left;
  for (int i = 0; i < 100; ++i) {
    left.clear();
    for (const auto& name : running_domains())
      if (name.rfind(prefix, 0) == 0) left.push_back(name);
    if (left.empty()) break;
    ::usleep(100 * 1000);
  }
  return left;
}

// SIGINT ends the run with 130 and, once libvirtd has finished, none of its
// domains (`prefix`) is left.
void interrupt_and_expect_a_clean_end(pid_t child, const std::string& prefix) {
  ::kill(child, SIGINT);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const auto left = domains_left_after_teardown(prefix);
  EXPECT_EQ(left.size(), 0u) << (left.empty() ? "" : left.front());
}

TEST_F(EndToEnd, ModuleLoadingSuitesRunBesideKmodSh) {
  RunOutcome out = run(read_file(fs::path(KMX_SOURCE_DIR) / "matrices/suites.toml"));
  EXPECT_EQ(out.exit_code, 0) << out.output;
  for (const char* id : {"ns:import", "ns:missing-import", "ns:depmod", "softdep:pre-post", "softdep:circular",
                         "softdep:modprobe.d", "dups:storm", "kmod:0001"})
    EXPECT_EQ(test_of(out, id)["verdict"], "PASS") << id << ": " << test_of(out, id).dump();
  EXPECT_EQ(test_of(out, "softdep:weakdep")["verdict"], "SKIP");  // 6.1 has no MODULE_WEAKDEP
  // Debian 6.1: one finit_module wins, every other concurrent caller gets EEXIST.
  const auto& storm = test_of(out, "dups:storm")["metrics"];
  EXPECT_EQ(storm["finit_ok"], 1) << storm.dump();
  EXPECT_EQ(storm["finit_errno_EEXIST"].get<int>(), storm["concurrency"].get<int>() - 1) << storm.dump();
  EXPECT_EQ(storm["modprobe_inits"], 1) << storm.dump();
  EXPECT_EQ(test_of(out, "ns:missing-import")["metrics"]["finit_errno_EINVAL"], 1);
  // No Debian kernel has CONFIG_MODULE_STATS: recorded as absent, not failed.
  EXPECT_EQ(test_of(out, "dups:storm")["module_stats"]["present"], false);
}

TEST_F(EndToEnd, Kmod342FromDebianSourceOnDebian612) {
  // xz-compressed modules, weak dependencies, same-inode finit_module dedup.
  RunOutcome out =
      run("tests = [\"kmod:0001\", \"softdep:weakdep\", \"dups:storm\"]\nvcpus = [1]\nmemory_mib = [512]\n"
          "[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12.95+deb12-amd64\"\n"
          "[[kmod]]\nname = \"kmod-34.2\"\nsource = \"debian-source\"\nversion = \"34.2-2\"\n");
  EXPECT_EQ(out.exit_code, 0) << out.output;
  ASSERT_FALSE(out.results.is_null()) << out.output;
  const auto& cell = out.results["cells"][0];
  EXPECT_EQ(cell["guest_uname"], "6.12.95+deb12-amd64");
  EXPECT_EQ(cell["guest_kmod_version"], "kmod version 34.2");
  EXPECT_EQ(test_of(out, "kmod:0001")["verdict"], "PASS");
  EXPECT_EQ(test_of(out, "softdep:weakdep")["verdict"], "PASS") << test_of(out, "softdep:weakdep").dump();
  const auto& storm = test_of(out, "dups:storm")["metrics"];
  EXPECT_EQ(storm["finit_ok"], storm["concurrency"]) << storm.dump();  // >= 6.5: every caller gets 0
}

TEST_F(EndToEnd, Debian72TestModulesBuiltFromLinuxSourceLoadWithKmod30) {
  // sid's 7.2 headers want gcc-16 and glibc 2.38: the test modules are built
  // against a tree prepared from linux-source-7.2 by the host's gcc-12, and
  // must load into Debian's own kernel (test_kmod for kmod:0001, ours for
  // ns:import).
  RunOutcome out =
      run("tests = [\"kmod:0001\", \"ns:import\"]\nvcpus = [1]\nmemory_mib = [512]\n"
          "[[kernel]]\nname = \"debian-7.2\"\npackage = \"linux-image-7.2.13+deb14-amd64\"\n"
          "[[kmod]]\nname = \"kmod-30\"\nsource = \"debian-source\"\nversion = \"30+20221128-1\"\n");
  EXPECT_EQ(out.exit_code, 0) << out.output;
  ASSERT_FALSE(out.results.is_null()) << out.output;
  const auto& cell = out.results["cells"][0];
  EXPECT_EQ(cell["guest_uname"], "7.2.13+deb14-amd64");
  EXPECT_EQ(cell["guest_kmod_version"], "kmod version 30");
  EXPECT_TRUE(cell["test_modules_built_against"].get<std::string>().starts_with("prepared from linux-source-7.2"))
      << cell["test_modules_built_against"];
  EXPECT_EQ(test_of(out, "kmod:0001")["verdict"], "PASS") << test_of(out, "kmod:0001").dump();
  EXPECT_EQ(test_of(out, "ns:import")["verdict"], "PASS") << test_of(out, "ns:import").dump();
}

// Debian's kmod 30 binary against the same version built here from Debian's
// source: every deterministic verdict and the configuration the guest sees
// must be identical, or a built kmod reports behaviour no distribution ships.
void expect_same_kmod_behaviour(const nlohmann::json& results, const std::string& kernel) {
  const nlohmann::json* host = nullptr;
  const nlohmann::json* built = nullptr;
  for (const auto& cell : results["cells"])
    if (cell["kernel"]["name"] == kernel) (cell["kmod"]["name"] == "host-30" ? host : built) = &cell;
  ASSERT_TRUE(host && built) << results.dump();
  EXPECT_EQ((*host)["guest_kmod_version"], (*built)["guest_kmod_version"]);
  const auto& host_config = (*host)["guest_modprobe_config"];
  const auto& built_config = (*built)["guest_modprobe_config"];
  EXPECT_EQ(host_config["searched_dirs"], built_config["searched_dirs"]);
  EXPECT_EQ(built_config["searched_dirs"][0], "/etc/modprobe.d") << built_config.dump();
  EXPECT_EQ(host_config["sha256"], built_config["sha256"]) << "modprobe -c differs";
  EXPECT_EQ((*host)["kmod_build"]["config_dirs"], (*built)["kmod_build"]["config_dirs"]);
  for (const auto& dir : (*built)["kmod_build"]["config_dirs"]) EXPECT_NE(dir, "/usr/etc/modprobe.d");
  EXPECT_EQ((*built)["kmod_build"]["system"], "autotools");
  ASSERT_EQ((*host)["tests"].size(), (*built)["tests"].size());
  for (std::size_t i = 0; i < (*host)["tests"].size(); ++i) {
    const auto& h = (*host)["tests"][i];
    const auto& b = (*built)["tests"][i];
    EXPECT_EQ(h["id"], b["id"]);
    EXPECT_EQ(h["verdict"], b["verdict"])
        << kernel << " " << h["id"] << "\n host: " << h["evidence"] << "\n built: " << b["evidence"];
  }
}

std::string host_and_built_kmod30(const std::string& tests, const std::string& kernels,
                                  const std::string& timeouts = "") {
  return "name = \"kmod30-equivalence\"\ntests = [" + tests + "]\nvcpus = [2]\nmemory_mib = [1024]\n" + timeouts +
         kernels +
         "[[kmod]]\nname = \"host-30\"\nsource = \"host\"\n"
         "[[kmod]]\nname = \"built-30\"\nsource = \"debian-source\"\nversion = \"30+20221128-1\"\n";
}

TEST_F(EndToEnd, BuiltKmod30BehavesAsDebiansOnEverySuite) {
  RunOutcome out = run(host_and_built_kmod30(
      "\"kmod:0001-0004\", \"kmod:0010-0013\", \"ns:import\", \"ns:missing-import\", \"ns:depmod\", "
      "\"softdep:pre-post\", \"softdep:circular\", \"softdep:modprobe.d\", \"dups:storm\"",
      "[[kernel]]\nname = \"debian-6.1\"\npackage = \"" + std::string(kKernel) + "\"\n"));
  ASSERT_FALSE(out.results.is_null()) << out.output;
  expect_same_kmod_behaviour(out.results, "debian-6.1");
  // The verdict this issue was about: a built kmod 30 read /usr/etc/modprobe.d.
  for (const auto& cell : out.results["cells"])
    for (const auto& t : cell["tests"])
      if (t["id"] == "softdep:modprobe.d" || t["id"] == "softdep:circular") {
        EXPECT_EQ(t["verdict"], "PASS") << cell["id"] << " " << t.dump();
      }
}

// Every deterministic kmod.sh test too (0005-0007 take minutes each under
// TCG), on 6.1 and 6.12: about an hour, so in the slow tier.
TEST_F(EndToEnd, SlowBuiltKmod30BehavesAsDebiansOnEveryDeterministicTest) {
  RunOutcome out =
      run(host_and_built_kmod30(
              "\"kmod:0001-0007\", \"kmod:0010-0013\", \"ns:import\", \"ns:missing-import\", \"ns:depmod\", "
              "\"softdep:pre-post\", \"softdep:circular\", \"softdep:modprobe.d\", \"softdep:weakdep\", \"dups:storm\"",
              "[[kernel]]\nname = \"debian-6.1\"\npackage = \"" + std::string(kKernel) +
                  "\"\n[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12.95+deb12-amd64\"\n",
              // 0006 on 6.12 ran past 600 s with another VM sharing the cores.
              "[timeouts]\nper_test = { \"kmod:0006\" = 1500, \"kmod:0007\" = 1500 }\n"),
          std::chrono::seconds(7000));
  ASSERT_FALSE(out.results.is_null()) << out.output;
  expect_same_kmod_behaviour(out.results, "debian-6.1");
  expect_same_kmod_behaviour(out.results, "debian-6.12");
}

TEST_F(EndToEnd, UnknownKmodSourceVersionFailsWithExit2) {
  RunOutcome out =
      run("tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
          "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
          "[[kmod]]\nname = \"kmod-99\"\nsource = \"debian-source\"\nversion = \"99.9-9\"\n");
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(out.output.find("99.9-9"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("fix:"), std::string::npos) << out.output;
  EXPECT_TRUE(results_dir_is_empty()) << "a rejected run left a run directory behind";
}

using e2e::spawn;

TEST_F(EndToEnd, KillNineThenResumeFinishesEveryCell) {
  // Two cells; the orchestrator dies by SIGKILL once the first is recorded.
  write_file_atomically(dir_ / "matrix.toml", matrix("\"kmod:0001\", \"kmod:0003\"", 1, 256));
  std::string text = read_file(dir_ / "matrix.toml");
  text.replace(text.find("memory_mib = [256]"), 18, "memory_mib = [256, 384]");
  write_file_atomically(dir_ / "matrix.toml", text);
  const pid_t child =
      spawn({KMX_BINARY, "run", (dir_ / "matrix.toml").string(), "--results", (dir_ / "results").string()});
  // Wait until cell 0 is recorded and cell 1's VM runs, so the kill leaves
  // both a cell journal (cells.jsonl: results.json is rendered only at the
  // end) and an orphaned domain behind.
  const std::string second_cell = "kmx-" + std::to_string(child) + "-";
  fs::path run_dir;
  bool second_running = false;
  for (int i = 0; i < 900 && (run_dir.empty() || !second_running); ++i) {
    ::usleep(200 * 1000);
    for (const auto& d : fs::directory_iterator(dir_ / "results")) {
      if (!fs::exists(d.path() / "cells.jsonl")) continue;
      std::set<std::string> recorded;
      std::istringstream journal(read_file(d.path() / "cells.jsonl"));
      for (std::string line; std::getline(journal, line);) {
        auto entry = nlohmann::json::parse(line, nullptr, false);
        if (!entry.is_discarded() && entry.contains("cell")) recorded.insert(entry["cell"].value("id", ""));
      }
      if (recorded.size() == 1) run_dir = d.path();
    }
    for (const auto& name : running_domains())
      second_running = second_running || (name.rfind(second_cell, 0) == 0 && name.find("-c1-") != std::string::npos);
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ASSERT_FALSE(run_dir.empty()) << "the first cell never got recorded";
  ASSERT_TRUE(second_running) << "the second cell's VM never started";

  BoostProcessRunner runner;
  ProcessResult r =
      runner.run({KMX_BINARY, "run", "--resume", run_dir.filename().string(), "--results", (dir_ / "results").string()},
                 {.timeout = std::chrono::seconds(900)});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto doc = nlohmann::json::parse(read_file(run_dir / "results.json"));
  ASSERT_EQ(doc["cells"].size(), 2u) << doc.dump(1);
  for (const auto& cell : doc["cells"]) {
    ASSERT_EQ(cell["tests"].size(), 2u) << cell.dump(1);
    for (const auto& t : cell["tests"]) EXPECT_EQ(t["verdict"], "PASS") << t.dump();
  }
  EXPECT_EQ(domains_left_after_teardown("kmx-" + std::to_string(child) + "-").size(), 0u);
}

TEST_F(EndToEnd, SigintStopsCleanlyAndKeepsWhatFinished) {
  write_file_atomically(dir_ / "matrix.toml",
                        matrix("\"kmod:0001\", \"fault:hang\"", 1, 256, "[timeouts]\ntest_s = 600\n"));
  const pid_t child =
      spawn({KMX_BINARY, "run", (dir_ / "matrix.toml").string(), "--results", (dir_ / "results").string()});
  const std::string prefix = "kmx-" + std::to_string(child) + "-";
  // Interrupt while fault:hang sleeps, after kmod:0001 has finished.
  bool hanging = false;
  for (int i = 0; i < 600 && !hanging; ++i) {
    ::usleep(200 * 1000);
    for (const auto& d : fs::directory_iterator(dir_ / "results"))
      for (const auto& log : {d.path() / "cells/debian-6.1.host.1cpu.256M/boot-1/agent.log"})
        hanging = hanging || (fs::exists(log) && read_file(log).find("\"test\":\"fault:hang\"") != std::string::npos);
  }
  ASSERT_TRUE(hanging);
  interrupt_and_expect_a_clean_end(child, prefix);
  nlohmann::json doc;
  for (const auto& d : fs::directory_iterator(dir_ / "results"))  // run directories beside history.db
    if (d.is_directory()) doc = nlohmann::json::parse(read_file(d.path() / "results.json"));
  ASSERT_EQ(doc["cells"].size(), 1u);
  // The interrupted test has no verdict, so --resume runs it again.
  ASSERT_EQ(doc["cells"][0]["tests"].size(), 1u) << doc.dump(1);
  EXPECT_EQ(doc["cells"][0]["tests"][0]["id"], "kmod:0001");
  EXPECT_EQ(doc["cells"][0]["tests"][0]["verdict"], "PASS");
}

// Every cell's VM is made paused ahead of its boot (the first while the run
// is set up, the second while the first runs), and each boot is then only a
// resume: the run says so in --timings, and every verdict and domain is as
// without it.
TEST_F(EndToEnd, TheNextCellsVmIsMadeAheadAndOnlyResumed) {
  const fs::path file = dir_ / "matrix.toml";
  std::string text = matrix("\"kmod:0001\"", 1, 256);
  text.replace(text.find("memory_mib = [256]"), 18, "memory_mib = [256, 320]");
  write_file_atomically(file, text);
  ProcessResult r = BoostProcessRunner().run(
      {KMX_BINARY, "run", file.string(), "--results", (dir_ / "results").string(), "--timings"},
      {.timeout = std::chrono::seconds(900)});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto count_of = [&](const std::string& phase) {
    const auto at = r.output.find("\n" + phase);
    if (at == std::string::npos) return -1;
    std::istringstream line(r.output.substr(at + 1 + 44, 8));
    int count = -1;
    line >> count;
    return count;
  };
  EXPECT_EQ(count_of("boot: resume of the VM made ahead (libvirt)"), 2) << r.output;
  EXPECT_EQ(count_of("VM made ahead, paused (libvirt, off path)"), 2) << r.output;
  EXPECT_EQ(count_of("boot: domain define and start (libvirt)"), -1) << r.output;  // no boot on the path
  nlohmann::json doc;
  for (const auto& d : fs::directory_iterator(dir_ / "results"))
    if (d.is_directory()) doc = nlohmann::json::parse(read_file(d.path() / "results.json"));
  ASSERT_EQ(doc["cells"].size(), 2u);
  for (const auto& cell : doc["cells"]) {
    EXPECT_EQ(cell["tests"][0]["verdict"], "PASS") << cell.dump();
    EXPECT_EQ(cell["guest_uname"], "6.1.0-56-amd64");
  }
}

// A run stopped while the next cell's VM waits, made ahead, leaves neither
// that domain nor the directories made for its logs.
TEST_F(EndToEnd, AStopLeavesNoVmMadeAheadNorItsDirectories) {
  std::string text = matrix("\"fault:hang\"", 1, 256, "[timeouts]\ntest_s = 600\n");
  text.replace(text.find("memory_mib = [256]"), 18, "memory_mib = [256, 320]");
  write_file_atomically(dir_ / "matrix.toml", text);
  const pid_t child =
      spawn({KMX_BINARY, "run", (dir_ / "matrix.toml").string(), "--results", (dir_ / "results").string()});
  const std::string prefix = "kmx-" + std::to_string(child) + "-";
  std::size_t domains = 0;
  fs::path run_dir;
  bool hanging = false;
  for (int i = 0; i < 600 && !(hanging && domains == 2); ++i) {
    ::usleep(200 * 1000);
    domains = 0;
    for (const auto& name : running_domains()) domains += name.rfind(prefix, 0) == 0;
    for (const auto& d : fs::directory_iterator(dir_ / "results"))
      if (d.is_directory() && fs::exists(d.path() / "cells"))
        for (const auto& cell : fs::directory_iterator(d.path() / "cells")) {
          run_dir = d.path();
          const fs::path log = cell.path() / "boot-1/agent.log";
          hanging = hanging || (fs::exists(log) && read_file(log).find("\"test\":\"fault:hang\"") != std::string::npos);
        }
  }
  ASSERT_TRUE(hanging);
  ASSERT_EQ(domains, 2u) << "the hanging cell's VM and the next one's, made ahead";
  interrupt_and_expect_a_clean_end(child, prefix);
  std::vector<std::string> cell_dirs;
  for (const auto& cell : fs::directory_iterator(run_dir / "cells")) cell_dirs.push_back(cell.path().filename());
  EXPECT_EQ(cell_dirs.size(), 1u) << "only the cell that ran has a directory";
}

TEST_F(EndToEnd, VmThatCannotStartIsRetriedThenErrorWithItsCause) {
  // QEMU's pc machine takes at most 255 vCPUs: libvirt fails to start it.
  RunOutcome out = run(matrix("\"kmod:0001\"", 256, 256));
  EXPECT_EQ(out.exit_code, 3) << out.output;  // only infrastructure failed: CI retries, no regression
  const auto& t = test_of(out, "kmod:0001");
  EXPECT_EQ(t["verdict"], "ERROR") << out.output;
  EXPECT_NE(t["evidence"].get<std::string>().find("VM did not start"), std::string::npos) << t.dump();
  EXPECT_NE(t["evidence"].get<std::string>().find("255"), std::string::npos) << t.dump();
  // 3 start attempts, then 2 infrastructure retries of 3 attempts each.
  EXPECT_EQ(out.results["cells"][0]["boots"].size(), 9u);
}

TEST_F(EndToEnd, KillNineLeavesNoDomainBehind) {
  write_file_atomically(dir_ / "matrix.toml", matrix("\"fault:hang\"", 1, 256, "[timeouts]\ntest_s = 600\n"));
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl(KMX_BINARY, KMX_BINARY, "run", (dir_ / "matrix.toml").c_str(), "--results", (dir_ / "results").c_str(),
            static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string prefix = "kmx-" + std::to_string(child) + "-";
  bool seen = false;
  for (int i = 0; i < 240 && !seen; ++i) {
    for (const auto& name : running_domains()) seen = seen || name.rfind(prefix, 0) == 0;
    if (!seen) ::usleep(500 * 1000);
  }
  ASSERT_TRUE(seen) << "the run never started a domain";
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  // The orchestrator is gone and so, with its connection, is its VM: it was
  // started with autodestroy. (Domains that still outlive a run, e.g. when
  // libvirtd restarted under it, are cleanup's: RemoteHostEndToEnd.Cleanup*.)
  const auto left = domains_left_after_teardown(prefix);
  EXPECT_EQ(left.size(), 0u) << (left.empty() ? "" : left.front());

  BoostProcessRunner runner;
  ProcessResult r = runner.run({KMX_BINARY, "cleanup"}, {.timeout = std::chrono::seconds(120)});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ProcessResult qemu = runner.run({"pgrep", "-f", "guest=" + prefix});
  EXPECT_NE(qemu.exit_code, 0) << "qemu still running: " << qemu.output;
}

}  // namespace
}  // namespace kmx
