#include "matrix/test_catalog.h"

#include <cstdio>
#include <regex>

namespace kmx {

const std::vector<TestSuiteInfo>& test_suites() {
  static const std::vector<TestSuiteInfo> suites = {
      {"kmod", 1, 13, {}, "the kernel's tools/testing/selftests/kmod/kmod.sh, one id per test number"},
      {"ns",
       0,
       0,
       {"import", "missing-import", "depmod"},
       "symbol namespaces: MODULE_IMPORT_NS indexing and loading, refusal without it, depmod"},
      {"softdep",
       0,
       0,
       {"pre-post", "circular", "modprobe.d", "weakdep"},
       "MODULE_SOFTDEP ordering, loops, modprobe.d overrides, MODULE_WEAKDEP"},
      {"dups", 0, 0, {"storm"}, "concurrent duplicate loads through modprobe and finit_module"},
      {"fault",
       0,
       0,
       {"panic", "hang", "stall", "oom", "chatty", "console-flood"},
       "fault injection for the harness itself: sysrq crash, endless sleep, RT stall of every CPU, memory hog, "
       "3 MiB of test output, 10 MiB on the console then a crash"},
  };
  return suites;
}

std::optional<std::vector<std::string>> expand_test_pattern(const std::string& pattern, std::string& error) {
  static const std::regex kNamed(R"(([a-z][a-z0-9_-]*):([a-z][a-z0-9_.-]*))");
  std::smatch named;
  if (std::regex_match(pattern, named, kNamed)) {
    for (const auto& suite : test_suites()) {
      if (suite.prefix != named[1] || suite.names.empty()) continue;
      for (const auto& name : suite.names)
        if (name == named[2]) return std::vector<std::string>{pattern};
      std::string known;
      for (const auto& name : suite.names) known += (known.empty() ? "" : ", ") + suite.prefix + ":" + name;
      error = "'" + pattern + "' is not a test of suite '" + suite.prefix + "'; its tests are " + known;
      return std::nullopt;
    }
  }
  static const std::regex kNumbered(R"(([a-z][a-z0-9_-]*):(\d{4})(?:-(\d{4}))?)");
  std::smatch m;
  if (!std::regex_match(pattern, m, kNumbered)) {
    error =
        "'" + pattern + "' is not a test id; write it as suite:NNNN or a range suite:NNNN-MMMM, e.g. kmod:0001-0004";
    return std::nullopt;
  }
  const std::string prefix = m[1];
  const int first = std::stoi(m[2]);
  const int last = m[3].matched ? std::stoi(m[3]) : first;
  for (const auto& suite : test_suites()) {
    if (suite.prefix != prefix || !suite.names.empty()) continue;
    if (first > last || first < suite.first || last > suite.last) {
      char range[32];
      std::snprintf(range, sizeof range, "%04d-%04d", suite.first, suite.last);
      error = "'" + pattern + "' is outside suite '" + prefix + "', whose tests are " + prefix + ":" + range;
      return std::nullopt;
    }
    std::vector<std::string> ids;
    for (int n = first; n <= last; ++n) {
      char id[64];
      std::snprintf(id, sizeof id, "%s:%04d", prefix.c_str(), n);
      ids.push_back(id);
    }
    return ids;
  }
  std::string known;
  for (const auto& suite : test_suites()) known += (known.empty() ? "" : ", ") + suite.prefix;
  error = "unknown test suite '" + prefix + "' in '" + pattern + "'; known suites: " + known;
  return std::nullopt;
}

}  // namespace kmx
