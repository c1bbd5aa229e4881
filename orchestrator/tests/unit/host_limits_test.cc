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
  EXPECT_THAT(problem, HasSubstr("m.toml: memory_mib = 4096 exceeds this host's 2048 MiB"));
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

}  // namespace
}  // namespace kmx
