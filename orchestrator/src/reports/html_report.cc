#include "reports/html_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "analysis/run_compare.h"
#include "os/contained_files.h"
#include "reports/html_test_details.h"
#include "reports/verdict_style.h"

namespace kmx {
namespace {

constexpr const char* kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1b1b; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; }
.summary { color: #444; margin-bottom: 12px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d0d0; padding: 4px 8px; text-align: left; white-space: nowrap; }
th { background: #f2f2f2; }
#matrix td.verdict { text-align: center; font-weight: 600; cursor: pointer; min-width: 70px; }
#matrix td.verdict a { color: inherit; text-decoration: none; }
/* A wide matrix scrolls in its box, its first column (the cell) fixed. */
.matrix-scroll { overflow-x: auto; max-width: 100%; }
#matrix tr > :first-child { position: sticky; left: 0; z-index: 1; background: #f2f2f2; box-shadow: 1px 0 0 #d0d0d0; }
.boot-logs { font-size: 11px; display: block; }
td.unexpected { outline: 3px solid #b71c1c; outline-offset: -3px; }
td.regression { box-shadow: inset 0 0 0 3px #b71c1c; } td.fix { box-shadow: inset 0 0 0 3px #1b5e20; }
td.change { box-shadow: inset 0 0 0 3px #0d47a1; } td.missing { box-shadow: inset 0 0 0 3px #263238; }
.marker { font-size: 11px; font-weight: 400; display: block; }
#detail { margin-top: 12px; padding: 8px 12px; border: 1px solid #bbb; background: #fafafa; white-space: pre-wrap;
          font-family: ui-monospace, monospace; font-size: 12px; min-height: 1.4em; max-width: 1200px; }
ul.changes li.regression { color: #b71c1c; } ul.changes li.fix { color: #1b5e20; }
ul.changes li.missing, ul.changes li.vanished { color: #b71c1c; } p.matrix-change { color: #b71c1c; }
.env th { width: 160px; }
.rounds { font-size: 11px; font-weight: 400; display: block; }
a.detail-link { font-size: 11px; font-weight: 400; display: block; text-decoration: underline; }
.test-detail { border-top: 1px solid #ddd; padding: 6px 0; } .test-detail h3 { font-size: 14px; margin: 4px 0; }
.test-detail p { margin: 2px 0; } .test-detail code { white-space: pre-wrap; }
.test-detail.unexpected h3 { color: #b71c1c; } details.passing summary { cursor: pointer; padding: 4px 0; }
p.evidence code { display: block; margin: 2px 0 2px 16px; }
.modstats-charts { display: flex; flex-wrap: wrap; gap: 16px; } figure.modstats { margin: 0; }
ul.changes li.information { color: #555; }
)css";

// Conveniences only; every fact is on the page without them. Click a
// verdict: its evidence goes to the detail box (hover shows it too). A
// link to a folded test opens it.
constexpr const char* kScript = R"js(
var detail = document.getElementById('detail');
detail.hidden = false;
document.getElementById('matrix').addEventListener('click', function (e) {
  var td = e.target.closest('td.verdict');
  if (!td || e.target.tagName === 'A') return;
  detail.textContent = td.dataset.cell + ' ' + td.dataset.test + ': ' + td.title;
});
function openLinkedTest() {
  var target = location.hash && document.getElementById(location.hash.slice(1));
  var folded = target && target.closest('details');
  if (folded) folded.open = true;
}
window.addEventListener('hashchange', openLinkedTest);
openLinkedTest();
document.documentElement.dataset.interactive = 'yes';  // a headless browser test sees the script ran
)js";

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

using ChangeKey = std::pair<std::string, std::string>;  // cell id, test

std::map<ChangeKey, std::string> change_classes(const RunComparison& c) {
  std::map<ChangeKey, std::string> classes;
  for (const auto& r : c.regressions) classes[{r.cell, r.test}] = "regression";
  for (const auto& m : c.missing) classes[{m.cell, m.test}] = "missing";
  for (const auto& f : c.fixes) classes[{f.cell, f.test}] = "fix";
  for (const auto& x : c.changes) classes[{x.cell, x.test}] = "change";
  for (const auto& n : c.only_new) classes[{n.cell, n.test}] = "change";
  return classes;
}

// "qemu:///system (tcg); qemu+ssh://lab1/system (kvm, lost)".
std::string host_list_text(const RunResult& run) {
  std::string text;
  for (const auto& h : run.hosts)
    text += (text.empty() ? "" : "; ") + h.uri + " (" + h.accel + (h.lost ? ", lost during the run" : "") + ")";
  return text;
}

void write_environment(std::ostringstream& out, const RunResult& run) {
  const std::pair<const char*, std::string> rows[] = {
      {"run", run.run_id},
      {"matrix", run.matrix_name + " (" + run.matrix_file +
                     (run.matrix_sha256.empty() ? "" : ", sha256 " + run.matrix_sha256) + ")"},
      {"kmod-matrix", run.tool_version},
      {"started", run.started_at},
      {"finished", run.finished_at},
      {"host", run.host.hostname},
      {"host CPUs / memory",
       run.host.cpus ? std::to_string(run.host.cpus) + " CPUs, " + std::to_string(run.host.memory_mib) + " MiB" : ""},
      {"host kernel", run.host.kernel},
      {"QEMU / libvirt", run.host.qemu_version + " / " + run.host.libvirt_version},
      {"accelerator", run.accel + (run.accel_reason.empty() ? "" : " (" + run.accel_reason + ")")},
      {"libvirt hosts", host_list_text(run)}};
  out << "<h2>Environment</h2>\n<table class=\"env\" id=\"environment\">\n";
  for (const auto& [name, value] : rows)
    out << "<tr><th>" << name << "</th><td>" << escape_markup(value) << "</td></tr>\n";
  out << "</table>\n";
}

void write_change_list(std::ostringstream& out, const char* css_class, const std::vector<VerdictChange>& changes) {
  for (const auto& c : changes) {
    const std::string old_v = c.old_verdict ? std::string(to_string(*c.old_verdict)) : "-";
    const std::string new_v = c.new_verdict ? std::string(to_string(*c.new_verdict)) : "-";
    out << "<li class=\"" << css_class << "\">" << css_class << ": "
        << escape_markup(c.test.empty() ? "(whole cell)" : c.test) << " on " << escape_markup(c.cell) << ": " << old_v
        << " &rarr; " << new_v << (c.configuration_changed ? " (configuration changed)" : "") << "</li>\n";
    if (c.test.empty())
      for (const auto& t : c.cell_tests)
        out << "<li class=\"" << css_class << "\">" << css_class << ": " << escape_markup(t) << " on "
            << escape_markup(c.cell) << "</li>\n";
  }
}

void write_changes(std::ostringstream& out, const RunComparison& c) {
  out << "<h2>Changes since " << escape_markup(c.old_run_id) << "</h2>\n";
  if (!c.matrix_change.empty())
    out << "<p class=\"matrix-change\">The runs ran different matrices: " << escape_markup(c.matrix_change) << "</p>\n";
  out << "<ul class=\"changes\" id=\"changes\">\n";
  write_change_list(out, "regression", c.regressions);
  write_change_list(out, "missing", c.missing);
  write_change_list(out, "vanished", c.vanished);
  write_change_list(out, "fix", c.fixes);
  write_change_list(out, "change", c.changes);
  write_change_list(out, "new", c.only_new);
  for (const auto& cc : c.configuration_changes)
    out << "<li class=\"configuration\">configuration: " << escape_markup(cc.cell) << " " << escape_markup(cc.field)
        << " changed</li>\n";
  for (const auto& i : c.information)
    out << "<li class=\"information\">information: " << escape_markup(i.test) << " on " << escape_markup(i.cell) << ": "
        << escape_markup(i.text) << "</li>\n";
  if (c.regressions.empty() && c.missing.empty() && c.vanished.empty() && c.fixes.empty() && c.changes.empty() &&
      c.only_new.empty() && c.configuration_changes.empty() && c.information.empty())
    out << "<li>no changes</li>\n";
  out << "</ul>\n";
}

// A bar of verdict counts: the night at a glance, without a chart library.
void write_summary_bar(std::ostringstream& out, const std::map<Verdict, int>& totals, int all) {
  static const std::map<Verdict, const char*> colours = {{Verdict::kPass, "#66bb6a"},    {Verdict::kFail, "#e53935"},
                                                         {Verdict::kOom, "#fb8c00"},     {Verdict::kPanic, "#b71c1c"},
                                                         {Verdict::kTimeout, "#ab47bc"}, {Verdict::kHang, "#7b1fa2"},
                                                         {Verdict::kSkip, "#9e9e9e"},    {Verdict::kError, "#fdd835"},
                                                         {Verdict::kFlaky, "#ffb74d"},   {Verdict::kMiss, "#455a64"}};
  if (all == 0) return;
  out << "<svg id=\"summary-bar\" width=\"600\" height=\"18\" role=\"img\" aria-label=\"verdict counts\">";
  double x = 0;
  for (const auto& [verdict, count] : totals) {
    const double width = 600.0 * count / all;
    out << "<rect x=\"" << x << "\" y=\"0\" width=\"" << width << "\" height=\"18\" fill=\"" << colours.at(verdict)
        << "\"><title>" << count << " " << to_string(verdict) << "</title></rect>";
    x += width;
  }
  out << "</svg>\n";
}

}  // namespace

std::set<std::string> html_linked_files(const RunResult& run) {
  std::set<std::string> files;
  const auto add = [&](const std::string& path) {
    if (relative_path_problem(path).empty()) files.insert(path);
  };
  for (const auto& cell : run.cells) {
    for (const auto& test : cell.tests) {
      add(test.log);
      if (const auto& hang = test.details.hang) add(hang->dump);
    }
    for (const auto& boot : cell.boots) {
      add(boot.console_log);
      add(boot.agent_log);
    }
  }
  return files;
}

std::string render_html(const RunResult& run, const ReportContext& context) {
  std::vector<std::string> columns;
  for (const auto& cell : run.cells)
    for (const auto& t : cell.tests)
      if (std::find(columns.begin(), columns.end(), t.test) == columns.end()) columns.push_back(t.test);
  std::map<ChangeKey, std::string> changed;
  std::optional<RunComparison> comparison;
  if (context.previous) {
    comparison = compare_runs(*context.previous, run);
    changed = change_classes(*comparison);
  }
  std::map<Verdict, int> totals;
  int all = 0;
  std::ostringstream table;
  table << "<table id=\"matrix\">\n<tr><th>cell</th><th>guest</th><th>boot</th>";
  for (const auto& c : columns) table << "<th>" << escape_markup(c) << "</th>";
  table << "</tr>\n";
  for (const auto& cell : run.cells) {
    const std::string cell_id = cell.cell.id();
    table << "<tr data-cell=\"" << escape_markup(cell_id) << "\"><th>" << escape_markup(cell.cell.kernel.name) << " / "
          << escape_markup(cell.cell.kmod.name) << " / " << cell.cell.vcpus << " vCPU / " << cell.cell.memory_mib
          << " MiB</th><td>" << escape_markup(cell.guest_uname) << "<br>" << escape_markup(cell.guest_kmod_version);
    if (!cell.kernel_package.empty())
      table << "<br><span class=\"package\">" << escape_markup(cell.kernel_package + " " + cell.kernel_debian_version)
            << "</span>";
    if (run.hosts.size() > 1 && !cell.host.empty())
      table << "<br><span class=\"host\">on " << escape_markup(cell.host) << "</span>";
    table << "</td><td>" << (cell.first_boot_seconds() >= 0 ? seconds(cell.first_boot_seconds()) : "-");
    for (const auto& boot : cell.boots)
      if (const std::string links = boot_log_links(boot, context); !links.empty())
        table << "<span class=\"boot-logs\">"
              << (cell.boots.size() > 1 ? "boot " + std::to_string(boot.index) + ": " : "") << links << "</span>";
    table << "</td>";
    for (const auto& column : columns) {
      const auto it =
          std::find_if(cell.tests.begin(), cell.tests.end(), [&](const TestResult& t) { return t.test == column; });
      if (it == cell.tests.end()) {
        table << "<td class=\"missing\">-</td>";
        continue;
      }
      ++totals[it->verdict];
      ++all;
      const std::string verdict(to_string(it->verdict));
      std::string classes = "verdict v-" + verdict + (it->as_expected ? "" : " unexpected");
      const auto change = changed.find({cell_id, column});
      if (change != changed.end()) classes += " " + change->second;
      table << "<td class=\"" << classes << "\" data-cell=\"" << escape_markup(cell_id) << "\" data-test=\""
            << escape_markup(column) << "\" data-verdict=\"" << verdict << "\" title=\""
            << escape_markup(shorten(verdict + " in " + seconds(it->duration_s) + ": " + it->evidence, 2000)) << "\">";
      if (const std::string href = log_href(context, *it); !href.empty())
        table << "<a href=\"" << escape_markup(href) << "\">" << verdict << "</a>";
      else
        table << verdict;
      if (!it->as_expected) table << "<span class=\"marker\">unexpected</span>";
      if (change != changed.end()) table << "<span class=\"marker\">" << change->second << "</span>";
      if (it->known_issue && it->verdict != Verdict::kPass) {
        // A link only to a web page: the matrix says where the issue is filed.
        const std::string& link = it->known_issue->link;
        const bool web = link.starts_with("https://") || link.starts_with("http://");
        table << (web ? "<a class=\"marker known-issue\" href=\"" + escape_markup(link) + "\""
                      : std::string("<span class=\"marker known-issue\""))
              << " title=\"" << escape_markup(it->known_issue->title.empty() ? link : it->known_issue->title)
              << "\">known issue" << (it->known_issue->intermittent ? " (intermittent)" : "")
              << (web ? "</a>" : "</span>");
      }
      if (const auto rounds = it->details.iterations)
        table << "<span class=\"rounds\">" << iterations_text(*rounds) << "</span>";
      if (has_detail_section(*it))
        table << "<a class=\"detail-link\" href=\"#"
              << test_detail_anchor(static_cast<std::size_t>(&cell - run.cells.data()),
                                    static_cast<std::size_t>(it - cell.tests.begin()))
              << "\">details</a>";
      table << "</td>";
    }
    table << "</tr>\n";
  }
  table << "</table>\n";

  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kmod-matrix "
      << escape_markup(run.matrix_name) << " " << escape_markup(run.run_id) << "</title>\n<style>" << kStyle
      << verdict_css_rules() << "</style>\n</head>\n<body>\n";
  out << "<h1>kmod-matrix: " << escape_markup(run.matrix_name) << " run " << escape_markup(run.run_id) << "</h1>\n";
  out << "<div class=\"summary\" id=\"summary\">" << run.cells.size() << " cells, " << all << " verdicts";
  for (const auto& [verdict, count] : totals) out << ", " << count << " " << to_string(verdict);
  out << "; " << run.unexpected_count() << " unexpected</div>\n";
  write_summary_bar(out, totals, all);
  if (comparison) write_changes(out, *comparison);
  out << "<h2>Matrix</h2>\n<p class=\"note\">A verdict links to its test's log; \"details\" to its evidence under "
         "Tests in detail, where failures and unexpected verdicts come first.</p>\n<div class=\"matrix-scroll\">"
      << table.str() << "</div>\n";
  out << "<div id=\"detail\" hidden>Click a verdict for its evidence here.</div>\n";
  write_test_details(out, run, context);
  write_module_stats_charts(out, run);
  write_environment(out, run);
  out << "<script>" << kScript << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace kmx
