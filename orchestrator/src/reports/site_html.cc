#include "reports/site_html.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>

#include "reports/report_context.h"
#include "reports/verdict_style.h"

namespace kmx {
namespace {

// Fixed column widths (px): the first two columns stay in view while the
// nights scroll under them, so the second's offset is the first's width.
constexpr int kTrackWidth = 320;
constexpr int kRateWidth = 116;
constexpr int kNightWidth = 66;

constexpr const char* kStyle = R"css(
body { font: 13px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1b1b; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; }
.summary { color: #444; margin-bottom: 8px; }
.legend span { display: inline-block; padding: 0 6px; margin: 0 4px 4px 0; border: 1px solid #ccc; }
.legend .began { box-shadow: inset 4px 0 0 #0d47a1; padding-left: 10px; }
.grid-scroll { overflow-x: auto; max-width: 100%; }
#grid { border-collapse: collapse; table-layout: fixed; }
#grid th, #grid td { border: 1px solid #d0d0d0; padding: 2px 4px; overflow: hidden; }
#grid thead th, #grid .track, #grid .rate { background: #f2f2f2; }
#grid .track { position: sticky; left: 0; z-index: 2; text-align: left; white-space: nowrap; text-overflow: ellipsis; }
#grid .rate { position: sticky; z-index: 2; text-align: right; font-size: 11px; white-space: nowrap; }
#grid .track .cell { color: #555; font-size: 11px; }
#grid th.night { font-size: 10px; font-weight: 400; vertical-align: bottom; }
#grid th.night .run-id { color: #555; word-break: break-all; }
#grid th.night .d { white-space: nowrap; }
#grid td.v { text-align: center; font-weight: 600; }
#grid td.v a { color: inherit; text-decoration: none; display: block; }
#grid td.none { text-align: center; color: #999; }
#grid td.began { box-shadow: inset 4px 0 0 #0d47a1; }
.began-mark { font-size: 9px; display: block; font-weight: 400; }
#grid tr.build td { font-size: 10px; word-break: break-all; color: #333; }
#grid tr.build td.changed { background: #fff3cd; font-weight: 600; }
ul.changes li { margin: 2px 0; }
)css";

// Conveniences only: a switch hiding the rows that passed every night.
constexpr const char* kScript = R"js(
var filter = document.getElementById('filter');
filter.hidden = false;
document.getElementById('only-changing').addEventListener('change', function (e) {
  document.querySelectorAll('#grid tbody tr[data-steady="yes"]').forEach(function (row) {
    row.hidden = e.target.checked;
  });
});
document.documentElement.dataset.interactive = 'yes';  // a headless browser test sees the script ran
)js";

std::string date_of(const RecordedRun& run) { return escape_markup(run.started_at.substr(0, 10)); }

// "2026-" and "11-20", each unbroken: a narrow column breaks after the year.
std::string date_html(const RecordedRun& run) {
  return "<span class=\"d\">" + escape_markup(run.started_at.substr(0, 5)) + "</span><wbr><span class=\"d\">" +
         escape_markup(run.started_at.substr(5, 5)) + "</span>";
}

std::string night_text(const RecordedRun& run) {
  return date_of(run) + " (run " + escape_markup(shorten(run.run_id, 64)) + ")";
}

std::string percent(int part, int whole) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * part / whole);
  return buf;
}

std::string rate_text(const TestTrack& t) {
  if (t.ran == 0) return "-";
  return std::to_string(t.passed) + "/" + std::to_string(t.ran) + " " + percent(t.passed, t.ran) + "<br>" +
         std::to_string(t.flips) + (t.flips == 1 ? " flip" : " flips");
}

std::string href_of(const SiteNight& night, const TestTrack& t) {
  const auto it = night.verdict_hrefs.find({t.test, t.cell});
  return it == night.verdict_hrefs.end() ? night.report_href : it->second;
}

// The verdict before the one that began at t.change_began.
std::optional<Verdict> verdict_before_change(const TestTrack& t) {
  for (std::size_t i = *t.change_began; i-- > 0;)
    if (t.verdicts[i]) return t.verdicts[i];
  return std::nullopt;
}

bool steady_pass(const TestTrack& t) {
  return std::all_of(t.verdicts.begin(), t.verdicts.end(),
                     [](const std::optional<Verdict>& v) { return !v || *v == Verdict::kPass; });
}

void write_legend(std::ostringstream& out) {
  out << "<p class=\"legend\" id=\"legend\">";
  for (int v = 0; v <= static_cast<int>(Verdict::kMiss); ++v) {
    const auto verdict = static_cast<Verdict>(v);
    out << "<span class=\"v-" << to_string(verdict) << "\">" << verdict_letter(verdict) << " " << to_string(verdict)
        << "</span>";
  }
  out << "<span class=\"began\">since: the night the latest verdict began</span><span>&middot; not run</span></p>\n";
}

// A build row's text per night: one kernel's (or kmod's) builds across its
// cells, with what the title shows.
struct BuildText {
  std::string shown, title;
};

template <class Select>
void write_build_row(std::ostringstream& out, const SitePage& page, const std::string& label, Select select) {
  out << "<tr class=\"build\"><th class=\"track\" title=\"" << escape_markup(label) << "\">" << escape_markup(label)
      << "</th><th class=\"rate\"></th>";
  std::string previous;
  for (const auto& night : page.nights) {
    std::set<std::string> shown, titles;
    for (const auto& b : night.builds)
      if (const auto text = select(b)) {
        shown.insert(text->shown);
        titles.insert(text->title);
      }
    std::string value, title;
    for (const auto& s : shown) value += (value.empty() ? "" : " / ") + s;
    for (const auto& s : titles) title += (title.empty() ? "" : "; ") + s;
    const bool changed = !previous.empty() && !value.empty() && value != previous;
    out << "<td" << (changed ? " class=\"changed\"" : "") << " title=\""
        << escape_markup(shorten((changed ? "changed from " + previous + ": " : std::string()) + title, 1000)) << "\">"
        << escape_markup(shorten(value, 200)) << "</td>";
    if (!value.empty()) previous = value;
  }
  out << "</tr>\n";
}

// What a grid cell has room for of a tool's --version line: "kmod version
// 34.2" is "34.2", "BusyBox v1.35.0 (Debian 1:1.35.0-4) multi-call binary."
// is "BusyBox v1.35.0"; the whole line is the cell's title.
std::string short_tool_version(std::string text) {
  if (text.starts_with("kmod version ")) text.erase(0, 13);
  if (const auto paren = text.find(" ("); paren != std::string::npos) text.erase(paren);
  return shorten(text, 24);
}

void write_build_rows(std::ostringstream& out, const SitePage& page) {
  std::set<std::string> kernels, kmods;
  for (const auto& night : page.nights)
    for (const auto& b : night.builds) {
      kernels.insert(b.cell.kernel);
      kmods.insert(b.cell.kmod);
    }
  for (const auto& k : kernels)
    write_build_row(out, page, "kernel " + k, [&](const RecordedCellBuild& b) -> std::optional<BuildText> {
      if (b.cell.kernel != k) return std::nullopt;
      const std::string shown = b.kernel_debian_version.empty() ? b.guest_uname : b.kernel_debian_version;
      return BuildText{shown, b.kernel_package + " " + b.kernel_debian_version + ", guest uname " + b.guest_uname};
    });
  for (const auto& k : kmods)
    write_build_row(out, page, "kmod " + k, [&](const RecordedCellBuild& b) -> std::optional<BuildText> {
      if (b.cell.kmod != k) return std::nullopt;
      return BuildText{short_tool_version(b.guest_kmod_version), b.guest_kmod_version};
    });
}

void write_night_headers(std::ostringstream& out, const SitePage& page) {
  out << "<tr class=\"nights\"><th class=\"track\">test / cell</th><th class=\"rate\">pass, flips</th>";
  for (std::size_t i = 0; i < page.nights.size(); ++i) {
    const auto& run = page.history.runs[i];
    const auto& night = page.nights[i];
    out << "<th class=\"night" << (night.report_href.empty() ? " no-report" : "") << "\" data-run=\""
        << escape_markup(run.run_id) << "\" title=\""
        << escape_markup(run.started_at + " .. " + run.finished_at +
                         (night.report_href.empty() ? "; no report: the run's directory is gone" : ""))
        << "\">";
    if (!night.report_href.empty())
      out << "<a href=\"" << escape_markup(night.report_href) << "\">" << date_html(run) << "</a>";
    else
      out << date_html(run);
    out << "<br><span class=\"run-id\">" << escape_markup(shorten(run.run_id, 64)) << "</span></th>";
  }
  out << "</tr>\n";
}

void write_track(std::ostringstream& out, const SitePage& page, const TestTrack& t) {
  const std::string label = t.test + " on " + t.cell.label();
  out << "<tr data-test=\"" << escape_markup(t.test) << "\" data-cell=\"" << escape_markup(t.cell.label())
      << "\" data-flips=\"" << t.flips << "\" data-steady=\"" << (steady_pass(t) ? "yes" : "no")
      << "\"><th class=\"track\" scope=\"row\" title=\"" << escape_markup(label) << "\"><span class=\"test\">"
      << escape_markup(t.test) << "</span> <span class=\"cell\">" << escape_markup(t.cell.label())
      << "</span></th><td class=\"rate\" title=\"failure rate " << escape_markup(kmx::rate_text(t.failure_rate()))
      << "\">" << rate_text(t) << "</td>";
  for (std::size_t i = 0; i < t.verdicts.size() && i < page.nights.size(); ++i) {
    if (!t.verdicts[i]) {
      out << "<td class=\"none\">&middot;</td>";
      continue;
    }
    const std::string verdict(to_string(*t.verdicts[i]));
    const bool began = t.change_began == i;
    out << "<td class=\"v v-" << verdict << (began ? " began" : "") << "\" title=\""
        << escape_markup(shorten(verdict + " on " + page.history.runs[i].started_at.substr(0, 10) + " (run " +
                                     page.history.runs[i].run_id + ")" +
                                     (t.evidence[i].empty() ? "" : ": " + t.evidence[i]),
                                 600))
        << "\">";
    const std::string href = href_of(page.nights[i], t);
    if (!href.empty()) out << "<a href=\"" << escape_markup(href) << "\">";
    out << verdict_letter(t.verdicts[i]);
    if (!href.empty()) out << "</a>";
    if (began) out << "<span class=\"began-mark\">since</span>";
    out << "</td>";
  }
  out << "</tr>\n";
}

// The latest changes first, each with the night it began.
void write_changes(std::ostringstream& out, const SitePage& page) {
  std::vector<const TestTrack*> changed;
  for (const auto& t : page.history.tracks)
    if (t.change_began) changed.push_back(&t);
  std::stable_sort(changed.begin(), changed.end(),
                   [](const TestTrack* a, const TestTrack* b) { return *a->change_began > *b->change_began; });
  out << "<h2>Changes in the window</h2>\n<ul class=\"changes\" id=\"changes\">\n";
  for (const TestTrack* t : changed) {
    const std::size_t i = *t->change_began;
    const auto before = verdict_before_change(*t);
    const std::string href = href_of(page.nights[i], *t);
    out << "<li>" << (href.empty() ? "" : "<a href=\"" + escape_markup(href) + "\">") << escape_markup(t->test)
        << " on " << escape_markup(t->cell.label()) << (href.empty() ? "" : "</a>") << ": "
        << (before ? to_string(*before) : "-") << " &rarr; " << to_string(*t->verdicts[i]) << " since "
        << night_text(page.history.runs[i]) << "; " << t->flips << (t->flips == 1 ? " flip, " : " flips, ") << t->passed
        << "/" << t->ran << " passed</li>\n";
  }
  if (changed.empty()) out << "<li>no verdict changed</li>\n";
  out << "</ul>\n";
}

void write_summary(std::ostringstream& out, const MatrixHistory& h) {
  std::set<RecordedCellKey> cells;
  std::set<std::string> tests;
  int flipped = 0, latest_not_pass = 0;
  for (const auto& t : h.tracks) {
    cells.insert(t.cell);
    tests.insert(t.test);
    flipped += t.flips > 0;
    latest_not_pass += t.verdicts.back() && *t.verdicts.back() != Verdict::kPass;
  }
  out << "<div class=\"summary\" id=\"summary\">" << h.runs.size() << (h.runs.size() == 1 ? " night, " : " nights, ")
      << night_text(h.runs.front()) << " .. " << night_text(h.runs.back()) << "; " << tests.size() << " tests in "
      << cells.size() << " cells; " << flipped << " of " << h.tracks.size() << " test-cell pairs changed verdict; "
      << latest_not_pass << " not PASS on the last night</div>\n";
}

}  // namespace

