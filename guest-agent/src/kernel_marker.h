// The begin/end markers the agent writes to /dev/kmsg around each test. Each
// carries a fresh random nonce that the agent reports on its own channel only
// after the write: a test (even root, reading /proc/cmdline and the kernel
// log) cannot know a marker's nonce before it is on the console, so it cannot
// forge a boundary the host accepts. See docs/agent-protocol.md.
#pragma once

#include <string>
#include <string_view>

namespace kmx::agent {

// protocol::kMarkerNonceBytes from /dev/urandom as lowercase hex; never blocks.
std::string random_marker_nonce();

// "<6>kmod-matrix: begin <test> <nonce>\n" for kind "begin" (or "end").
std::string kernel_marker_record(std::string_view kind, std::string_view test, std::string_view nonce);

}  // namespace kmx::agent
