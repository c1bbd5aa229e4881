// matrix/: TOML text -> Matrix -> cells, errors that point at the culprit.
#include "matrix/matrix.h"
#include "builtin_matrix.h"
#include "images/debian_kernel_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "matrix/test_catalog.h"
#include "test_paths.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Line numbers matter: the error tests below replace or append lines.
constexpr std::string_view kBase =
    "name = \"unit\"\n"                              // 1
    "tests = [\"kmod:0001-0004\", \"kmod:0010\"]\n"  // 2
    "vcpus = [1, 2]\n"                               // 3
    "memory_mib = [512, 1024]\n"                     // 4
    "\n"                                             // 5
    "[[kernel]]\n"                                   // 6
    "name = \"debian-6.1\"\n"                        // 7
    "package = \"linux-image-6.1.0-56-amd64\"\n"     // 8
    "\n"                                             // 9
    "[[kmod]]\n"                                     // 10
    "name = \"host\"\n";                             // 11

constexpr std::string_view kSecondKernel =
    "[[kernel]]\n"                                      // 12
    "name = \"debian-6.12\"\n"                          // 13
    "package = \"linux-image-6.12.57+deb12-amd64\"\n";  // 14

// kBase with line `line` (1-based) replaced; an empty replacement keeps the
// line count by leaving a blank line.
std::string with_line(int line, const std::string& replacement, std::string_view text = kBase) {
  std::istringstream in{std::string(text)};
  std::string out;
  int n = 0;
  for (std::string l; std::getline(in, l);) out += (++n == line ? replacement : l) + "\n";
  return out;
}

std::string error_of(const std::string& text) {
  try {
    parse_matrix_text(text, "unit.toml");
  } catch (const MatrixError& e) {
    return e.what();
  }
  return "(no error)";
}

// Every MatrixError names the position and says how to fix it.
void expect_error_at(const std::string& text, const std::string& line_col, const std::string& problem) {
  const std::string error = error_of(text);
  EXPECT_THAT(error, StartsWith("unit.toml:" + line_col + ": ")) << error;
  EXPECT_THAT(error, HasSubstr(problem)) << error;
  EXPECT_THAT(error, HasSubstr("fix:")) << error;
}

TEST(Matrix, ParsesNameAxesAndKernel) {
  Matrix m = parse_matrix_text(kBase, "unit.toml");
  EXPECT_EQ(m.name, "unit");
  EXPECT_THAT(m.vcpus, ElementsAre(1, 2));
  EXPECT_THAT(m.memory_mib, ElementsAre(512, 1024));
  ASSERT_EQ(m.kernels.size(), 1u);
  EXPECT_EQ(m.kernels[0].source, "debian");
  EXPECT_EQ(m.kernels[0].settings_as<DebianKernelSpec>().package, "linux-image-6.1.0-56-amd64");
  EXPECT_EQ(m.kernels[0].location, "unit.toml:6:1");
  ASSERT_EQ(m.kmods.size(), 1u);
  EXPECT_EQ(m.kmods[0].source, "host");
}

TEST(Matrix, PvhBootIsOnUnlessTheMatrixAsksForTheBzImagesOwnBoot) {
  EXPECT_TRUE(parse_matrix_text(kBase, "unit.toml").pvh_boot);
  EXPECT_FALSE(parse_matrix_text(with_line(5, "pvh_boot = false"), "unit.toml").pvh_boot);
  expect_error_at(with_line(5, "pvh_boot = \"no\""), "5:12", "pvh_boot must be true or false");
}

TEST(Matrix, NameDefaultsToFileStem) {
  EXPECT_EQ(parse_matrix_text(with_line(1, ""), "matrices/nightly.toml").name, "nightly");
}

TEST(Matrix, TestRangesExpandInDeclarationOrder) {
  Matrix m = parse_matrix_text(kBase, "unit.toml");
  EXPECT_THAT(m.tests, ElementsAre("kmod:0001", "kmod:0002", "kmod:0003", "kmod:0004", "kmod:0010"));
}

