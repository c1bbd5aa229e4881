// The kernel's view of a test about to be killed at its limit: sysrq w
// (blocked tasks, to the console) and, for every process of the test's
// group and every task in uninterruptible sleep, its state, wchan and
// /proc/<pid>/stack.
#pragma once

#include <sys/types.h>

#include <string>

namespace kmx::agent {

// sysrq w: the kernel lists its blocked tasks on the console.
void request_blocked_task_dump();

// The processes' side, at most protocol::kMaxHangDumpBytes.
std::string collect_hang_dump(pid_t test_pgrp);

}  // namespace kmx::agent