std::string render_site_index(const SitePage& page) {
  const MatrixHistory& h = page.history;
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kmod-matrix "
      << escape_markup(h.matrix) << ": the last nights</title>\n<style>" << kStyle << verdict_css_rules()
      << "#grid .rate { left: " << kTrackWidth << "px; }\n#grid col.c-track { width: " << kTrackWidth
      << "px; }\n#grid col.c-rate { width: " << kRateWidth << "px; }\n#grid col.c-night { width: " << kNightWidth
      << "px; }\n</style>\n</head>\n<body>\n<h1>kmod-matrix: " << escape_markup(h.matrix) << ", the last nights</h1>\n";
  if (h.runs.empty() || page.nights.size() != h.runs.size()) {
    out << "<p class=\"summary\" id=\"summary\">No recorded runs in the window.</p>\n</body>\n</html>\n";
    return out.str();
  }
  write_summary(out, h);
  write_legend(out);
  write_changes(out, page);
  out << "<h2>Every test in every cell, night by night</h2>\n<p class=\"note\">A night's date opens its report; a "
         "verdict opens its evidence in that report (or its log). Rows \"kernel\" and \"kmod\" name the builds each "
         "night tested, highlighted where they changed.</p>\n<p id=\"filter\" hidden><label><input type=\"checkbox\" "
         "id=\"only-changing\"> only the rows that were not PASS every night</label></p>\n";
  out << "<div class=\"grid-scroll\"><table id=\"grid\" style=\"width: "
      << kTrackWidth + kRateWidth + kNightWidth * static_cast<int>(page.nights.size())
      << "px\">\n<colgroup><col class=\"c-track\"><col class=\"c-rate\">";
  for (std::size_t i = 0; i < page.nights.size(); ++i) out << "<col class=\"c-night\">";
  out << "</colgroup>\n<thead>\n";
  write_night_headers(out, page);
  write_build_rows(out, page);
  out << "</thead>\n<tbody>\n";
  for (const auto& t : h.tracks) write_track(out, page, t);
  out << "</tbody>\n</table></div>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace kmx
