#include "os/process_runner.h"

#include <algorithm>
#include <boost/process.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "os/files.h"

namespace kmx {
namespace bp = boost::process;

std::string parallel_jobs_flag() { return "-j" + std::to_string(std::max(1u, std::thread::hardware_concurrency())); }

std::string ProcessResult::describe(const std::vector<std::string>& argv) const {
  std::ostringstream out;
  for (size_t i = 0; i < argv.size() && i < 6; ++i) out << (i ? " " : "") << argv[i];
  if (argv.size() > 6) out << " ...";
  if (!start_error.empty()) {
    out << ": could not start: " << start_error;
    return out.str();
  }
  if (timed_out)
    out << ": timed out";
  else
    out << ": exit status " << exit_code;
  std::string tail = output.size() > 800 ? output.substr(output.size() - 800) : output;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  if (!tail.empty()) out << "\n" << tail;
  return out.str();
}

ProcessResult BoostProcessRunner::run(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  if (argv.empty()) {
    result.start_error = "empty command";
    return result;
  }
  auto exe = bp::search_path(argv[0]);
  if (argv[0].find('/') != std::string::npos) exe = argv[0];
  if (exe.empty()) {
    result.start_error = argv[0] + " not found in PATH";
    return result;
  }
  TempFile capture;
  const std::filesystem::path out_path = options.output_file.empty() ? capture.path() : options.output_file;
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  auto env = boost::this_process::environment();
  for (const auto& [key, value] : options.env) env[key] = value;
  try {
    bp::child child(exe, bp::args(args), bp::start_dir(options.cwd.empty() ? "." : options.cwd.string()),
                    (bp::std_out & bp::std_err) > out_path.string(), bp::std_in < bp::null, env);
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    auto next_report = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    // Polling instead of wait_for(): the latter is unreliable in Boost 1.74.
    // From 1 ms up to 20 ms, so a quick command (qemu --version) costs
    // milliseconds, not a whole 20 ms poll.
    auto pause = std::chrono::milliseconds(1);
    while (child.running()) {
      if (options.on_poll && std::chrono::steady_clock::now() > next_report) {
        options.on_poll(out_path);
        next_report += std::chrono::seconds(1);
      }
      if (options.timeout.count() > 0 && std::chrono::steady_clock::now() > deadline) {
        result.timed_out = true;
        child.terminate();
        break;
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    child.wait();
    result.exit_code = child.exit_code();
  } catch (const std::exception& e) {
    result.start_error = e.what();
  }
  result.output = read_file_tail(out_path, 1 << 20);
  return result;
}

}  // namespace kmx
