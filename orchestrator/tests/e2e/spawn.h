// The e2e tests' way to start kmod-matrix in the background, so that a test
// can signal it (SIGKILL, SIGINT) mid-run; BoostProcessRunner waits instead.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace kmx::e2e {

// fork + execv of argv[0] (a path); the child exits 127 if that fails.
inline pid_t spawn(const std::vector<std::string>& args) {
  const pid_t child = ::fork();
  if (child == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  return child;
}

}  // namespace kmx::e2e
