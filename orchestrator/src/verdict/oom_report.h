// The OOM killer's own account of its victim, from the console line
// "Out of memory: Killed process 311 (modprobe) total-vm:9000kB,
// anon-rss:800kB, file-rss:100kB, shmem-rss:0kB, UID:0 ...".
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace kmx {

// {"victim", "pid", "total_vm_kib", "anon_rss_kib", "file_rss_kib",
// "shmem_rss_kib"}: each field only when the line has it; {} when the line
// names no victim.
nlohmann::json parse_oom_victim(std::string_view line);

}  // namespace kmx
