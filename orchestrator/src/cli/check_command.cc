// check: validate a matrix, resolve every kernel and kmod it names, and list
// its cells (with --shard K/N, the cells that shard would run); bad input
// exits 2 exactly where `run` would stop.
#include <iostream>
#include <memory>

#include "cli/boot_directory.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/matrix_preflight.h"
#include "cli/shard_option.h"

namespace kmx {
namespace {

struct CheckArgs {
  std::string matrix;
  std::string shard;  // K/N, empty: every cell
  std::string results = "results";
};

int check_command(Context& ctx, const CheckArgs& args) {
  std::optional<ShardSpec> spec;
  if (!args.shard.empty()) spec = parse_shard_option(args.shard);
  const CheckedMatrix checked = check_matrix(ctx, ctx.installation().find_matrix(args.matrix));
  for (const auto& line : checked.resolved) std::cout << line << "\n";
  std::optional<SelectedShard> shard;
  if (spec) {
    shard = select_shard(checked.matrix, *spec, args.results);
    for (const auto& line : shard->summary) std::cout << line << "\n";
  }
  std::vector<Cell> cells = expand_cells(checked.matrix);
  if (shard) cells = cells_in_shard(std::move(cells), shard->record.cells);
  for (const auto& cell : cells) std::cout << cell.id() << "  " << cell.tests.size() << " tests\n";
  return kExitOk;
}

}  // namespace

CommandRun setup_check_command(CLI::App& command, ContextOptions& shared) {
  auto args = std::make_shared<CheckArgs>();
  command.add_option("matrix", args->matrix, "matrix file, or the name of a shipped one (smoke)")->required();
  add_cache_option(command, shared);
  command.add_option("--shard", args->shard, "list only the cells `run --shard K/N` would run");
  command.add_option("--results", args->results, "directory holding history.db, for --shard")->capture_default_str();
  return [args](Context& ctx) { return check_command(ctx, *args); };
}

}  // namespace kmx
