// Every report renderer fed a run read from a crafted results.json (issue
// 25: KTAP passed NUL, ESC, U+2028 and invalid UTF-8 through; HTML made
// `javascript:` a live link). Invariants per format: KTAP has exactly one
// result line per test and per cell and no other kind of line; JUnit one
// testcase per test; HTML no link that leaves the run; KCIDB parses as
// JSON; every output is valid UTF-8 without a control character other
// than tab, newline and carriage return.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "os/capped_json.h"
#include "reports/report_formats.h"
#include "run_invariants.h"
#include "store/results_json.h"

using kmx::fuzz::require;

namespace {

bool valid_utf8_without_controls(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80             ? 1
                         : (lead & 0xE0) == 0xC0 ? 2
                         : (lead & 0xF0) == 0xE0 ? 3
                         : (lead & 0xF8) == 0xF0 ? 4
                                                 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    if (length == 1 && ((lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') || lead == 0x7f)) return false;
    i += length;
  }
  return true;
}

void check_ktap(const std::string& ktap, const kmx::RunResult& run) {
  std::size_t results = 0, expected = run.cells.size();
  for (const auto& cell : run.cells) expected += cell.tests.size();
  std::istringstream in(ktap);
  for (std::string line; std::getline(in, line);) {
    const std::string body = line.starts_with("    ") ? line.substr(4) : line;
    const bool result = body.starts_with("ok ") || body.starts_with("not ok ");
    results += result;
    require(result || body == "KTAP version 1" || body.starts_with("1..") || body.starts_with("#"));
    for (const char* separator : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"})
      require(line.find(separator) == std::string::npos);
  }
  require(results == expected);
}

void check_links(const std::string& html) {
  for (std::size_t at = html.find("href=\""); at != std::string::npos; at = html.find("href=\"", at + 1)) {
    const std::string_view href = std::string_view(html).substr(at + 6, 64);
    require(href.starts_with("#") || href.starts_with("../run/"));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  kmx::RunResult run;
  try {
    run = kmx::run_result_from_json(kmx::parse_capped_json(text, "results.json"));
  } catch (const std::runtime_error&) {
    return 0;
  }
  kmx::fuzz::check_read_back(run);
  static const std::filesystem::path run_dir = std::filesystem::temp_directory_path() / "kmx-fuzz-reports-run";
  kmx::ReportContext context;
  context.run_dir = run_dir;  // holds nothing: a log named by the run is never found
  context.link_base = "../run";
  context.previous = &run;
  for (const auto& format : kmx::report_formats()) {
    const std::string out = format.render(run, context);
    require(valid_utf8_without_controls(out));
    if (format.name == "ktap") check_ktap(out, run);
    if (format.name == "html") check_links(out);
    if (format.name == "kcidb") require(!nlohmann::json::parse(out, nullptr, false).is_discarded());
    if (format.name == "junit") {
      std::size_t cases = 0, tests = 0;
      for (std::size_t at = out.find("<testcase "); at != std::string::npos; at = out.find("<testcase ", at + 1))
        ++cases;
      for (const auto& cell : run.cells) tests += cell.tests.size();
      require(cases == tests);
    }
  }
  return 0;
}
