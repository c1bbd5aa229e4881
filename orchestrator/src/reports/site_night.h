// One night of the nightly site: <site>/<run id>/ holding the night's
// report.html and the logs it links, copied out of the run directory. The
// run directory is read as crafted input: a file is copied only through
// os/contained_files (a regular file inside the run, no symlink on the way),
// only when it is a log (.log, .txt: nothing the browser would run), at most
// a bounded size (its tail, saying so), and the report links only what was
// copied.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/history_store.h"
#include "store/run_result.h"

namespace kmx {

struct SiteLimits {
  // A longer file keeps its tail, after a line saying what was left out.
  std::size_t max_file_bytes = 16u << 20;
  // What one night's copied files may take in all; the rest are left out.
  std::size_t max_night_bytes = 256u << 20;
};

// Names the directories the site writes, so it removes only its own: the
// file holds night_marker_text(matrix, run id).
inline constexpr const char* kNightMarkerFile = ".kmx-site-night";
std::string night_marker_text(const std::string& matrix, const std::string& run_id);

// Whether site_dir/name is a night this site wrote for `matrix`: a real
// directory (no symlink) whose marker file says so.
bool is_site_night(const std::filesystem::path& site_dir, const std::string& name, const std::string& matrix);

// The files render_html links that could be copied, and why the others
// were left out (one line each, naming the file).
struct CopiedFiles {
  std::set<std::string> copied;
  std::vector<std::string> left_out;
};

// Copies the files html_linked_files(run) names from run_dir into
// night_dir (a directory the caller made, empty) under the same relative
// paths.
CopiedFiles copy_linked_files(const RunResult& run, const std::filesystem::path& run_dir,
                              const std::filesystem::path& night_dir, const SiteLimits& limits);

// Where each test's verdict links from the index, relative to the site:
// its section in the night's report when it has one, else its copied log;
// absent when neither.
std::map<std::pair<std::string, RecordedCellKey>, std::string> verdict_links(const RunResult& run,
                                                                             const std::string& run_id,
                                                                             const std::set<std::string>& copied);

// Writes site_dir/<run.run_id>/ anew: staged beside it, then put in place of
// the old one (which must be a night of this site or missing). run_dir: the
// run's directory, or empty for a run read from history.db (a report
// without logs). results_root: where history.db lives (the report's
// changes since the previous night). Returns the files copied. Throws
// std::runtime_error when the directory cannot be written.
CopiedFiles write_site_night(const RunResult& run, const std::filesystem::path& run_dir,
                             const std::filesystem::path& results_root, const std::filesystem::path& site_dir,
                             const std::string& matrix, const SiteLimits& limits);

}  // namespace kmx
