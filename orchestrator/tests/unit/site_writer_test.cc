// results/site_writer: the whole site over a history.db built through
// HistoryStore in a scratch directory: nights written, carried, removed;
// hostile history; bad input. As an Integration test, the site as headless
// Chromium builds it, every link followed to a file.
#include "reports/site_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "fakes.h"
#include "headless_chromium.h"
#include "os/files.h"
#include "sample_site.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class SiteWriterTest : public ::testing::Test {
 protected:
  // The site two levels down, so that "../../x" from it stays in the scratch directory.
  void SetUp() override { fs::create_directories(dir_.path() / "public"); }
  fs::path results() const { return dir_.path() / "results"; }
  fs::path site() const { return dir_.path() / "public" / "site"; }
  SiteOptions options(int last = 14) {
    SiteOptions o;
    o.results_root = results();
    o.site_dir = site();
    o.last_nights = last;
    return o;
  }
  std::string error_of(const SiteOptions& o) {
    try {
      write_site(o);
    } catch (const SiteError& e) {
      return e.what();
    }
    return "(no error)";
  }

  ScratchDir dir_;
};

// Every relative link of a page (its #fragment dropped), for checking that
// each reaches a file.
std::vector<std::string> file_links(const std::string& html) {
  std::vector<std::string> links;
  static const std::regex href("href=\"([^\"#]+)[^\"]*\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it)
    links.push_back((*it)[1]);
  return links;
}

void expect_every_link_reaches_a_file(const fs::path& page) {
  const auto links = file_links(read_file(page));
  EXPECT_FALSE(links.empty()) << page;
  for (const auto& link : links) EXPECT_TRUE(fs::is_regular_file(page.parent_path() / link)) << page << ": " << link;
}

TEST_F(SiteWriterTest, WritesTheIndexAndEachNightsReportWithItsLogs) {
  record_four_nights(results());
  const SiteSummary summary = write_site(options());
  EXPECT_EQ(summary.matrix, "nightly");
  EXPECT_EQ(summary.nights, 4u);
  EXPECT_EQ(summary.reports_written, 4u);
  EXPECT_TRUE(summary.left_out.empty()) << summary.left_out.front();
  for (const char* night : {"n1", "n2", "n3", "n4"}) {
    EXPECT_TRUE(fs::is_regular_file(site() / night / "report.html")) << night;
    expect_every_link_reaches_a_file(site() / night / "report.html");
  }
  EXPECT_TRUE(fs::is_regular_file(site() / "n4/cells/debian-6.12.kmod-30.2cpu.1024M/boot-1/agent.log"));
  const std::string index = read_file(site() / "index.html");
  EXPECT_THAT(index, HasSubstr("<a href=\"n3/report.html#detail-c1-t1\">F</a><span class=\"began-mark\">since"));
  EXPECT_THAT(index, HasSubstr("<td class=\"changed\" title=\"changed from 6.12.8-1:"));
  expect_every_link_reaches_a_file(site() / "index.html");
  // The night's report shows the changes since the night before it.
  EXPECT_THAT(read_file(site() / "n3/report.html"), HasSubstr("<h2>Changes since n2</h2>"));
}

TEST_F(SiteWriterTest, ANightOnlyHistoryDbRecordsGetsAReportWithoutLogs) {
  record_four_nights(results());
  record_sample_night(sample_night("n5", 24, true), results(), false);
  const SiteSummary summary = write_site(options());
  EXPECT_EQ(summary.reports_from_history, 1u);
  const std::string report = read_file(site() / "n5/report.html");
  EXPECT_THAT(report, HasSubstr("agent: exit status 1"));
  EXPECT_THAT(report, Not(HasSubstr("console.log\"")));
  EXPECT_THAT(
      read_file(site() / "index.html"),
      HasSubstr("<a href=\"n5/report.html\"><span class=\"d\">2026-</span><wbr><span class=\"d\">11-24</span></a>"));
}

// A CI job carries the site, not the run directories, from night to night.
TEST_F(SiteWriterTest, ANightWhoseRunDirectoryIsGoneKeepsWhatTheLastSiteWrote) {
  record_four_nights(results());
  write_site(options());
  fs::remove_all(results() / "n1");
  const SiteSummary summary = write_site(options());
  EXPECT_EQ(summary.reports_kept, 1u);
  EXPECT_EQ(summary.reports_written, 3u);
  EXPECT_TRUE(fs::is_regular_file(site() / "n1/cells/debian-6.1.kmod-30.1cpu.512M/boot-1/console.log"));
  EXPECT_THAT(
      read_file(site() / "index.html"),
      HasSubstr("<a href=\"n1/report.html\"><span class=\"d\">2026-</span><wbr><span class=\"d\">11-20</span></a>"));
  expect_every_link_reaches_a_file(site() / "index.html");
}

TEST_F(SiteWriterTest, NightsThatLeftTheWindowAreRemovedAndNothingElse) {
  record_four_nights(results());
  write_site(options());
  // Another matrix's nights, a run-like directory and files of the user's.
  HistoryStore::open(results() / "history.db").record_run([] {
    RunResult smoke = sample_night("s1", 21, false);
    smoke.matrix_name = "smoke";
    return smoke;
  }());
  write_site([&] {
    SiteOptions o = options();
    o.matrix = "smoke";
    return o;
  }());
  fs::create_directories(site() / "n0");
  write_file_atomically(site() / "n0/mine.txt", "x");
  write_file_atomically(site() / "README", "x");
  fs::create_directories(site() / "~partial-n9/cells");  // a site stopped while it staged n9
  const SiteSummary summary = write_site(options(2));
  EXPECT_EQ(summary.nights_removed, 2u);
  EXPECT_FALSE(fs::exists(site() / "n1"));
  EXPECT_FALSE(fs::exists(site() / "n2"));
  EXPECT_TRUE(fs::exists(site() / "n3/report.html"));
  EXPECT_TRUE(fs::exists(site() / "s1/report.html"));
  EXPECT_TRUE(fs::exists(site() / "n0/mine.txt"));
  EXPECT_TRUE(fs::exists(site() / "README"));
  EXPECT_FALSE(fs::exists(site() / "~partial-n9"));
}

TEST_F(SiteWriterTest, ADirectoryTheSiteDidNotWriteIsLeftAlone) {
  record_four_nights(results());
  fs::create_directories(site() / "n3");
  write_file_atomically(site() / "n3/report.html", "mine");
  const SiteSummary summary = write_site(options());
  EXPECT_EQ(read_file(site() / "n3/report.html"), "mine");
  EXPECT_THAT(summary.left_out, Contains(HasSubstr("n3: " + (site() / "n3").string() +
                                                   " is not a night this site "
                                                   "wrote: left alone")));
  EXPECT_THAT(read_file(site() / "index.html"), Not(HasSubstr("href=\"n3/")));
}

// Issue 29: history.db is read as crafted input; its run ids name
// directories only when they are names kmod-matrix writes.
TEST_F(SiteWriterTest, ARunIdInHistoryDbThatIsNoNameNamesNoDirectory) {
  record_four_nights(results());
  for (const char* id : {"../../x", ".", "a/b"}) {
    RunResult run = sample_night(id, 25, true);
    HistoryStore::open(results() / "history.db").record_run(run);
  }
  const SiteSummary summary = write_site(options());
  EXPECT_THAT(summary.left_out, Contains(HasSubstr("run id '../../x' in history.db contains '/'")));
  EXPECT_THAT(summary.left_out, Contains(HasSubstr("run id '.' in history.db is \".\"")));
  EXPECT_FALSE(fs::exists(dir_.path() / "x"));
  EXPECT_FALSE(fs::exists(site() / "a"));
  std::set<std::string> entries;
  for (const auto& e : fs::directory_iterator(site())) entries.insert(e.path().filename().string());
  EXPECT_EQ(entries, (std::set<std::string>{"index.html", "n1", "n2", "n3", "n4"}));
  const std::string index = read_file(site() / "index.html");
  EXPECT_THAT(index, HasSubstr("data-run=\"../../x\""));
  EXPECT_THAT(index, Not(HasSubstr("href=\"../../x")));
  expect_every_link_reaches_a_file(site() / "index.html");
}

TEST_F(SiteWriterTest, BadInputSaysWhatToDo) {
  EXPECT_THAT(error_of(options()), HasSubstr("no " + (results() / "history.db").string() + "\n  fix: --results"));
  record_four_nights(results());
  EXPECT_THAT(error_of(options(0)), HasSubstr("--last 0: a number of nights, 1 or more"));
  SiteOptions unknown = options();
  unknown.matrix = "nighty";
  EXPECT_THAT(error_of(unknown), HasSubstr("no run of matrix 'nighty' in " + (results() / "history.db").string() +
                                           "\n  fix: --matrix one of nightly"));
  SiteOptions file = options();
  file.site_dir = results() / "history.db";
  EXPECT_THAT(error_of(file), HasSubstr("history.db is not a directory\n  fix: -o a directory"));
  SiteOptions orphan = options();
  orphan.site_dir = dir_.path() / "no" / "site";
  EXPECT_THAT(error_of(orphan), HasSubstr("does not exist\n  fix: mkdir -p " + (dir_.path() / "no").string()));
  SiteOptions into_results = options();
  into_results.site_dir = results();
  EXPECT_THAT(error_of(into_results), HasSubstr("is the results directory"));
  EXPECT_FALSE(fs::exists(site()));  // nothing written on bad input
}

// dir/site over the four sample nights in dir/results.
fs::path write_four_night_site(const ScratchDir& dir) {
  SiteOptions o;
  o.results_root = dir.path() / "results";
  o.site_dir = dir.path() / "site";
  record_four_nights(o.results_root);
  write_site(o);
  return o.site_dir;
}

// Issue 29: the site as a browser builds it, with and without JavaScript;
// the grid, the change marker, and every link reaching a file.
TEST(IntegrationSite, ChromiumBuildsTheGridAndEveryLinkReachesAFile) {
  if (!chromium_installed())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; ci/setup-host.sh does)";
  ScratchDir dir;
  const fs::path site = write_four_night_site(dir);
  const std::string url = "file://" + (site / "index.html").string();
  const ProcessResult dom = run_chromium(dir, {"--dump-dom", url});
  ASSERT_TRUE(dom.ok()) << dom.describe({"chromium", "--dump-dom"});
  EXPECT_THAT(dom.output, HasSubstr("data-interactive=\"yes\""));
  EXPECT_THAT(dom.output, HasSubstr("<p id=\"filter\">"));  // the script showed its switch
  write_file_atomically(site / "index-noscript.html", without_scripts(read_file(site / "index.html")));
  const ProcessResult plain = run_chromium(dir, {"--dump-dom", "file://" + (site / "index-noscript.html").string()});
  ASSERT_TRUE(plain.ok()) << plain.describe({"chromium", "--dump-dom"});
  EXPECT_THAT(plain.output, Not(HasSubstr("data-interactive")));  // its script did not run
  EXPECT_THAT(plain.output, HasSubstr("<p id=\"filter\" hidden=\"\">"));
  for (const std::string& page : {dom.output, plain.output}) {
    EXPECT_THAT(page, HasSubstr("<table id=\"grid\""));
    EXPECT_THAT(page, HasSubstr("<tr data-test=\"kmod:0009\" data-cell=\"debian-6.12/kmod-30 2cpu 1024M\""));
    EXPECT_THAT(page, HasSubstr("<td class=\"v v-FAIL began\""));
    EXPECT_THAT(page, HasSubstr("<span class=\"began-mark\">since</span>"));
    EXPECT_THAT(page, HasSubstr("<th class=\"night\" data-run=\"n4\""));
    const auto links = file_links(page);
    EXPECT_GE(links.size(), 8u);
    for (const auto& link : links) EXPECT_TRUE(fs::is_regular_file(site / link)) << link;
  }
  // A night's report, followed from the index, reaches its copied logs.
  write_file_atomically(site / "n3/noscript.html", without_scripts(read_file(site / "n3/report.html")));
  const ProcessResult night = run_chromium(dir, {"--dump-dom", "file://" + (site / "n3/noscript.html").string()});
  ASSERT_TRUE(night.ok()) << night.describe({"chromium", "--dump-dom"});
  EXPECT_THAT(night.output, HasSubstr("<a class=\"console-log\" href=\"cells/"));
  for (const auto& link : file_links(night.output)) EXPECT_TRUE(fs::is_regular_file(site / "n3" / link)) << link;

  const auto png = dir.path() / "site.png";
  const ProcessResult shot = run_chromium(dir, {"--screenshot=" + png.string(), "--window-size=1200,700", url});
  ASSERT_TRUE(shot.ok()) << shot.describe({"chromium", "--screenshot"});
  EXPECT_GT(fs::file_size(png), 10000u);
  // KMX_SITE_SCREENSHOT=FILE keeps the picture.
  if (const char* keep = std::getenv("KMX_SITE_SCREENSHOT"))
    fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
}

