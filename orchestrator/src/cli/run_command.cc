// run: every cell of a matrix (or the rest of an interrupted run) to a
// verdict. stdout carries only the matrix and the results path; logs go to
// stderr.

#include <spdlog/spdlog.h>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/exit_status.h"
#include "cli/matrix_preflight.h"
#include "cli/run_setup.h"
#include "cli/shard_option.h"
#include "os/contained_files.h"
#include "os/files.h"
#include "reports/matrix_report.h"
#include "run/run_matrix.h"
#include "store/results_json.h"

namespace kmx {
namespace {

struct RunArgs {
  std::string matrix;
  std::string results = "results";
  std::string accel = "auto";
  int jobs = 1;
  std::string resume;
  std::vector<std::string> reports;  // FORMAT:FILE or FORMAT[,FORMAT]
  std::string log_base_url;
  std::string shard;  // K/N, empty: every cell
  bool timings = false;
};

// --resume names a directory directly under --results: one plain path
// component, and no symlink out of --results.
std::filesystem::path resume_dir(const std::string& results, const std::string& run_id) {
  const std::string fix =
      "\n  fix: pass the run id printed by the interrupted run (e.g. 20261122-233800-4821) and the same --results";
  const std::filesystem::path id(run_id);
  if (run_id.find('/') != std::string::npos || run_id == "." || run_id == ".." || id.has_root_path())
    throw std::runtime_error("--resume '" + run_id + "' is not a run id: a run id is one directory name under " +
                             results + fix);
  auto root = std::filesystem::weakly_canonical(std::filesystem::absolute(results));
  if (!root.has_filename()) root = root.parent_path();  // "results/" as given
  const auto dir = std::filesystem::weakly_canonical(root / id);
  if (dir.parent_path() != root)
    throw std::runtime_error("--resume '" + run_id + "' resolves to " + dir.string() + ", outside " + root.string() +
                             fix);
  return std::filesystem::absolute(results) / id;
}

int run_command(Context& ctx, const RunArgs& args) {
  RunSettings settings;
  parse_report_specs(args.reports, ".");  // a mistyped --report is said before anything else
  const std::string log_base_url = checked_log_base_url(args.log_base_url);
  std::filesystem::path matrix_file = ctx.installation().find_matrix(args.matrix);
  if (!args.resume.empty()) {
    if (!args.matrix.empty())
      throw std::runtime_error("give a matrix or --resume RUN_ID, not both: a resumed run uses its own matrix copy");
    settings.run_id = args.resume;
    settings.run_dir = resume_dir(args.results, args.resume);
    matrix_file = settings.run_dir / kMatrixCopy;
    // The run directory is read back as crafted: its matrix copy is taken
    // only as a regular file inside it, never through a symlink.
    if (contained_entry(settings.run_dir, kMatrixCopy) != ContainedEntry::kRegularFile)
      throw std::runtime_error("no run " + args.resume + " under " + args.results + " (" + matrix_file.string() +
                               " is missing or not a regular file" +
                               ")\n  fix: pass the run id printed by the interrupted run, and the same --results");
    settings.previous = read_cell_results(settings.run_dir);
  } else if (args.matrix.empty()) {
    throw std::runtime_error("no matrix given\n  fix: kmod-matrix run matrices/smoke.toml, or --resume RUN_ID");
  } else {
    const BootDirectory where = new_boot_directory(args.results, "");
    settings.run_id = where.id;
    settings.run_dir = where.dir;
  }
  const std::vector<ReportRequest> reports = parse_report_specs(args.reports, settings.run_dir);
  std::optional<ShardSpec> shard_spec;
  if (!args.shard.empty()) shard_spec = parse_shard_option(args.shard);
  std::optional<PhaseSpan> check_span(std::in_place, &ctx.timings(), "matrix check (parse, resolve kernels)");
  // A resumed run keeps the commits its cells recorded for git sources.
  const CheckedMatrix checked = check_matrix(ctx, matrix_file, recorded_pins(settings.previous));
  check_span.reset();
  const Matrix& matrix = checked.matrix;
  for (const auto& line : checked.resolved) spdlog::info("{}", line);
  // A resumed run stays the shard it was started as; a new one is planned now.
  if (!args.resume.empty()) {
    settings.shard = read_shard_file(settings.run_dir);
    if (shard_spec &&
        (!settings.shard || settings.shard->index != shard_spec->index || settings.shard->count != shard_spec->count))
      throw std::runtime_error("--shard " + args.shard + " does not match run " + args.resume + ", which was " +
                               (settings.shard ? "shard " + std::to_string(settings.shard->index) + "/" +
                                                     std::to_string(settings.shard->count)
                                               : std::string("not a shard run")) +
                               "\n  fix: drop --shard: --resume keeps the run's own shard");
  } else if (shard_spec) {
    SelectedShard selected = select_shard(matrix, *shard_spec, std::filesystem::absolute(args.results));
    for (const auto& line : selected.summary) spdlog::info("{}", line);
    settings.shard = std::move(selected.record);
  }
  std::optional<PhaseSpan> setup_span(std::in_place, &ctx.timings(), "host setup (connect, budgets)");
  const BootDirectory where{settings.run_id, settings.run_dir};
  RunSetup setup(ctx, args.accel, args.jobs, where);
  setup.apply_to(settings);  // unreachable hosts are found before there is a run directory
  setup_span.reset();
  settings.matrix_sha256 = create_boot_directory(ctx, where, args.resume.empty() ? matrix_file : "");
  if (args.resume.empty() && settings.shard) write_shard_file(settings.run_dir, *settings.shard);

  spdlog::info("run {}: {} cells; results go to {}", settings.run_id,
               settings.shard ? settings.shard->cells.size() : expand_cells(matrix).size(), settings.run_dir.string());
  // A shard is not a night: merge records the joined run. Kept out of
  // history.db, shards also leave the durations the other shards plan from,
  // and `compare --previous`, untouched.
  settings.writers = ctx.writers_for(settings.run_dir,
                                     settings.shard ? std::filesystem::path{} : std::filesystem::absolute(args.results),
                                     reports, log_base_url);
  settings.timings = &ctx.timings();
  RunResult result = run_matrix(matrix, ctx.images(), ctx.clock(), settings);
  ctx.close_hosts();  // the last destroys end before the summary, and are timed
  if (args.timings) std::cerr << ctx.timings().render();

  std::cout << "\n" << render_matrix(result) << "results: " << (settings.run_dir / "results.json").string() << "\n";
  if (!result.recording_failure.empty())
    std::cerr << "kmod-matrix: the run stopped: its results could not be written (" << result.recording_failure
              << "); what was recorded is in " << settings.run_dir.string()
              << "\n  fix: free space there, then kmod-matrix run --resume " << settings.run_id << " --results "
              << args.results << "\n";
  else if (ctx.stop())
    std::cerr << "kmod-matrix: interrupted; finished cells are in " << settings.run_dir.string() << "\n";
  return run_exit_status(result, ctx.stop());
}

}  // namespace

CommandRun setup_run_command(CLI::App& command, ContextOptions& shared) {
  auto args = std::make_shared<RunArgs>();
  command.add_option("matrix", args->matrix,
                     "matrix file, or the name of a shipped one, e.g. matrices/smoke.toml or smoke");
  command.add_option("--resume", args->resume, "finish an interrupted run: only tests without a verdict run");
  command.add_option("--results", args->results, "directory for results/<run-id>/")->capture_default_str();
  add_boot_options(command, shared, args->accel);
  command.add_option("--report", args->reports,
                     "also write reports when the run ends: FORMAT:FILE, or FORMAT[,FORMAT] into the run's "
                     "directory, FORMAT one of " +
                         report_format_names() + " (repeatable)");
  command.add_option("--log-base-url", args->log_base_url,
                     "the URL where CI publishes the run's directory: KCIDB's log_url of each test");
  command.add_option("--shard", args->shard,
                     "run only part K of N of the cells (e.g. 2/4), balanced by estimated cost; merge joins the "
                     "parts");
  command.add_flag("--timings", args->timings,
                   "print where the run's time went, phase by phase (count, total, median, max), to stderr");
  command
      .add_option("--jobs,-j", args->jobs, "cells to run at once over every host, within each host's CPUs and memory")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  return [args](Context& ctx) { return run_command(ctx, *args); };
}

}  // namespace kmx
