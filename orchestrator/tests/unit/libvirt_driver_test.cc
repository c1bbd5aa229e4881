#include "vm/libvirt_driver.h"

#include <gtest/gtest.h>

namespace kmx {
namespace {

// Only a URI that names no host shares this machine's files.
TEST(LibvirtUri, LocalOnlyWithoutAHost) {
  EXPECT_TRUE(uri_is_local("qemu:///system"));
  EXPECT_TRUE(uri_is_local("qemu:///session"));
  EXPECT_TRUE(uri_is_local("qemu+unix:///system"));
  EXPECT_TRUE(uri_is_local("test:///default"));
  EXPECT_FALSE(uri_is_local("qemu+tcp://127.0.0.1:16599/system"));
  EXPECT_FALSE(uri_is_local("qemu+ssh://lab1/system"));
  EXPECT_FALSE(uri_is_local("qemu://lab1/system"));
  EXPECT_FALSE(uri_is_local("qemu+tcp:///system"));  // the transport reaches over a network
}

}  // namespace
}  // namespace kmx