TEST(Matrix, CellsExpandKernelByKmodByVcpusByMemory) {
  Matrix m = parse_matrix_text(std::string(kBase) + std::string(kSecondKernel), "unit.toml");
  std::vector<std::string> ids;
  for (const Cell& c : expand_cells(m)) {
    EXPECT_EQ(c.index, static_cast<int>(ids.size()));
    EXPECT_EQ(c.tests, m.tests);
    ids.push_back(c.id());
  }
  EXPECT_THAT(ids,
              ElementsAre("debian-6.1.host.1cpu.512M", "debian-6.1.host.1cpu.1024M", "debian-6.1.host.2cpu.512M",
                          "debian-6.1.host.2cpu.1024M", "debian-6.12.host.1cpu.512M", "debian-6.12.host.1cpu.1024M",
                          "debian-6.12.host.2cpu.512M", "debian-6.12.host.2cpu.1024M"));
}

TEST(MatrixErrors, TomlSyntaxErrorPointsAtTheBadToken) { expect_error_at(with_line(3, "vcpus = [1, 2"), "4:1", ""); }

TEST(MatrixErrors, UnknownKeyInTimeoutsPointsAtItsLine) {
  expect_error_at(std::string(kBase) + "[timeouts]\nboot_s = 60\ntest_secs = 300\n", "14:13",
                  "unknown key 'test_secs'");
}

TEST(MatrixErrors, MisspeltRequiredKeyIsReportedAsUnknownNotMissing) {
  expect_error_at(with_line(3, "vcpu = [1, 2]"), "3:8", "unknown key 'vcpu'");
  EXPECT_THAT(error_of(with_line(3, "vcpu = [1, 2]")), HasSubstr("did you mean 'vcpus'?"));
}

TEST(MatrixErrors, MisspeltKernelPackageIsReportedAsUnknown) {
  expect_error_at(with_line(8, "pakage = \"linux-image-6.1.0-56-amd64\""), "8:10",
                  "unknown key 'pakage' in [[kernel]]");
}

TEST(MatrixErrors, MemoryTooSmall) { expect_error_at(with_line(4, "memory_mib = [64]"), "4:15", "out of range"); }

TEST(MatrixErrors, MemoryTooBig) { expect_error_at(with_line(4, "memory_mib = [99999999]"), "4:15", "out of range"); }

TEST(MatrixErrors, ZeroVcpus) {
  expect_error_at(with_line(3, "vcpus = [1, 0]"), "3:13", "vcpus entry = 0 is out of range");
}

TEST(MatrixErrors, DuplicateAxisValue) { expect_error_at(with_line(3, "vcpus = [2, 2]"), "3:13", "lists 2 twice"); }

TEST(MatrixErrors, UnknownTestSuite) {
  expect_error_at(with_line(2, "tests = [\"foo:0001\"]"), "2:10", "unknown test suite 'foo'");
}

TEST(MatrixErrors, TestNumberOutsideSuite) {
  expect_error_at(with_line(2, "tests = [\"kmod:0014\"]"), "2:10", "outside suite 'kmod'");
}

TEST(MatrixErrors, MalformedTestId) {
  expect_error_at(with_line(2, "tests = [\"kmod:1\"]"), "2:10", "is not a test id");
}

TEST(MatrixErrors, DuplicateTestPointsAtTheSecondMention) {
  expect_error_at(with_line(2, "tests = [\"kmod:0001-0004\", \"kmod:0003\"]"), "2:28", "kmod:0003 is listed twice");
}

TEST(MatrixErrors, DuplicateKernelName) {
  expect_error_at(
      std::string(kBase) + "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.12.57+deb12-amd64\"\n", "12:1",
      "duplicate kernel name 'debian-6.1'");
}

