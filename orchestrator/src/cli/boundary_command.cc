// boundary: the smallest memory size or vCPU count at which one test in one
// cell stops giving a "bad" verdict. Every probe is a real run of that cell
// at that value, in results/<boundary-id>/probes/<axis>-<value>-<repeat>/;
// boundary.json and boundary.html beside them are rewritten after every
// probe. The last line printed is the answer.

#include <spdlog/spdlog.h>
#include <algorithm>
#include <iostream>
#include <memory>

#include "boundary/boundary_report.h"
#include "boundary/matrix_probe_runner.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/run_setup.h"
#include "os/clock.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;

struct BoundaryArgs {
  std::string matrix;
  std::string test;
  std::string memory;
  std::string vcpus;
  std::vector<std::string> bad;
  int repeats = 3;
  std::string kernel;
  std::string kmod;
  std::string results = "results";
  std::string accel = "auto";
};

std::vector<Verdict> parse_bad_verdicts(const std::vector<std::string>& given) {
  std::vector<Verdict> bad;
  for (const auto& text : given) {
    const auto v = parse_verdict(text);
    if (!v || !is_test_outcome(*v))
      throw std::runtime_error(
          "--bad " + text + ": " +
          (v ? "is the harness's, a rerun's or a merge's verdict, not the test's" : std::string("not a verdict")) +
          "\n  fix: e.g. --bad OOM or --bad OOM,FAIL (PASS, FAIL, OOM, PANIC, TIMEOUT, HANG, SKIP)");
    if (std::ranges::find(bad, *v) == bad.end()) bad.push_back(*v);
  }
  return bad;
}

// The plan from the command line; throws std::runtime_error with a fix.
BoundaryPlan plan_of(const BoundaryArgs& args) {
  if (args.matrix.empty() || args.test.empty())
    throw std::runtime_error(
        "a boundary search needs a matrix and --test\n  fix: kmod-matrix boundary MATRIX --test ID "
        "--memory LOW:HIGH[:STEP] (or --vcpus LOW:HIGH[:STEP])");
  if (args.memory.empty() == args.vcpus.empty())
    throw std::runtime_error(
        "say which axis to search\n  fix: give --memory LOW:HIGH[:STEP] or --vcpus LOW:HIGH[:STEP] (one)");
  BoundaryPlan plan;
  plan.axis = args.memory.empty() ? BoundaryAxis::kVcpus : BoundaryAxis::kMemory;
  std::string error;
  const auto range = parse_axis_range(args.memory.empty() ? args.vcpus : args.memory, plan.axis, error);
  if (!range) throw std::runtime_error(error);
  plan.range = *range;
  plan.bad = parse_bad_verdicts(args.bad);
  plan.repeats = args.repeats;
  return plan;
}

int exit_status(BoundaryStatus status) {
  switch (status) {
    case BoundaryStatus::kFound:
      return kExitOk;
    case BoundaryStatus::kNoBoundary:
      return kExitUnexpected;
    case BoundaryStatus::kStopped:
    case BoundaryStatus::kRunning:
      return kExitInterrupted;
    case BoundaryStatus::kError:
      break;
  }
  return kExitInfrastructure;
}

int boundary_command(Context& ctx, const BoundaryArgs& args) {
  const BoundaryPlan plan = plan_of(args);
  const fs::path matrix_file = fs::absolute(ctx.installation().find_matrix(args.matrix));
  ProbeRunnerSetup probes;
  Matrix parsed = parse_matrix_file(matrix_file, ctx.sources().readers());
  ctx.images().pin_inputs(parsed, {});
  probes.matrix = reduce_to_one_cell(std::move(parsed), args.kernel, args.kmod, args.test, plan.axis);
  probes.test = args.test;
  probes.axis = plan.axis;

  const BootDirectory where = new_boot_directory(args.results, "boundary-");
  const std::string& id = where.id;
  const fs::path& dir = where.dir;
  RunSetup setup(ctx, args.accel, 1, where);
  // The largest probe is the one the host may not fit.
  if (std::string problem = setup.host_problem(matrix_for_probe(probes, plan.range.high)); !problem.empty()) {
    std::cerr << "kmod-matrix: " << problem << "\n";
    return kExitBadInput;
  }
  const std::string matrix_sha256 = create_boot_directory(ctx, where, matrix_file);

  probes.results_dir = dir;
  setup.apply_to(probes.settings);
  probes.settings.run_id = id;
  probes.settings.matrix_sha256 = matrix_sha256;
  probes.writers_for = [&ctx](const fs::path& run_dir) { return ctx.writers_for(run_dir); };

  BoundaryReport report;
  report.boundary_id = id;
  report.tool_version = probes.settings.tool_version;
  report.created_at = utc_timestamp();
  report.matrix_name = probes.matrix.name;
  report.matrix_file = kMatrixCopy;
  report.matrix_sha256 = probes.settings.matrix_sha256;
  report.kernel = probes.matrix.kernels.front().name;
  report.kmod = probes.matrix.kmods.front().name;
  report.test = args.test;
  report.plan = plan;
  report.bad_given = !plan.bad.empty();
  spdlog::info("boundary {}: {} on {}/{} over {} {}..{} step {}; results go to {}", id, report.test, report.kernel,
               report.kmod, to_string(plan.axis), plan.range.low, plan.range.high, plan.range.step, dir.string());

  MatrixProbeRunner runner(std::move(probes), ctx.images(), ctx.clock());
  search_and_record(report, runner, dir);
  spdlog::info("boundary {}: {} probes; {}", id, report.result.probes.size(), (dir / "boundary.json").string());
  std::cout << render_boundary_summary(report) << "\n";
  return exit_status(report.result.status);
}

}  // namespace

CommandRun setup_boundary_command(CLI::App& command, ContextOptions& shared) {
  auto args = std::make_shared<BoundaryArgs>();
  command.add_option("matrix", args->matrix, "matrix with one kernel and one kmod (or pick them with --kernel/--kmod)");
  command.add_option("--test", args->test, "the one test, e.g. kmod:0006");
  command.add_option("--memory", args->memory, "search memory_mib over LOW:HIGH[:STEP] (MiB; STEP default 64)");
  command.add_option("--vcpus", args->vcpus, "search vcpus over LOW:HIGH[:STEP] (STEP default 1)");
  command.add_option("--bad", args->bad, "the verdicts that count as bad, e.g. OOM or OOM,FAIL (default: LOW's)")
      ->delimiter(',');
  command.add_option("--repeats", args->repeats, "runs at each edge, each in a fresh boot")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  command.add_option("--kernel", args->kernel, "the matrix's [[kernel]] to use when it has several");
  command.add_option("--kmod", args->kmod, "the matrix's [[kmod]] to use when it has several");
  command.add_option("--results", args->results, "directory for results/<boundary-id>/")->capture_default_str();
  add_boot_options(command, shared, args->accel);
  return [args](Context& ctx) { return boundary_command(ctx, *args); };
}

}  // namespace kmx
