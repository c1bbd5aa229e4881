// What every report renderer takes besides the run itself, and the helpers
// they share: bounded test logs and links into the run (text made safe for
// XML, HTML and one line is text/text_escape.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "store/run_result.h"
#include "text/text_escape.h"

namespace kmx {

struct ReportContext {
  // The run's directory: test logs are read from it.
  std::filesystem::path run_dir;
  // When set, HTML highlights the changes since this run. Not owned.
  const RunResult* previous = nullptr;
  // A test log larger than this is cut to its tail: the end is where the
  // failure is, and CI servers choke on megabyte reports.
  std::size_t max_log_bytes = 64 * 1024;
  // The run directory as seen from the report file's directory, for links
  // to test logs ("" or "." when the report is written inside it).
  std::filesystem::path link_base;
  // When set, only these files (paths relative to the run directory) are
  // linked: the site's copy of a report links only what it copied. Not owned.
  const std::set<std::string>* linkable = nullptr;
  // False for a run read from history.db: no directory, so no log to link.
  bool logs_available = true;
  // Where CI publishes the run's directory (--log-base-url): KCIDB's
  // log_url is this joined to a test's log; "" for none.
  std::string log_base_url;
};

// context.log_base_url joined to a path in the run, each segment
// percent-encoded but for unreserved characters and ':' '@'; "" without a
// base URL or with a path that is not a relative path inside the run.
std::string log_url(const ReportContext& context, const std::string& relative_path);

// The tail of a test's log ("" without run_dir, log or file), with a note
// on the first line when it was cut. Only a regular file inside run_dir,
// reached without a symlink, is read (os/contained_files.h).
std::string read_test_log(const ReportContext& context, const TestResult& test);

// A link to a test's log from the report: link_base/log, '/'-separated; ""
// (no link) when log is not a relative path inside the run, or the run has
// no directory (logs_available).
std::string log_href(const ReportContext& context, const TestResult& test);

// The same for any file given relative to the run directory (and, when the
// context has a `linkable` set, in it).
std::string run_file_href(const ReportContext& context, const std::string& relative_path);

}  // namespace kmx
