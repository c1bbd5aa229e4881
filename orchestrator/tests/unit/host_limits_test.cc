// cli/host_limits: a matrix that cannot fit this host is refused before anything boots.
#include "cli/host_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_matrix.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

Matrix matrix_with_memory(const std::string& memory) {
  return parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = " + memory +
          "\n[[kernel]]\nname = \"k\"\npackage = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"h\"\n",
      "m.toml");
}

TEST(HostLimits, MemoryThatFitsIsAccepted) {
  EXPECT_THAT(check_host_limits(matrix_with_memory("[512, 1024]"), HostLimits{2048, 2}), IsEmpty());
}

TEST(HostLimits, MemoryBeyondTheHostNamesTheValueAndTheFix) {
  const std::string problem = check_host_limits(matrix_with_memory("[512, 4096]"), HostLimits{2048, 2});
  EXPECT_THAT(problem, HasSubstr("m.toml:3:20: memory_mib = 4096 exceeds this host's 2048 MiB"));
  EXPECT_THAT(problem, HasSubstr("fix: lower memory_mib to at most 2048"));
}

TEST(HostLimits, UnknownHostMemoryChecksNothing) {
  EXPECT_THAT(check_host_limits(matrix_with_memory("[4096]"), HostLimits{0, 2}), IsEmpty());
}

TEST(HostLimits, DetectReadsThisHost) {
  const HostLimits host = HostLimits::detect();
  EXPECT_GT(host.cpus, 0);
  EXPECT_GT(host.memory_mib, 0);
}

// Issue 29: memory_mib = 4000000 had no place in its error.
TEST(HostLimits, TheErrorPointsAtTheValue) {
  EXPECT_THAT(check_host_limits(matrix_with_memory("[512,\n 4000000]"), HostLimits{24000, 2}),
              HasSubstr("m.toml:4:2: memory_mib = 4000000 exceeds this host's 24000 MiB"));
}

// Issue 29: vcpus = [64] on a 2-CPU host runs over-committed: a warning
// that says so, at the value.
TEST(HostLimits, MoreVcpusThanTheHostHasCpusIsAWarningAtTheValue) {
  const Matrix m = parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1, 64]\nmemory_mib = [512]\n[[kernel]]\nname = \"k\"\n"
      "package = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"h\"\n",
      "m.toml");
  EXPECT_THAT(host_limit_warnings(m, HostLimits{24000, 2}),
              ::testing::ElementsAre(HasSubstr("m.toml:2:13: vcpus = 64 is more than this host's 2 CPUs")));
  EXPECT_THAT(host_limit_warnings(m, HostLimits{24000, 64}), IsEmpty());
}

}  // namespace
}  // namespace kmx