// The grid wider than the window: its box scrolls, the test and pass-rate
// columns stay where they were. A probe added to a copy of the page
// measures it a frame after the scroll (to a pixel and a half: a collapsed
// border stays behind).
TEST(IntegrationSite, AWideGridScrollsUnderItsFirstColumns) {
  if (!chromium_installed())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; ci/setup-host.sh does)";
  ScratchDir dir;
  const fs::path site = write_four_night_site(dir);
  std::string html = read_file(site / "index.html");
  const std::string probe = R"(<script>
var box = document.querySelector('.grid-scroll');
var row = document.querySelector('#grid tbody tr');
var track = row.querySelector('.track'), rate = row.querySelector('.rate');
var before = [track.getBoundingClientRect().left, rate.getBoundingClientRect().left];
box.scrollLeft = 200;
requestAnimationFrame(function () { setTimeout(function () {
  var after = [track.getBoundingClientRect().left, rate.getBoundingClientRect().left];
  document.body.dataset.probe = [box.scrollWidth > box.clientWidth, box.scrollLeft > 0, Math.abs(before[0] - after[0]) <= 1.5,
    Math.abs(before[1] - after[1]) <= 1.5, Math.abs(after[1] - track.getBoundingClientRect().right) <= 1,
    document.documentElement.scrollWidth <= window.innerWidth].join(',');
}, 0); });
</script></body>)";
  html.replace(html.rfind("</body>"), 7, probe);
  write_file_atomically(site / "probe.html", html);
  const ProcessResult dom = run_chromium(dir, {"--window-size=600,600", "--virtual-time-budget=5000", "--dump-dom",
                                               "file://" + (site / "probe.html").string()});
  ASSERT_TRUE(dom.ok()) << dom.describe({"chromium", "--dump-dom"});
  // Wider than its box, scrolled, both columns in place and side by side, the page not wider than the window.
  EXPECT_THAT(dom.output, HasSubstr("data-probe=\"true,true,true,true,true,true\""));
}

}  // namespace
}  // namespace kmx