TEST(MatrixErrors, ExpectationNamesUnknownKernel) {
  expect_error_at(std::string(kBase) + "[[expect]]\ntest = \"kmod:0002\"\nkernel = \"debian-7\"\nverdict = \"FAIL\"\n",
                  "14:10", "no [[kernel]] is named 'debian-7'");
}

TEST(MatrixErrors, ExpectationForTestNotRun) {
  expect_error_at(std::string(kBase) + "[[expect]]\ntest = \"kmod:0005\"\nverdict = \"FAIL\"\n", "13:8",
                  "which the matrix does not run");
}

TEST(MatrixErrors, BadVerdictString) {
  expect_error_at(std::string(kBase) + "[[expect]]\ntest = \"kmod:0002\"\nverdict = \"BROKEN\"\n", "14:11",
                  "not a verdict");
}

TEST(MatrixErrors, BadVerdictInList) {
  expect_error_at(std::string(kBase) + "[[expect]]\ntest = \"kmod:0002\"\nverdict = [\"FAIL\", \"CRASH\"]\n", "14:20",
                  "not a verdict");
}

TEST(MatrixErrors, MissingKernelTable) {
  std::string text = with_line(6, "");
  text = with_line(7, "", text);
  text = with_line(8, "", text);
  expect_error_at(text, "1:1", "the matrix has no [[kernel]]");
}

TEST(MatrixErrors, PackageMustBeLinuxImage) {
  expect_error_at(with_line(8, "package = \"linux-headers-6.1.0-56-amd64\""), "8:11", "is not a linux-image package");
}

TEST(MatrixErrors, UnsupportedKernelSource) {
  expect_error_at(with_line(8, "source = \"svn\""), "8:10", "kernel source 'svn' is not supported");
}

// Issue 14: names became directory names unchecked, so kernel "../x" put
// its cell directory outside the run directory.
TEST(MatrixErrors, NamesArePlainIdentifiers) {
  expect_error_at(with_line(7, "name = \"../x\""), "7:8", "kernel name '../x' contains '/'");
  expect_error_at(with_line(11, "name = \"a..b\""), "11:8", "kmod name 'a..b' contains \"..\"");
  expect_error_at(with_line(11, "name = \"kmod 30\""), "11:8", "contains a character other than");
  expect_error_at(with_line(11, "name = \".\""), "11:8", "kmod name '.' is \".\"");
  expect_error_at(with_line(1, "name = \"../x\""), "1:8", "matrix name '../x' contains '/'");
  expect_error_at(with_line(7, "name = \"" + std::string(65, 'k') + "\""), "7:8", "longer than 64 characters");
  EXPECT_NO_THROW(parse_matrix_text(with_line(7, "name = \"" + std::string(64, 'k') + "\""), "unit.toml"));
  EXPECT_NO_THROW(parse_matrix_text(with_line(11, "name = \"kmod_34.2-git\""), "unit.toml"));
}

TEST(MatrixErrors, AFileNameThatIsNoIdentifierNeedsAName) {
  try {
    parse_matrix_text(with_line(1, ""), "matrices/my matrix.toml");
    FAIL() << "no error";
  } catch (const MatrixError& e) {
    EXPECT_THAT(e.what(), StartsWith("matrices/my matrix.toml:1:1: the matrix name defaults to the file name"));
    EXPECT_THAT(e.what(), HasSubstr("fix: add name = "));
  }
}

// Issue 14: cell ids join names with '.', so kernel "a.b" with kmod "c" and
// kernel "a" with kmod "b.c" shared every cell directory.
TEST(MatrixErrors, KernelAndKmodNamesThatJoinAlikeAreRejected) {
  const std::string text = with_line(7, "name = \"a.b\"") +
                           "[[kernel]]\nname = \"a\"\npackage = \"linux-image-6.1.0-56-amd64\"\n" +
                           "[[kmod]]\nname = \"b.c\"\n";
  expect_error_at(with_line(11, "name = \"c\"", text), "12:1",
                  "kernel 'a' with kmod 'b.c' gives the same cell ids as kernel 'a.b' with kmod 'c'");
}

