// `kmod-matrix site`: a static site over <results>/history.db for one
// matrix's last nights: index.html (site_html.h) and, per night,
// <site>/<run id>/ with its report and logs (site_night.h). A CI job
// carries the site from night to night: a night whose run directory is
// gone keeps the directory an earlier site wrote for it; nights that left
// the window are removed; nothing else in the site's directory is touched.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/site_night.h"

namespace kmx {

// Bad input (no history.db, an unknown matrix, an output directory that
// cannot be used): what() names the place and the fix.
class SiteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SiteOptions {
  std::filesystem::path results_root;  // holds history.db and the run directories
  std::filesystem::path site_dir;      // created when missing (its parent must exist)
  std::string matrix;                  // "" for the matrix run most recently
  int last_nights = 14;
  SiteLimits limits;
};

struct SiteSummary {
  std::string matrix;
  std::size_t nights = 0;
  std::size_t reports_written = 0;       // from a run directory, with its logs
  std::size_t reports_from_history = 0;  // from history.db alone, without logs
  std::size_t reports_kept = 0;          // carried from an earlier site
  std::size_t nights_removed = 0;        // outside the window
  std::vector<std::string> left_out;     // nights and files without a copy, one line each
};

// Throws SiteError for bad input, HistoryError for a damaged history.db.
SiteSummary write_site(const SiteOptions& options);

}  // namespace kmx
