// The nightly site's index.html: every test of a matrix in every cell
// across the last nights, a column per night (its date and run id linking
// to that night's report, the kernel and kmod builds it tested), each
// verdict coloured as in the report, the night each latest change began
// marked, pass rate and flips per test and cell. One self-contained page:
// inline CSS, nothing fetched, every fact readable without the script.
// Pure: the page from what history.db recorded and what site_writer found.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/matrix_history.h"
#include "store/history_store.h"

namespace kmx {

// What the index links and shows for one night of the window.
struct SiteNight {
  // "RUN/report.html", relative to the index; "" when the site has no
  // report of that night.
  std::string report_href;
  // The builds its cells tested (HistoryStore::cell_builds).
  std::vector<RecordedCellBuild> builds;
  // Per test and cell, where its verdict links: its section in the night's
  // report, or its log; absent: the report (report_href).
  std::map<std::pair<std::string, RecordedCellKey>, std::string> verdict_hrefs;
};

struct SitePage {
  MatrixHistory history;
  std::vector<SiteNight> nights;  // one per history.runs, in the same order
};

std::string render_site_index(const SitePage& page);

}  // namespace kmx