TEST(Matrix, DottedNamesThatDoNotCollideAreFine) {
  const std::string text = std::string(kBase) + std::string(kSecondKernel) + "[[kmod]]\nname = \"kmod-34.2\"\n";
  std::set<std::string> ids;
  for (const Cell& c : expand_cells(parse_matrix_text(text, "unit.toml"))) EXPECT_TRUE(ids.insert(c.id()).second);
  EXPECT_EQ(ids.size(), 16u);
}

// Issue 14: nothing bounded the matrix; its size is the product of the axes,
// known before a single cell is made.
TEST(MatrixErrors, MoreCellsThanTheLimitIsAnErrorBeforeExpansion) {
  std::string vcpus = "vcpus = [", memory = "memory_mib = [";
  for (int i = 1; i <= 101; ++i) vcpus += (i > 1 ? ", " : "") + std::to_string(i);
  for (int i = 0; i < 100; ++i) memory += (i > 0 ? ", " : "") + std::to_string(512 + i);
  const std::string text = with_line(4, memory + "]", with_line(3, vcpus + "]"));
  expect_error_at(text, "1:1",
                  "1 kernels x 1 kmods x 101 vcpus x 100 memory_mib = 10100 cells, more than the limit of 10000");
  EXPECT_THAT(error_of(text), HasSubstr("fix: shorten an axis, or raise the limit: [limits] max_cells = 10100"));
  EXPECT_EQ(parse_matrix_text(text + "[limits]\nmax_cells = 10100\n", "unit.toml").limits.max_cells, 10100u);
  expect_error_at(std::string(kBase) + "[limits]\nmax_cells = 3\n", "13:13", "= 4 cells, more than the limit of 3");
}

TEST(Matrix, CellCountSaturatesInsteadOfOverflowing) {
  Matrix m;
  m.kernels.resize(1 << 16);
  m.kmods.resize(1 << 16);
  m.vcpus.resize(1 << 16);
  m.memory_mib.resize(1 << 16);  // 2^64 cells
  EXPECT_EQ(cell_count(m), SIZE_MAX);
  m.memory_mib.clear();
  EXPECT_EQ(cell_count(m), 0u);
  EXPECT_EQ(cell_count(parse_matrix_text(kBase, "unit.toml")), 4u);
}

TEST(Matrix, LimitsSetTheOutputCapsInMib) {
  const Matrix m =
      parse_matrix_text(std::string(kBase) + "[limits]\nconsole_max_mib = 2\nagent_max_mib = 128\n", "unit.toml");
  EXPECT_EQ(m.limits.console_max_bytes, std::size_t{2} << 20);
  EXPECT_EQ(m.limits.agent_max_bytes, std::size_t{128} << 20);
  EXPECT_EQ(parse_matrix_text(kBase, "unit.toml").limits.console_max_bytes, std::size_t{64} << 20);
  expect_error_at(std::string(kBase) + "[limits]\nconsole_max_mib = 0\n", "13:19", "out of range");
  expect_error_at(std::string(kBase) + "[limits]\nconsole_cap = 2\n", "13:15", "unknown key 'console_cap'");
}

TEST(Matrix, ShippedMatricesParse) {
  const std::filesystem::path dir = std::filesystem::path(KMX_TESTDATA) / "../../../matrices";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    EXPECT_NO_THROW(parse_matrix_file(entry.path())) << entry.path();
    ++parsed;
  }
  EXPECT_GE(parsed, 3);
}

TEST(MatrixErrors, MissingFileSaysSo) {
  try {
    parse_matrix_file("/nonexistent/matrix.toml");
    FAIL() << "no error";
  } catch (const MatrixError& e) {
    EXPECT_THAT(e.what(), StartsWith("/nonexistent/matrix.toml: no such matrix file"));
  }
}

