#include "boundary/boundary_report.h"

#include "boundary/boundary_html.h"
#include "os/files.h"

namespace kmx {
namespace {

using nlohmann::json;

json optional_value(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }

json verdict_names(const std::vector<Verdict>& verdicts) {
  json out = json::array();
  for (Verdict v : verdicts) out.push_back(std::string(to_string(v)));
  return out;
}

// The runs at an edge, all of which agreed (0 without that edge).
int stable_runs(const BoundaryResult& r, const std::optional<int>& edge) {
  const ValueTally* t = edge ? r.tally_at(*edge) : nullptr;
  return t ? t->bad + t->good : 0;
}

// "OOM" or "OOM/FAIL": the verdicts seen at a value, else the fallback list.
std::string seen_at(const BoundaryResult& r, const std::optional<int>& value, const std::vector<Verdict>& fallback) {
  const ValueTally* t = value ? r.tally_at(*value) : nullptr;
  std::string out;
  for (Verdict v : t ? t->verdicts : fallback) out += (out.empty() ? "" : "/") + std::string(to_string(v));
  return out.empty() ? "good" : out;
}

// "192 MiB (1/3 bad), 256 MiB (2/3 bad)": the values whose runs disagreed.
std::string mixed_values(const BoundaryReport& report) {
  std::string out;
  for (const auto& t : report.result.tallies)
    if (t.bad > 0 && t.good > 0)
      out += (out.empty() ? "" : ", ") + std::to_string(t.value) + " " + std::string(unit_of(report.plan.axis)) + " (" +
             std::to_string(t.bad) + "/" + std::to_string(t.bad + t.good) + " bad)";
  return out;
}

}  // namespace

json to_json(const BoundaryReport& report) {
  const BoundaryResult& r = report.result;
  json values = json::array();
  for (const auto& t : r.tallies)
    values.push_back({{"value", t.value}, {"bad", t.bad}, {"good", t.good}, {"verdicts", verdict_names(t.verdicts)}});
  json probes = json::array();
  for (const auto& p : r.probes)
    probes.push_back({{"value", p.value},
                      {"repeat", p.repeat},
                      {"verdict", std::string(to_string(p.run.verdict))},
                      {"evidence", p.run.evidence},
                      {"duration_s", p.run.duration_s},
                      {"run_dir", p.run.run_dir}});
  return {{"format", kBoundaryFormatVersion},
          {"boundary_id", report.boundary_id},
          {"tool_version", report.tool_version},
          {"created_at", report.created_at},
          {"matrix", {{"name", report.matrix_name}, {"file", report.matrix_file}, {"sha256", report.matrix_sha256}}},
          {"kernel", report.kernel},
          {"kmod", report.kmod},
          {"test", report.test},
          {"axis", std::string(to_string(report.plan.axis))},
          {"low", report.plan.range.low},
          {"high", report.plan.range.high},
          {"step", report.plan.range.step},
          {"repeats", report.plan.repeats},
          {"bad_verdicts", verdict_names(r.bad)},
          {"bad_given", report.bad_given},
          {"status", std::string(to_string(r.status))},
          {"message", r.message},
          {"result",
           {{"found", r.status == BoundaryStatus::kFound},
            {"last_bad", optional_value(r.last_bad)},
            {"first_good", optional_value(r.first_good)},
            {"flaky", r.flaky},
            {"stable_runs", {{"last_bad", stable_runs(r, r.last_bad)}, {"first_good", stable_runs(r, r.first_good)}}},
            {"values", values}}},
          {"probes", probes}};
}

std::string render_boundary_summary(const BoundaryReport& report) {
  const BoundaryResult& r = report.result;
  const std::string unit(unit_of(report.plan.axis));
  const std::string at = report.test + " on " + report.kernel + "/" + report.kmod + ": ";
  const std::string bad = seen_at(r, r.last_bad, r.bad);
  const std::string good = seen_at(r, r.first_good, {});
  const auto with_unit = [&](int v) { return std::to_string(v) + " " + unit; };
  switch (r.status) {
    case BoundaryStatus::kNoBoundary:
      return at + bad + " at " + with_unit(report.plan.range.high) + " too: no boundary in " +
             std::to_string(report.plan.range.low) + ".." + with_unit(report.plan.range.high);
    case BoundaryStatus::kError:
      return at + "no answer: " + r.message;
    case BoundaryStatus::kStopped:
    case BoundaryStatus::kRunning:
      return at + "interrupted after " + std::to_string(r.probes.size()) + " probes";
    case BoundaryStatus::kFound:
      break;
  }
  if (r.flaky)
    return at +
           "flaky edge: " + (r.last_bad ? bad + " every run up to " + with_unit(*r.last_bad) : "no value always bad") +
           ", " + (r.first_good ? good + " every run from " + with_unit(*r.first_good) : "no value always good") +
           "; mixed at " + mixed_values(report);
  const auto all = [](int n) { return std::to_string(n) + "/" + std::to_string(n); };
  const int good_runs = stable_runs(r, r.first_good);
  if (!r.last_bad)
    return at + good + " from " + with_unit(*r.first_good) + ", the lowest probed (" + all(good_runs) + ")";
  const int bad_runs = stable_runs(r, r.last_bad);
  const std::string runs = bad_runs == good_runs ? all(bad_runs) + " each edge"
                                                 : all(bad_runs) + " at " + std::to_string(*r.last_bad) + ", " +
                                                       all(good_runs) + " at " + std::to_string(*r.first_good);
  return at + bad + " below " + with_unit(*r.first_good) + ", " + good + " from " + with_unit(*r.first_good) + " (" +
         runs + ")";
}

void write_boundary_report(const BoundaryReport& report, const std::filesystem::path& dir) {
  write_file_atomically(dir / "boundary.json",
                        to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  write_file_atomically(dir / "boundary.html", render_boundary_html(report));
}

void search_and_record(BoundaryReport& report, ProbeRunner& runner, const std::filesystem::path& dir) {
  report.result = search_boundary(report.plan, runner, [&](const BoundaryResult& so_far) {
    report.result = so_far;
    write_boundary_report(report, dir);
  });
  write_boundary_report(report, dir);
}

}  // namespace kmx
