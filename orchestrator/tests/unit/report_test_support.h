// For report tests that hand a rendered file to a real consumer: Debian's
// python3 with its packages (junitparser, jsonschema, yaml), by path so a
// pyenv or venv python earlier on PATH cannot stand in for it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "os/process_runner.h"
#include "test_paths.h"

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

// argv: SCHEMA FILE...: checks the schema (draft 7), then each file against
// it; prints every error and "checked N", exits 1 on any error.
inline constexpr const char* kValidateJsonSchema = R"py(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
bad = 0
for path in sys.argv[2:]:
    for e in validator.iter_errors(json.load(open(path))):
        bad += 1
        print("invalid:", path, list(e.absolute_path), e.message)
print("checked", len(sys.argv) - 2)
sys.exit(1 if bad else 0)
)py";

}  // namespace kmx::testing
