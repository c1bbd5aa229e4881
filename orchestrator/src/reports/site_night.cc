#include "reports/site_night.h"

#include <fstream>
#include <stdexcept>

#include "matrix/matrix.h"
#include "os/contained_files.h"
#include "os/files.h"
#include "reports/html_report.h"
#include "reports/html_test_details.h"
#include "reports/report_context.h"
#include "store/run_lookup.h"

namespace kmx {

namespace fs = std::filesystem;

namespace {

// Served beside the site's pages, a copied .html or .svg would run in the
// site's origin; a log is only ever text.
bool is_log_name(const std::string& path) { return path.ends_with(".log") || path.ends_with(".txt"); }

void write_plain(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The HTML report as it lies in the night's directory: the copies sit under
// the run's own relative paths, so links need no base; only copies are
// linked. With the changes since the night before when they can be read.
std::string night_report(const RunResult& run, const fs::path& run_dir, const fs::path& results_root,
                         CopiedFiles& files) {
  std::optional<FoundRun> previous;
  try {
    previous = load_previous_run(results_root, run.run_id);
  } catch (const std::exception& e) {
    files.left_out.push_back("the changes since the night before: " + one_line_text(e.what(), 300));
  }
  ReportContext context;
  context.run_dir = run_dir;
  context.logs_available = !run_dir.empty();
  context.linkable = &files.copied;
  context.previous = previous ? &previous->run : nullptr;
  return render_html(run, context);
}

RecordedCellKey key_of(const CellResult& cell) {
  return {cell.cell.kernel.name, cell.cell.kmod.name, cell.cell.vcpus, cell.cell.memory_mib};
}

}  // namespace

std::string night_marker_text(const std::string& matrix, const std::string& run_id) {
  return "kmod-matrix site night\nmatrix " + matrix + "\nrun " + run_id + "\n";
}

bool is_site_night(const fs::path& site_dir, const std::string& name, const std::string& matrix) {
  if (contained_entry(site_dir, name) != ContainedEntry::kDirectory) return false;
  try {
    return read_contained_file(site_dir, name + "/" + kNightMarkerFile, 4096) == night_marker_text(matrix, name);
  } catch (const ContainedFileError&) {
    return false;
  }
}

CopiedFiles copy_linked_files(const RunResult& run, const fs::path& run_dir, const fs::path& night_dir,
                              const SiteLimits& limits) {
  CopiedFiles files;
  std::size_t total = 0;
  for (const std::string& path : html_linked_files(run)) {
    const std::string shown = one_line_text(path, 200);
    if (!is_log_name(path)) {
      files.left_out.push_back(shown + ": not a log (.log or .txt)");
      continue;
    }
    std::size_t size = 0;
    const auto tail = read_contained_tail(run_dir, path, limits.max_file_bytes, &size);
    if (!tail) {
      files.left_out.push_back(shown + ": missing, not a regular file, or reached through a symbolic link");
      continue;
    }
    if (total + tail->size() > limits.max_night_bytes) {
      files.left_out.push_back(shown + ": the night's copied files passed " + std::to_string(limits.max_night_bytes) +
                               " bytes");
      continue;
    }
    const std::string note = size > tail->size() ? "[... first " + std::to_string(size - tail->size()) + " bytes of " +
                                                       shown + " left out ...]\n"
                                                 : "";
    try {
      const fs::path target = path_under(night_dir, path);
      fs::create_directories(target.parent_path());
      write_plain(target, note + *tail);
    } catch (const std::exception& e) {  // e.g. "a/b.log" and "a/b.log/c.log" in one run
      files.left_out.push_back(shown + ": " + one_line_text(e.what(), 300));
      continue;
    }
    total += tail->size();
    files.copied.insert(path);
  }
  return files;
}

std::map<std::pair<std::string, RecordedCellKey>, std::string> verdict_links(const RunResult& run,
                                                                             const std::string& run_id,
                                                                             const std::set<std::string>& copied) {
  std::map<std::pair<std::string, RecordedCellKey>, std::string> links;
  for (std::size_t c = 0; c < run.cells.size(); ++c)
    for (std::size_t t = 0; t < run.cells[c].tests.size(); ++t) {
      const TestResult& test = run.cells[c].tests[t];
      std::string href;
      if (has_detail_section(test))
        href = run_id + "/report.html#" + test_detail_anchor(c, t);
      else if (copied.contains(test.log))
        href = run_id + "/" + test.log;
      if (!href.empty()) links[{test.test, key_of(run.cells[c])}] = href;
    }
  return links;
}

CopiedFiles write_site_night(const RunResult& run, const fs::path& run_dir, const fs::path& results_root,
                             const fs::path& site_dir, const std::string& matrix, const SiteLimits& limits) {
  if (const std::string problem = name_problem(run.run_id); !problem.empty())
    throw std::runtime_error("run id '" + one_line_text(run.run_id, 100) + "' " + problem + ": it names no directory");
  const fs::path night = site_dir / run.run_id;
  if (fs::symlink_status(night).type() != fs::file_type::not_found && !is_site_night(site_dir, run.run_id, matrix))
    throw std::runtime_error(night.string() + " exists and is not a night this site wrote: left alone");
  // '~' is in no run id: the staging directory never takes a night's name.
  const fs::path staging = site_dir / ("~partial-" + run.run_id);
  fs::remove_all(staging);
  fs::create_directory(staging);
  CopiedFiles files;
  if (!run_dir.empty()) files = copy_linked_files(run, run_dir, staging, limits);
  write_plain(staging / "report.html", night_report(run, run_dir, results_root, files));
  write_plain(staging / kNightMarkerFile, night_marker_text(matrix, run.run_id));
  fs::remove_all(night);
  fs::rename(staging, night);
  return files;
}

}  // namespace kmx
