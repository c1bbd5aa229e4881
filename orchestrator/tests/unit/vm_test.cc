// vm/: the libvirt domain XML and domain names that carry their owner
// (file_tail_test.cc and accel_probe_test.cc hold the rest of vm/).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "vm/domain_name.h"
#include "vm/domain_xml.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace kmx::testing;

VmSpec spec(Accel accel) {
  return VmSpec{"kmx-4821-20261122-233800-4821-c3-b1",
                accel,
                2,
                1024,
                "/var/cache/kmod-matrix/kernels/k/root/boot/vmlinuz-6.1.0-56-amd64",
                "/var/cache/kmod-matrix/images/i/initrd.cpio",
                "console=ttyS0,115200 panic=-1 kmx.tests=kmod:0001@300",
                "/work/results/r/cells/c/boot-1/console.log",
                "/work/results/r/cells/c/boot-1/agent.log"};
}

const DomainOwner kOwner{"machine-a", "boot-1", 4821};

std::string xml_of(const VmSpec& s) { return domain_xml(s, local_placement(s, kOwner)); }

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

TEST(DomainXml, TcgUsesQemuDomainWithoutHostCpu) {
  const std::string xml = xml_of(spec(Accel::kTcg));
  EXPECT_THAT(xml, HasSubstr("<domain type='qemu'>"));
  EXPECT_THAT(xml, Not(HasSubstr("host-passthrough")));
}

TEST(DomainXml, KvmUsesKvmDomainWithHostPassthrough) {
  const std::string xml = xml_of(spec(Accel::kKvm));
  EXPECT_THAT(xml, HasSubstr("<domain type='kvm'>"));
  EXPECT_THAT(xml, HasSubstr("<cpu mode='host-passthrough'/>"));
}

TEST(DomainXml, CarriesShapeKernelAndCmdline) {
  const std::string xml = xml_of(spec(Accel::kTcg));
  EXPECT_THAT(xml, HasSubstr("<name>kmx-4821-20261122-233800-4821-c3-b1</name>"));
  EXPECT_THAT(xml, HasSubstr("<memory unit='MiB'>1024</memory>"));
  EXPECT_THAT(xml, HasSubstr("<vcpu>2</vcpu>"));
  EXPECT_THAT(xml, HasSubstr("<kernel>/var/cache/kmod-matrix/kernels/k/root/boot/vmlinuz-6.1.0-56-amd64</kernel>"));
  EXPECT_THAT(xml, HasSubstr("<cmdline>console=ttyS0,115200 panic=-1 kmx.tests=kmod:0001@300</cmdline>"));
}

TEST(DomainXml, EscapesPathsAndCmdline) {
  VmSpec s = spec(Accel::kTcg);
  s.kernel = "/tmp/a&b/<vmlinuz>";
  s.console_log = "/tmp/it's \"here\"/console.log";
  s.cmdline = "kmx.tests=a<b&c";
  const std::string xml = xml_of(s);
  EXPECT_THAT(xml, HasSubstr("<kernel>/tmp/a&amp;b/&lt;vmlinuz&gt;</kernel>"));
  EXPECT_THAT(xml, HasSubstr("<source path='/tmp/it&#39;s &quot;here&quot;/console.log'/>"));
  EXPECT_THAT(xml, HasSubstr("<cmdline>kmx.tests=a&lt;b&amp;c</cmdline>"));
}

TEST(DomainXml, HasTwoSerialPortsToFiles) {
  const std::string xml = xml_of(spec(Accel::kTcg));
  EXPECT_EQ(count(xml, "<serial type='file'>"), 2u);
  EXPECT_THAT(xml, HasSubstr("<source path='/work/results/r/cells/c/boot-1/console.log'/><target port='0'/>"));
  EXPECT_THAT(xml, HasSubstr("<source path='/work/results/r/cells/c/boot-1/agent.log'/><target port='1'/>"));
}

TEST(DomainXml, IsDestroyedOnCrashRebootAndPoweroff) {
  const std::string xml = xml_of(spec(Accel::kTcg));
  EXPECT_THAT(xml, HasSubstr("<on_crash>destroy</on_crash>"));
  EXPECT_THAT(xml, HasSubstr("<on_reboot>destroy</on_reboot>"));
  EXPECT_THAT(xml, HasSubstr("<on_poweroff>destroy</on_poweroff>"));
}

TEST(DomainXml, MetadataNamesTheOwner) {
  const std::string xml = xml_of(spec(Accel::kTcg));
  EXPECT_THAT(xml, HasSubstr("<metadata><kmx:owner xmlns:kmx='" + std::string(kOwnerNamespace) +
                             "' host='machine-a' boot='boot-1' pid='4821'/></metadata>"));
}

// A host that shares no file: the image from its storage pool, the ports
// as ptys that the driver reads over libvirt streams.
TEST(DomainXml, RemotePlacementUsesTheHostsPathsAndPtys) {
  const VmSpec s = spec(Accel::kTcg);
  const std::string xml = domain_xml(
      s, {"/var/lib/libvirt/kmod-matrix/sha256-aa", "/var/lib/libvirt/kmod-matrix/sha256-bb", false, kOwner});
  EXPECT_THAT(xml, HasSubstr("<kernel>/var/lib/libvirt/kmod-matrix/sha256-aa</kernel>"));
  EXPECT_THAT(xml, HasSubstr("<initrd>/var/lib/libvirt/kmod-matrix/sha256-bb</initrd>"));
  EXPECT_EQ(count(xml, "<serial type='pty'>"), 2u);
  EXPECT_THAT(xml, Not(HasSubstr("console.log")));
  EXPECT_THAT(xml, Not(HasSubstr("/var/cache/kmod-matrix")));
}

TEST(DomainXml, HasNoNetwork) { EXPECT_THAT(xml_of(spec(Accel::kKvm)), Not(HasSubstr("<interface"))); }

TEST(DomainName, RoundTripsTheOwnerPid) {
  const std::string name = domain_name(4821, "20261122-233800-4821", 3, 2);
  EXPECT_EQ(name, "kmx-4821-20261122-233800-4821-c3-b2");
  EXPECT_EQ(domain_owner_pid(name), 4821);
}

TEST(DomainName, RejectsNonNumericOwner) {
  EXPECT_EQ(domain_owner_pid("kmx-abc-20261122-233800-1-c0-b1"), std::nullopt);
}

TEST(DomainName, RejectsOtherPrefixes) { EXPECT_EQ(domain_owner_pid("other-1-20261122-233800-1-c0-b1"), std::nullopt); }

TEST(DomainName, RejectsMissingRestAndZeroPid) {
  EXPECT_EQ(domain_owner_pid("kmx-4821"), std::nullopt);
  EXPECT_EQ(domain_owner_pid("kmx-0-run-c0-b1"), std::nullopt);
  EXPECT_EQ(domain_owner_pid("kmx--5-run-c0-b1"), std::nullopt);
}

}  // namespace
}  // namespace kmx