class MatrixExpectations : public ::testing::Test {
 protected:
  MatrixExpectations()
      : matrix_(parse_matrix_text(std::string(kBase) + std::string(kSecondKernel) +
                                      "[[expect]]\ntest = \"kmod:0002\"\nverdict = \"FAIL\"\nreason = \"general\"\n"
                                      "[[expect]]\ntest = \"kmod:0002\"\nkernel = \"debian-6.1\"\nverdict = \"oom\"\n"
                                      "reason = \"specific\"\n"
                                      "[[expect]]\ntest = \"kmod:0003\"\nverdict = [\"PASS\", \"SKIP\"]\n",
                                  "unit.toml")),
        cells_(expand_cells(matrix_)) {}
  const Cell& cell_of(const std::string& kernel) const {
    for (const auto& c : cells_)
      if (c.kernel.name == kernel) return c;
    throw std::logic_error("no cell for " + kernel);
  }
  Matrix matrix_;
  std::vector<Cell> cells_;
};

TEST_F(MatrixExpectations, DefaultIsPassWithoutReason) {
  Expected e = expected_for(matrix_, cell_of("debian-6.1"), "kmod:0001");
  EXPECT_THAT(e.verdicts, ElementsAre(Verdict::kPass));
  EXPECT_EQ(e.reason, "");
}

TEST_F(MatrixExpectations, LastMatchingExpectationWins) {
  Expected e = expected_for(matrix_, cell_of("debian-6.1"), "kmod:0002");
  EXPECT_THAT(e.verdicts, ElementsAre(Verdict::kOom));
  EXPECT_EQ(e.reason, "specific");
}

TEST_F(MatrixExpectations, KernelFilterSkipsOtherKernels) {
  Expected e = expected_for(matrix_, cell_of("debian-6.12"), "kmod:0002");
  EXPECT_THAT(e.verdicts, ElementsAre(Verdict::kFail));
  EXPECT_EQ(e.reason, "general");
}

TEST_F(MatrixExpectations, VerdictListAcceptsAnyListed) {
  Expected e = expected_for(matrix_, cell_of("debian-6.12"), "kmod:0003");
  EXPECT_THAT(e.verdicts, ElementsAre(Verdict::kPass, Verdict::kSkip));
  EXPECT_TRUE(e.matches(Verdict::kSkip));
  EXPECT_FALSE(e.matches(Verdict::kFail));
}

TEST(MatrixTimeouts, DefaultsWithoutTimeoutsTable) {
  Matrix m = parse_matrix_text(kBase, "unit.toml");
  EXPECT_EQ(m.timeouts.boot_s, 120);
  EXPECT_EQ(m.timeouts.for_test("kmod:0001"), 600);
}

TEST(MatrixTimeouts, PerTestOverrideAppliesOnlyToItsTest) {
  Matrix m = parse_matrix_text(std::string(kBase) + "[timeouts]\ntest_s = 300\nper_test = { \"kmod:0004\" = 900 }\n",
                               "unit.toml");
  EXPECT_EQ(m.timeouts.for_test("kmod:0004"), 900);
  EXPECT_EQ(m.timeouts.for_test("kmod:0001"), 300);
}

TEST(MatrixTimeouts, PerTestRangeAppliesToEveryTestInIt) {
  Matrix m = parse_matrix_text(
      std::string(kBase) + "[timeouts]\ntest_s = 300\nper_test = { \"kmod:0002-0003\" = 900 }\n", "unit.toml");
  EXPECT_EQ(m.timeouts.for_test("kmod:0001"), 300);
  EXPECT_EQ(m.timeouts.for_test("kmod:0002"), 900);
  EXPECT_EQ(m.timeouts.for_test("kmod:0003"), 900);
  EXPECT_EQ(m.timeouts.for_test("kmod:0004"), 300);
}

