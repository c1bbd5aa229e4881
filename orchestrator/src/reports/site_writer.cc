#include "reports/site_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include "analysis/matrix_history.h"
#include "matrix/matrix.h"
#include "os/contained_files.h"
#include "os/files.h"
#include "reports/report_context.h"
#include "reports/site_html.h"
#include "store/results_json.h"
#include "store/run_lookup.h"

namespace kmx {

namespace fs = std::filesystem;

namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 40; ++i) out += (out.empty() ? "" : ", ") + names[i];
  if (names.size() > 40) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return one_line_text(out, 2000);
}

// The site's directory, created when only it is missing; never the results
// directory, whose run directories have the names the nights take.
void prepare_site_dir(const SiteOptions& o) {
  const fs::path& dir = o.site_dir;
  const std::string shown = "-o " + dir.string();
  if (dir.empty()) throw SiteError("no output directory\n  fix: -o DIR, e.g. -o site");
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status) && !fs::is_directory(status))
    throw SiteError(shown + " is not a directory\n  fix: -o a directory (it is made when missing), e.g. -o site");
  if (!fs::exists(status)) {
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    if (!fs::is_directory(parent))
      throw SiteError(shown + ": its parent " + parent.string() + " does not exist\n  fix: mkdir -p " +
                      parent.string() + ", or -o a directory that exists");
    if (!fs::create_directory(dir, ec) && ec)
      throw SiteError(shown + ": cannot make it: " + ec.message() + "\n  fix: -o a directory you may write");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw SiteError(shown + " is not writable: " + std::strerror(errno) + "\n  fix: -o a directory you may write");
  if (fs::equivalent(dir, o.results_root, ec))
    throw SiteError(shown +
                    " is the results directory: the nights' directories would take the runs' names\n"
                    "  fix: -o a directory of its own, e.g. -o site");
}

std::string choose_matrix(const HistoryStore& store, const SiteOptions& o, const fs::path& db) {
  const auto matrices = store.matrix_names();
  if (matrices.empty())
    throw SiteError(db.string() + " records no run\n  fix: run a matrix with --results " + o.results_root.string() +
                    ", or kmod-matrix import RUN_DIR --results " + o.results_root.string());
  if (o.matrix.empty()) return matrices.front();
  if (std::find(matrices.begin(), matrices.end(), o.matrix) == matrices.end())
    throw SiteError("no run of matrix '" + one_line_text(o.matrix, 100) + "' in " + db.string() +
                    "\n  fix: --matrix one of " + listed(matrices));
  return o.matrix;
}

// A night's run and the directory it was read from.
struct NightSource {
  std::optional<RunResult> run;
  fs::path dir;  // empty: read from history.db
};

// The night's run from its directory under --results; none (with the reason
// in left_out when there was a directory) when it cannot be read.
NightSource read_night(const SiteOptions& o, const std::string& run_id, std::vector<std::string>& left_out) {
  NightSource source;
  const fs::path dir = o.results_root / run_id;
  if (has_run_results(dir)) try {
      source.run = read_run_result(dir);
      source.dir = dir;
    } catch (const std::exception& e) {
      left_out.push_back(run_id + ": its run directory cannot be read: " + one_line_text(e.what(), 500));
    }
  if (source.run && source.run->run_id != run_id) {
    left_out.push_back(run_id + ": " + dir.string() + "/results.json names another run, '" +
                       one_line_text(source.run->run_id, 100) + "'");
    source.run.reset();
  }
  return source;
}

// What history.db recorded of the night: a report without logs.
std::optional<RunResult> night_from_history(const SiteOptions& o, const std::string& run_id,
                                            std::vector<std::string>& left_out) {
  try {
    std::optional<RunResult> run = recorded_run(o.results_root, run_id);
    if (!run || run->run_id == run_id) return run;
    left_out.push_back(run_id + ": history.db's record names another run");
  } catch (const std::exception& e) {
    left_out.push_back(run_id + ": " + one_line_text(e.what(), 500));
  }
  return std::nullopt;
}

SiteNight publish_night(const HistoryStore& store, const SiteOptions& o, const std::string& matrix,
                        const RecordedRun& recorded, SiteSummary& summary) {
  SiteNight night;
  night.builds = store.cell_builds(recorded.run_id);
  const std::string& id = recorded.run_id;
  if (const std::string problem = name_problem(id); !problem.empty()) {
    summary.left_out.push_back("run id '" + one_line_text(id, 100) + "' in history.db " + problem +
                               ": it names no directory, so the night has no report");
    return night;
  }
  const bool ours = is_site_night(o.site_dir, id, matrix);
  if (!ours && fs::symlink_status(o.site_dir / id).type() != fs::file_type::not_found) {
    summary.left_out.push_back(id + ": " + (o.site_dir / id).string() +
                               " is not a night this site wrote: left alone, so the night has no report");
    return night;
  }
  NightSource source = read_night(o, id, summary.left_out);
  if (!source.run && ours && contained_entry(o.site_dir, id + "/report.html") == ContainedEntry::kRegularFile) {
    night.report_href = id + "/report.html";  // carried from an earlier night's site
    ++summary.reports_kept;
    return night;
  }
  if (!source.run) source.run = night_from_history(o, id, summary.left_out);
  if (!source.run) return night;
  const CopiedFiles files = write_site_night(*source.run, source.dir, o.results_root, o.site_dir, matrix, o.limits);
  for (const auto& line : files.left_out) summary.left_out.push_back(id + ": " + line);
  ++(source.dir.empty() ? summary.reports_from_history : summary.reports_written);
  night.report_href = id + "/report.html";
  night.verdict_hrefs = verdict_links(*source.run, id, files.copied);
  return night;
}

// Nights of this matrix that left the window, and staging left by a site
// that was stopped; nothing else.
std::size_t remove_old_nights(const fs::path& site_dir, const std::string& matrix,
                              const std::set<std::string>& window) {
  std::vector<fs::path> old, staging;
  for (const auto& entry : fs::directory_iterator(site_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("~partial-") && entry.symlink_status().type() == fs::file_type::directory)
      staging.push_back(entry.path());
    else if (!window.contains(name) && name_problem(name).empty() && is_site_night(site_dir, name, matrix))
      old.push_back(entry.path());
  }
  for (const auto& path : staging) fs::remove_all(path);
  for (const auto& path : old) fs::remove_all(path);
  return old.size();
}

}  // namespace

SiteSummary write_site(const SiteOptions& o) {
  const fs::path db = history_db_path(o.results_root);
  if (!fs::exists(db))
    throw SiteError("no " + db.string() + "\n  fix: --results the directory runs recorded into (run --results " +
                    o.results_root.string() + "), or kmod-matrix import RUN_DIR --results " + o.results_root.string());
  if (o.last_nights < 1)
    throw SiteError("--last " + std::to_string(o.last_nights) +
                    ": a number of nights, 1 or more\n  fix: e.g. --last 14");
  const HistoryStore store = HistoryStore::open(db);
  SiteSummary summary;
  summary.matrix = choose_matrix(store, o, db);
  prepare_site_dir(o);
  SitePage page{query_matrix_history(store, summary.matrix, HistoryWindow{o.last_nights, ""}), {}};
  std::set<std::string> window;
  for (const auto& run : page.history.runs) {
    page.nights.push_back(publish_night(store, o, summary.matrix, run, summary));
    window.insert(run.run_id);
  }
  summary.nights = page.nights.size();
  summary.nights_removed = remove_old_nights(o.site_dir, summary.matrix, window);
  write_file_atomically(o.site_dir / "index.html", render_site_index(page));
  return summary;
}

}  // namespace kmx
