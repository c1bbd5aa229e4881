#include "reports/kcidb_report.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "store/results_json.h"
#include "verdict/test_details.h"

namespace kmx {
namespace {

using nlohmann::json;

std::string id_of(const RunResult& run, const std::string& rest) {
  return std::string(kKcidbOrigin) + ":" + run.run_id + ":" + rest;
}

// KCIDB test paths are dot-separated [a-zA-Z0-9_-] components:
// "kmod:0009" becomes "kmod.0009".
std::string test_path(const std::string& test) {
  std::string path;
  for (char c : test) {
    if (c == ':' || c == '.')
      path += '.';
    else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')
      path += c;
    else
      path += '_';
  }
  return path;
}

json test_json(const RunResult& run, const CellResult& cell, const std::string& build_id, const std::string& test,
               const TestResult* result, const ReportContext& context) {
  json misc = {{"cell", cell.cell.id()}, {"verdict", result ? json(to_string(result->verdict)) : json("MISSING")}};
  json t = {{"id", id_of(run, cell.cell.id() + ":" + test)},
            {"origin", kKcidbOrigin},
            {"build_id", build_id},
            {"path", test_path(test)},
            {"status", result ? kcidb_status(result->verdict) : "MISS"},
            {"environment",
             {{"comment", cell.cell.id()},
              {"misc",
               {{"vcpus", cell.cell.vcpus},
                {"memory_mib", cell.cell.memory_mib},
                {"kmod", cell.cell.kmod.name},
                {"kmod_version",
                 cell.guest_kmod_version.empty() ? cell.cell.kmod.recorded("version") : cell.guest_kmod_version},
                {"accel", run.accel_of(cell)},
                {"host", cell.host}}}}}};
  if (!run.started_at.empty()) t["start_time"] = run.started_at;
  // A git kmod's revision (a git kernel's is its checkout's git_commit_hash).
  if (const json revision = revision_json(cell.cell.kmod); !revision.is_null())
    t["environment"]["misc"]["kmod_revision"] = revision;
  if (result) {
    t["duration"] = std::max(0.0, result->duration_s);
    t["comment"] = test + " on " + cell.cell.id();
    misc["evidence"] = result->evidence;
    misc["as_expected"] = result->as_expected;
    json expected = json::array();
    for (Verdict v : result->expected) expected.push_back(to_string(v));
    misc["expected"] = expected;
    // Where CI publishes the run (--log-base-url), KCIDB's log_url; else the
    // path in the run directory, in misc since it is no URL.
    if (const std::string url = log_url(context, result->log); !url.empty())
      t["log_url"] = url;
    else if (!result->log.empty())
      misc["log"] = result->log;
    // KCIDB has no field for these; misc is for the origin's own data. No
    // nulls: a round that did not fail leaves failed_at out.
    if (const auto it = result->details.iterations) {
      misc["iterations"] = {{"planned", it->planned}, {"passed", it->passed}};
      if (it->failed_at) misc["iterations"]["failed_at"] = *it->failed_at;
    }
    if (const auto memory = result->details.memory; memory && memory->min_available_kib)
      misc["min_available_kib"] = *memory->min_available_kib;
    if (result->known_issue) misc["known_issue"] = known_issue_json(*result->known_issue);
  }
  t["misc"] = misc;
  return t;
}

}  // namespace

std::string kcidb_status(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kSkip:
      return "SKIP";
    case Verdict::kError:
      return "ERROR";
    case Verdict::kMiss:
      return "MISS";
    case Verdict::kFail:
    case Verdict::kOom:
    case Verdict::kPanic:
    case Verdict::kTimeout:
    case Verdict::kHang:
    case Verdict::kFlaky:
      return "FAIL";
  }
  return "ERROR";
}

json kcidb_json(const RunResult& run, const ReportContext& context) {
  json checkouts = json::array(), builds = json::array(), tests = json::array();
  std::set<std::string> kernels;
  for (const auto& cell : run.cells) {
    const auto& kernel = cell.cell.kernel;
    const std::string build_id = id_of(run, kernel.name);
    if (kernels.insert(kernel.name).second) {
      checkouts.push_back({{"id", id_of(run, kernel.name)},
                           {"origin", kKcidbOrigin},
                           {"tree_name", kernel.name},
                           {"comment", cell.kernel_package_or_declared().empty()
                                           ? kernel.name
                                           : cell.kernel_package_or_declared() + " " + cell.kernel_debian_version},
                           {"misc",
                            {{"source", kernel.source},
                             {"declared_package", kernel.recorded("package")},
                             {"resolved_package", cell.kernel_package},
                             {"debian_version", cell.kernel_debian_version}}}});
      // A git kernel: the commit its ref named when the run started.
      if (const std::string c = kernel.recorded("commit"); c.size() == 40) {
        checkouts.back()["git_commit_hash"] = c;
        if (const std::string ref = kernel.recorded("ref"); !ref.empty())
          checkouts.back()["git_repository_branch"] = ref;
        checkouts.back()["misc"]["subject"] = kernel.recorded("subject");
      }
      builds.push_back({{"id", build_id},
                        {"origin", kKcidbOrigin},
                        {"checkout_id", id_of(run, kernel.name)},
                        {"architecture", "x86_64"},
                        {"status", "PASS"},  // we test distribution builds; the build itself is given
                        {"comment", cell.guest_uname.empty() ? kernel.name : cell.guest_uname},
                        {"misc", {{"package", kernel.recorded("package")}, {"guest_uname", cell.guest_uname}}}});
    }
    // Planned tests first, in the matrix's order; then any the run added.
    std::vector<std::string> planned = cell.cell.tests;
    for (const auto& t : cell.tests)
      if (std::find(planned.begin(), planned.end(), t.test) == planned.end()) planned.push_back(t.test);
    for (const auto& test : planned) {
      const auto it =
          std::find_if(cell.tests.begin(), cell.tests.end(), [&](const TestResult& t) { return t.test == test; });
      tests.push_back(test_json(run, cell, build_id, test, it == cell.tests.end() ? nullptr : &*it, context));
    }
  }
  return {{"version", {{"major", 5}, {"minor", 0}}}, {"checkouts", checkouts}, {"builds", builds}, {"tests", tests}};
}

// ASCII only: DEL and everything past it as \u escapes (JSON lets DEL and
// the C1 controls through raw, and a terminal or log viewer would act on
// them); invalid UTF-8 from a run becomes U+FFFD.
std::string render_kcidb(const RunResult& run, const ReportContext& context) {
  return kcidb_json(run, context).dump(2, ' ', true, json::error_handler_t::replace) + "\n";
}

}  // namespace kmx
