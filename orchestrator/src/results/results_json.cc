#include "results/results_json.h"

#include "os/files.h"

namespace kmx {
namespace {

using nlohmann::json;

json verdict_list(const std::vector<Verdict>& verdicts) {
  json list = json::array();
  for (Verdict v : verdicts) list.push_back(to_string(v));
  return list;
}

json boot_json(const BootSummary& b) {
  return {{"index", b.index},           {"domain", b.domain},
          {"boot_s", b.boot_seconds},   {"wall_s", b.wall_seconds},
          {"end", b.end},               {"end_detail", b.end_detail},
          {"console_log", b.console_log}, {"agent_log", b.agent_log},
          {"agent_garbage_lines", b.garbage_lines}, {"agent_garbage_samples", b.garbage_samples},
          {"agent_problems", b.agent_problems}};
}

json cell_json(const CellResult& c) {
  json tests = json::array();
  for (const auto& t : c.tests)
    tests.push_back({{"id", t.test},
                     {"verdict", to_string(t.verdict)},
                     {"duration_s", t.duration_s},
                     {"evidence", t.evidence},
                     {"expected", verdict_list(t.expected)},
                     {"expected_reason", t.expected_reason},
                     {"as_expected", t.as_expected},
                     {"boot", t.boot},
                     {"log", t.log}});
  json boots = json::array();
  for (const auto& b : c.boots) boots.push_back(boot_json(b));
  return {{"id", c.cell.id()},
          {"kernel", {{"name", c.cell.kernel.name}, {"source", c.cell.kernel.source}, {"package", c.cell.kernel.package}}},
          {"kmod", {{"name", c.cell.kmod.name}, {"source", c.cell.kmod.source}}},
          {"vcpus", c.cell.vcpus},
          {"memory_mib", c.cell.memory_mib},
          {"image", c.image_id},
          {"guest_uname", c.guest_uname},
          {"guest_kmod_version", c.guest_kmod_version},
          {"boot_s", c.first_boot_seconds()},
          {"tests", tests},
          {"boots", boots}};
}

}  // namespace

std::size_t RunResult::unexpected_count() const {
  std::size_t n = 0;
  for (const auto& c : cells)
    for (const auto& t : c.tests) n += t.as_expected ? 0 : 1;
  return n;
}

json to_json(const RunResult& run) {
  json cells = json::array();
  for (const auto& c : run.cells) cells.push_back(cell_json(c));
  return {{"format", kResultsFormatVersion},
          {"run_id", run.run_id},
          {"matrix", {{"name", run.matrix_name}, {"file", run.matrix_file}}},
          {"host", {{"accel", run.accel}, {"accel_reason", run.accel_reason}}},
          {"started_at", run.started_at},
          {"finished_at", run.finished_at},
          {"unexpected", run.unexpected_count()},
          {"cells", cells}};
}

void write_results_json(const RunResult& run, const std::filesystem::path& run_dir) {
  // Guest text was sanitized on the way in; replace keeps a bad byte from
  // ever costing the whole file.
  write_file_atomically(run_dir / "results.json",
                        to_json(run).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace kmx
