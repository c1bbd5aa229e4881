// The test ids the guest agent knows how to run, and id ranges in matrices.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kmx {

struct TestSuiteInfo {
  std::string prefix;  // "kmod"
  int first = 0;       // numbered suites: valid numbers
  int last = 0;
  std::vector<std::string> names;  // named suites: valid names
  std::string description;
};

const std::vector<TestSuiteInfo>& test_suites();

// Expands "kmod:0001" or the range "kmod:0001-0004" into ids. Returns
// nullopt and sets error (with a fix) for unknown suites or numbers.
std::optional<std::vector<std::string>> expand_test_pattern(const std::string& pattern, std::string& error);

}  // namespace kmx
