// The OOM killer's own account of its victim, from the console line
// "Out of memory: Killed process 311 (modprobe) total-vm:9000kB,
// anon-rss:800kB, file-rss:100kB, shmem-rss:0kB, UID:0 ...".
#pragma once

#include <optional>
#include <string_view>

#include "verdict/test_details.h"

namespace kmx {

// The victim and its sizes, each figure only when the line has it; nothing
// when the line names no victim.
std::optional<OomKill> parse_oom_victim(std::string_view line);

}  // namespace kmx
