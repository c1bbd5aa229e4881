#include "matrix/host_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "matrix/matrix.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string error_of(const std::string& text) {
  try {
    parse_hosts_file(text, "hosts.toml");
  } catch (const MatrixError& e) {
    return e.what();
  }
  return "";
}

TEST(HostList, ReadsEntriesWithCapsAndLabels) {
  const auto hosts = parse_hosts_file(R"(
[[host]]
uri = "qemu+ssh://lab1/system"
cpus = 16
memory_mib = 65536
labels = ["kvm", "rack-2"]

[[host]]
uri = "qemu+tcp://127.0.0.1:16599/system"
)",
                                      "hosts.toml");
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0], (HostEntry{"qemu+ssh://lab1/system", 16, 65536, {"kvm", "rack-2"}}));
  EXPECT_EQ(hosts[1], (HostEntry{"qemu+tcp://127.0.0.1:16599/system"}));
}

TEST(HostList, BadEntriesNameTheirPlaceAndTheFix) {
  EXPECT_THAT(error_of("[[host]]\nurl = \"qemu:///system\"\n"),
              HasSubstr("hosts.toml:2:7: unknown key 'url' in host[0]\n  fix: did you mean 'uri'?"));
  EXPECT_THAT(error_of("[[host]]\nuri = \"lab1\"\n"), HasSubstr("hosts.toml:2:7: libvirt URI 'lab1' has no scheme"));
  EXPECT_THAT(error_of("[[host]]\nuri = \"qemu:///system\"\ncpus = 0\n"), HasSubstr("hosts.toml:3:8"));
  EXPECT_THAT(error_of("[[host]]\nuri = \"qemu:///system\"\nlabels = [1]\n"), HasSubstr("fix: labels = "));
  EXPECT_THAT(error_of("[[host]]\ncpus = 2\n"), HasSubstr("has no 'uri'"));
  EXPECT_THAT(error_of("hosts = 1\n"), HasSubstr("unknown key 'hosts'"));
  EXPECT_THAT(error_of(""), HasSubstr("lists no host"));
  EXPECT_THAT(error_of("[[host]\n"), HasSubstr("hosts.toml:1:"));
}

TEST(HostList, ConnectComesFirstAndAHostTwiceIsRefused) {
  const auto hosts = host_list({"qemu:///system"}, {{"qemu+ssh://lab1/system", 8, 0, {"kvm"}}});
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].uri, "qemu:///system");
  EXPECT_THAT(hosts[1].labels, ElementsAre("kvm"));
  EXPECT_THROW(host_list({"qemu:///system", "qemu:///system"}, {}), MatrixError);
  EXPECT_THROW(host_list({"qemu:///system"}, {{"qemu:///system"}}), MatrixError);
  EXPECT_THROW(host_list({"qemu:///sys tem"}, {}), MatrixError);
  EXPECT_TRUE(host_list({}, {}).empty());
}

TEST(HostList, UriProblems) {
  EXPECT_EQ(uri_problem("qemu:///system"), "");
  EXPECT_EQ(uri_problem("qemu+ssh://root@lab1:2222/system?keyfile=/k"), "");
  EXPECT_THAT(uri_problem(""), HasSubstr("empty"));
  EXPECT_THAT(uri_problem("qemu:///system\n"), HasSubstr("control character"));
  EXPECT_THAT(uri_problem("q/emu://x/system"), HasSubstr("malformed scheme"));
}

}  // namespace
}  // namespace kmx
