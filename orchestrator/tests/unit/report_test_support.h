// For report tests that hand a rendered file to a real consumer: Debian's
// python3 with its packages (junitparser, jsonschema, yaml), by path so a
// pyenv or venv python earlier on PATH cannot stand in for it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "os/process_runner.h"

namespace kmx::testing {

inline const std::filesystem::path kSourceDir = KMX_SOURCE_DIR;

inline ProcessResult run_debian_python(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/python3", "-c", script};
  argv.insert(argv.end(), args.begin(), args.end());
  BoostProcessRunner runner;
  ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  return runner.run(argv, options);
}

}  // namespace kmx::testing