TEST(MatrixRounds, SetsKmodShRoundsPerTestAndRange) {
  const Matrix m =
      parse_matrix_text(std::string(kBase) + "[rounds]\n\"kmod:0009\" = 20\n\"kmod:0001-0002\" = 2\n", "unit.toml");
  EXPECT_EQ(m.rounds_for("kmod:0009"), 20);
  EXPECT_EQ(m.rounds_for("kmod:0002"), 2);
  EXPECT_EQ(m.rounds_for("kmod:0003"), 0);  // kmod.sh's own count
}

TEST(MatrixRounds, OnlyKmodShTestsRepeat) {
  expect_error_at(std::string(kBase) + "[rounds]\n\"ns:import\" = 3\n", "13:15", "only kmod.sh tests repeat");
}

TEST(MatrixRounds, CountMustBePositive) {
  expect_error_at(std::string(kBase) + "[rounds]\n\"kmod:0009\" = 0\n", "13:15", "rounds");
}

TEST(MatrixTimeouts, PerTestUnknownIdIsAnError) {
  expect_error_at(std::string(kBase) + "[timeouts]\nper_test = { \"kmod:0099\" = 900 }\n", "13:28", "outside suite");
}

TEST(TestCatalog, SingleIdExpandsToItself) {
  std::string error;
  auto ids = expand_test_pattern("kmod:0013", error);
  ASSERT_TRUE(ids);
  EXPECT_THAT(*ids, ElementsAre("kmod:0013"));
}

TEST(TestCatalog, NamedSuiteTestsAreKnown) {
  std::string error;
  for (const char* id : {"ns:import", "ns:missing-import", "ns:depmod", "softdep:pre-post", "softdep:circular",
                         "softdep:modprobe.d", "softdep:weakdep", "dups:storm", "fault:stall"}) {
    auto ids = expand_test_pattern(id, error);
    ASSERT_TRUE(ids) << id << ": " << error;
    EXPECT_EQ(*ids, std::vector<std::string>{id});
  }
}

TEST(TestCatalog, UnknownNameOfANamedSuiteListsItsTests) {
  std::string error;
  EXPECT_FALSE(expand_test_pattern("softdep:loop", error));
  EXPECT_NE(error.find("softdep:pre-post"), std::string::npos) << error;
  EXPECT_FALSE(expand_test_pattern("dups:0001", error));  // named suites take no numbers
}

TEST(TestCatalog, ReversedRangeIsRejected) {
  std::string error;
  EXPECT_FALSE(expand_test_pattern("kmod:0004-0001", error));
  EXPECT_THAT(error, HasSubstr("kmod:0001-0013"));
}

TEST(Verdicts, ParseIsCaseInsensitiveAndRoundTrips) {
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kOom, Verdict::kPanic, Verdict::kTimeout, Verdict::kHang,
                    Verdict::kSkip, Verdict::kError})
    EXPECT_EQ(parse_verdict(to_string(v)), v);
  EXPECT_EQ(parse_verdict("panic"), Verdict::kPanic);
  EXPECT_EQ(parse_verdict("CRASH"), std::nullopt);
}

// Issue 29: check named one problem at a time. Every independent part is
// read: each problem, with its place and fix, in file order.
TEST(MatrixErrors, EveryProblemIsNamedAtOnceInFileOrder) {
  std::string text = with_line(3, "vcpus = [0, 2]");
  text = with_line(5, "nope = 1", text);
  text = with_line(8, "package = \"vmlinuz\"", text);
  text += "[[kmod]]\nname = \"x/y\"\n";
  const std::string error = error_of(text);
  const auto at = [&](const std::string& place) { return error.find("unit.toml:" + place + ":"); };
  ASSERT_NE(at("3:10"), std::string::npos) << error;  // the vCPU count
  ASSERT_NE(at("5:8"), std::string::npos) << error;   // the unknown key
  ASSERT_NE(at("8:11"), std::string::npos) << error;  // the package
  ASSERT_NE(at("13:8"), std::string::npos) << error;  // the second kmod's name
  EXPECT_LT(at("3:10"), at("5:8"));
  EXPECT_LT(at("5:8"), at("8:11"));
  EXPECT_LT(at("8:11"), at("13:8"));
  std::size_t fixes = 0;
  for (std::size_t p = error.find("fix:"); p != std::string::npos; p = error.find("fix:", p + 1)) ++fixes;
  EXPECT_GE(fixes, 4u) << error;
}

