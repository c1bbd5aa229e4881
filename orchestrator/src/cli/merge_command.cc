// merge RUN_DIR... --results DIR: shard runs (run --shard K/N) joined into
// one new run under DIR, recorded in DIR/history.db and reported like any
// run. Exits as `run` would have for the whole matrix (0, 1, 3), 2 on bad
// input: a cell in none of the shards (a shard lost) has every test MISS,
// which is unexpected (exit 1).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "analysis/run_merge.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/exit_status.h"
#include "reports/matrix_report.h"
#include "reports/report_context.h"
#include "run/run_matrix.h"

namespace kmx {
namespace {

struct MergeArgs {
  std::vector<std::string> runs;
  std::string results = "results";
  std::vector<std::string> reports;  // FORMAT:FILE, or FORMAT[,FORMAT...] into the merged run's directory
  std::string log_base_url;
};

std::vector<Cell> matrix_cells(Context& ctx, const std::filesystem::path& shard_dir, const std::string& matrix_text) {
  const std::string where = (shard_dir / "matrix.toml").string();
  return expand_cells(parse_matrix_text(matrix_text, where, ctx.sources().readers()));
}

// One writer fed the whole merged run, as a run feeds it cell by cell.
void feed_writer(RunWriter& writer, const RunResult& run) {
  for (const auto& cell : run.cells) writer.on_cell(run, cell);
  writer.on_finish(run);
}

std::string cell_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

int merge_command(Context& ctx, const MergeArgs& args) {
  // Everything is read and checked before the merged directory exists.
  std::vector<ShardRun> shards;
  for (const auto& dir : args.runs) shards.push_back(read_shard_run(dir));
  // Equal digests mean equal matrix copies: any shard's will do.
  const std::filesystem::path& first_dir = shards.front().dir;
  const std::string matrix_text = read_shard_matrix_copy(first_dir);
  const MergedRun merged =
      merge_shard_runs(shards, matrix_cells(ctx, first_dir, matrix_text), new_run_id(static_cast<int>(::getpid())));
  const std::filesystem::path results = std::filesystem::absolute(args.results);
  const std::filesystem::path out_dir = results / merged.run.run_id;
  const std::vector<ReportRequest> reports = parse_report_specs(args.reports, out_dir);
  const std::string log_base_url = checked_log_base_url(args.log_base_url);
  if (std::filesystem::exists(out_dir))
    throw std::runtime_error(out_dir.string() +
                             " already exists\n  fix: run merge again (a new second gives a new run id)");
  if (!merged.run.absent_cells.empty())
    std::cerr << "kmod-matrix: " << merged.run.absent_cells.size() << " of " << merged.run.cells.size()
              << " cells of the matrix are in none of the runs (a shard lost?): their tests are MISS, unexpected: "
              << cell_list(merged.run.absent_cells) << "\n";

  // The writers a run has: results.json first, then matrix.txt, history.db
  // and reports. Until results.json is written nothing is merged, and a
  // failure leaves no half-merged run; after it, the merged run stays
  // whatever a later writer does.
  const auto writers = ctx.writers_for(out_dir, results, reports, log_base_url);
  try {
    for (const std::string& refused : assemble_merged_dir(merged, matrix_text, out_dir))
      std::cerr << "kmod-matrix: merge: left out " << one_line_text(refused, 4096) << "\n";
    feed_writer(*writers.front(), merged.run);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(out_dir, ignored);
    throw;
  }
  std::string failure;
  for (std::size_t i = 1; i < writers.size(); ++i) try {
      feed_writer(*writers[i], merged.run);
    } catch (const std::exception& e) {
      if (failure.empty()) failure = e.what();
    }
  std::cout << "merged " << merged.run.merged_from.size() << " runs (" << cell_list(merged.run.merged_from) << ") into "
            << merged.run.run_id << "\n\n"
            << render_matrix(merged.run) << "results: " << (out_dir / "results.json").string() << "\n";
  if (!failure.empty()) {
    std::cerr << "kmod-matrix: the merged run is complete in " << out_dir.string()
              << ", but a report or history.db could not be written: " << failure << "\n  fix: kmod-matrix report "
              << merged.run.run_id << " --results " << args.results << " --format FORMAT writes a report again\n";
    return kExitInfrastructure;
  }
  return run_exit_status(merged.run, false);
}

}  // namespace

CommandRun setup_merge_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<MergeArgs>();
  command.add_option("runs", args->runs, "run directories of the shard runs (run --shard K/N) to join")->required();
  command.add_option("--results", args->results, "directory for the merged results/<run-id>/ and history.db")
      ->capture_default_str();
  command.add_option("--report", args->reports,
                     "also write reports of the merged run: FORMAT:FILE, or FORMAT[,FORMAT] into its directory, "
                     "FORMAT one of " +
                         report_format_names() + " (repeatable)");
  command.add_option("--log-base-url", args->log_base_url,
                     "the URL where CI publishes the merged run's directory: KCIDB's log_url of each test");
  return [args](Context& ctx) { return merge_command(ctx, *args); };
}

}  // namespace kmx
