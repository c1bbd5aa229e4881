// What a stuck test leaves for the maintainer: the agent's dump of the
// test's processes (state, wchan, /proc/<pid>/stack) and the kernel's own
// sysrq w / t output on the console, cut from where it starts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kmx {

inline constexpr std::size_t kMaxSysrqExcerptBytes = 512 * 1024;

// The console from the first "sysrq: Show Blocked State" or "sysrq: Show
// State" line at or after `from` (a byte offset) to the end, at most
// kMaxSysrqExcerptBytes; "" when there is none.
std::string sysrq_excerpt(std::string_view console, std::size_t from = 0);

// One line quoting the first blocked task and the top of its kernel stack:
// from the agent's dump (a D-state process, else the first process listed),
// else from the kernel's "task:<comm> state:D" report; "" when neither has one.
std::string first_blocked_stack(std::string_view agent_dump, std::string_view sysrq_text);

}  // namespace kmx
