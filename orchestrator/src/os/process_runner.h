// Runs external programs: argv in, exit status and output out. Never a shell
// string. The one real implementation uses Boost.Process; tests use a fake.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kmx {

struct ProcessOptions {
  std::filesystem::path cwd;               // empty: inherit
  std::chrono::seconds timeout{0};         // 0: no limit
  std::map<std::string, std::string> env;  // added to the inherited environment
  std::filesystem::path output_file;       // empty: capture into ProcessResult::output
  // Called about once a second while the program runs, with the path its
  // output goes to (long builds report progress from it).
  std::function<void(const std::filesystem::path& output)> on_poll;
};

struct ProcessResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string output;       // stdout and stderr merged; the last 1 MiB at most
  std::string start_error;  // non-empty when the program could not be started

  bool ok() const { return start_error.empty() && !timed_out && exit_code == 0; }
  // One line for an error message: what ran, how it ended, the output's tail.
  std::string describe(const std::vector<std::string>& argv) const;
};

// "-jN" for make and ninja: one job per online CPU.
std::string parallel_jobs_flag();

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options = {}) = 0;
};

class BoostProcessRunner : public ProcessRunner {
 public:
  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options = {}) override;
};

}  // namespace kmx
