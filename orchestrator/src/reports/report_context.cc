#include "reports/report_context.h"

#include <cctype>
#include <cstring>

#include "os/contained_files.h"

namespace kmx {

std::string run_file_href(const ReportContext& context, const std::string& relative_path) {
  // A link is a path in the run or nothing.
  if (!context.logs_available || !relative_path_problem(relative_path).empty()) return "";
  if (context.linkable && !context.linkable->contains(relative_path)) return "";
  const std::filesystem::path base = context.link_base.empty() ? std::filesystem::path(".") : context.link_base;
  return (base / relative_path).lexically_normal().generic_string();
}

std::string log_href(const ReportContext& context, const TestResult& test) { return run_file_href(context, test.log); }

std::string log_url(const ReportContext& context, const std::string& relative_path) {
  if (context.log_base_url.empty() || !relative_path_problem(relative_path).empty()) return "";
  static const char* kHex = "0123456789ABCDEF";
  std::string url = context.log_base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += '/';
  for (const char c : std::filesystem::path(relative_path).lexically_normal().generic_string()) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || std::strchr("-._~/:@", c) != nullptr) {
      url += c;
    } else {
      url += '%';
      url += kHex[byte >> 4];
      url += kHex[byte & 15];
    }
  }
  return url;
}

std::string read_test_log(const ReportContext& context, const TestResult& test) {
  if (context.run_dir.empty() || test.log.empty()) return "";
  std::size_t size = 0;
  const auto tail = read_contained_tail(context.run_dir, test.log, context.max_log_bytes, &size);
  if (!tail) return "";
  if (size <= context.max_log_bytes) return *tail;
  return "[... first " + std::to_string(size - tail->size()) + " bytes of " + one_line_text(test.log) +
         " left out ...]\n" + *tail;
}

}  // namespace kmx