TEST(Matrix, AxisValuesRememberWhereTheyAreWritten) {
  const Matrix m = parse_matrix_text(std::string(kBase), "unit.toml");
  EXPECT_EQ(m.vcpus_where, (std::vector<std::string>{"unit.toml:3:10", "unit.toml:3:13"}));
  EXPECT_EQ(m.memory_where.at(1), "unit.toml:4:20");
}

// [[known_issue]]: a filed failure, matched per cell as [[expect]] is.
TEST(KnownIssues, AreReadAndMatchedPerCell) {
  const Matrix m = parse_matrix_text(
      "tests = [\"kmod:0009\", \"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
      "[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12-amd64\"\n"
      "[[kmod]]\nname = \"host\"\n"
      "[[known_issue]]\ntest = \"kmod:0009\"\nkernel = \"debian-6.12\"\n"
      "link = \"https://bugzilla.kernel.org/show_bug.cgi?id=1\"\ntitle = \"request_module throttle\"\n"
      "[[known_issue]]\ntest = \"kmod:0001\"\nintermittent = false\nlink = \"KMX-7\"\n",
      "unit.toml");
  ASSERT_EQ(m.known_issues.size(), 2u);
  const auto cells = expand_cells(m);
  const auto on_612 = known_issue_for(m, cells[1], "kmod:0009");
  ASSERT_TRUE(on_612);
  EXPECT_EQ(on_612->link, "https://bugzilla.kernel.org/show_bug.cgi?id=1");
  EXPECT_EQ(on_612->title, "request_module throttle");
  EXPECT_TRUE(on_612->intermittent);
  EXPECT_FALSE(known_issue_for(m, cells[0], "kmod:0009"));
  const auto everywhere = known_issue_for(m, cells[0], "kmod:0001");
  ASSERT_TRUE(everywhere);
  EXPECT_FALSE(everywhere->intermittent);
}

TEST(KnownIssues, BadEntriesAreNamedWithTheirFix) {
  const std::string head =
      "tests = [\"kmod:0009\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"host\"\n";
  EXPECT_THAT(error_of(head + "[[known_issue]]\ntest = \"kmod:0009\"\n"), HasSubstr("has no link"));
  EXPECT_THAT(error_of(head + "[[known_issue]]\ntest = \"kmod:0001\"\nlink = \"x\"\n"),
              HasSubstr("known issue of kmod:0001, which the matrix does not run"));
  EXPECT_THAT(error_of(head + "[[known_issue]]\ntest = \"kmod:0009\"\nlink = \"a b\"\n"), HasSubstr("one word"));
  EXPECT_THAT(error_of(head + "[[known_issue]]\ntest = \"kmod:0009\"\nlink = \"x\"\nkernel = \"k\"\n"),
              HasSubstr("no [[kernel]] is named 'k'"));
  EXPECT_THAT(error_of(head + "[[known_issue]]\ntest = \"kmod:0009\"\nlink = \"x\"\nintermittent = \"yes\"\n"),
              HasSubstr("must be true or false"));
  EXPECT_THAT(error_of(head + "[[known_issue]]\ntest = \"kmod:0009\"\nlink = \"x\"\nurl = \"y\"\n"), HasSubstr("url"));
  EXPECT_THAT(error_of("known_issue = 3\n" + head), HasSubstr("write it as [[known_issue]]"));
}

}  // namespace
}  // namespace kmx
