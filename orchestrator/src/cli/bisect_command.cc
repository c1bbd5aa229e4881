// bisect: the first commit of a kmod or kernel git history whose behaviour
// in one matrix cell is the new one (a regression or a fix alike). Both
// ends run first; each step checks the revision out in the bisection's own
// clone (the user's repository is only read), builds it with the `source`
// provider and runs the test N times; results/<bisect-id>/bisect.json is
// written after every run, so --resume continues where it stopped. The
// last line printed names the commit.

#include <spdlog/spdlog.h>
#include <iostream>
#include <memory>

#include "bisect/bisect_session.h"
#include "bisect/bisect_state.h"
#include "bisect/matrix_step_runner.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/run_setup.h"
#include "cli/version.h"
#include "images/git_repo.h"
#include "os/clock.h"
#include "os/contained_files.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;

struct BisectArgs {
  std::string matrix;
  std::string test;
  std::string kmod_git;
  std::string kernel_git;
  std::string old_rev;
  std::string new_rev;
  std::vector<std::string> config;
  int runs = 0;
  std::string resume;
  std::string results = "results";
  std::string accel = "auto";
};

constexpr int kDefaultEndRuns = 2;
constexpr std::size_t kMaxMatrixCopyBytes = std::size_t{16} << 20;

// The matrix as the bisection runs it: its own copy, read as if it were the
// original file, so paths in it stay relative to where it came from.
// The matrix copy, its git sources pinned (the bisected axis is replaced
// at each step; the other one tests what its ref names now).
Matrix bisect_matrix(Context& ctx, const fs::path& dir, const BisectState& state) {
  Matrix m = parse_matrix_text(read_contained_file(dir, state.matrix_file, kMaxMatrixCopyBytes), state.matrix_source,
                               ctx.sources().readers());
  ctx.images().pin_inputs(m, {});
  return m;
}

BisectState start_bisection(Context& ctx, const BisectArgs& args, const fs::path& results) {
  if (args.matrix.empty())
    throw std::runtime_error(
        "no matrix given\n  fix: kmod-matrix bisect MATRIX --test ID --kmod-git DIR --old REV "
        "--new REV, or bisect --resume BISECT_ID");
  if (args.kmod_git.empty() == args.kernel_git.empty())
    throw std::runtime_error("say which history to bisect\n  fix: give --kmod-git DIR or --kernel-git DIR (one)");
  if (args.test.empty() || args.old_rev.empty() || args.new_rev.empty())
    throw std::runtime_error(
        "a bisection needs --test, --old and --new\n  fix: e.g. --test kmod:0009 --old v30 "
        "--new v34.2");
  if (!args.config.empty() && args.kernel_git.empty())
    throw std::runtime_error("--config fragments apply to kernel builds\n  fix: use them with --kernel-git");
  const fs::path matrix_file = fs::absolute(ctx.installation().find_matrix(args.matrix));
  check_single_cell(parse_matrix_file(matrix_file, ctx.sources().readers()), args.test);

  BisectState state;
  state.axis = args.kmod_git.empty() ? "kernel" : "kmod";
  state.git_dir = fs::absolute(args.kmod_git.empty() ? args.kernel_git : args.kmod_git).lexically_normal().string();
  GitRepo repo(ctx.runner(), state.git_dir);
  state.old_commit = repo.resolve(args.old_rev);
  state.new_commit = repo.resolve(args.new_rev);
  if (state.old_commit == state.new_commit)
    throw std::runtime_error("--old " + args.old_rev + " and --new " + args.new_rev + " are the same commit");
  if (!repo.is_ancestor(state.old_commit, state.new_commit))
    throw std::runtime_error("--old " + args.old_rev + " is not an ancestor of --new " + args.new_rev +
                             "\n  fix: --old is the earlier commit, whichever behaviour it has (to find a fix, "
                             "--old is where it is broken)");
  for (const auto& f : args.config) {
    if (!fs::exists(f)) throw std::runtime_error("--config " + f + ": no such file");
    state.kernel_config.push_back(fs::absolute(f).string());
  }
  state.old_ref = args.old_rev;
  state.new_ref = args.new_rev;
  state.test = args.test;
  const BootDirectory where = new_boot_directory(results, "bisect-");
  state.bisect_id = where.id;
  state.tool_version = kVersion;
  state.created_at = utc_timestamp();
  state.matrix_file = kMatrixCopy;
  state.matrix_source = matrix_file.string();
  state.runs_given = args.runs > 0;
  state.runs = args.runs;
  state.end_runs = args.runs > 0 ? args.runs : kDefaultEndRuns;
  create_boot_directory(ctx, where, matrix_file);
  save_bisect_state(state, where.dir);
  return state;
}

int exit_status(const BisectState& state, bool interrupted) {
  switch (state.status) {
    case BisectStatus::kFound:  // a culprit that did not hold up under verification is not an answer
      return state.verification.empty() || state.reproduced ? kExitOk : kExitUnexpected;
    case BisectStatus::kRange:
      return kExitUnexpected;
    case BisectStatus::kFailed:
      return state.failure == "end-error" ? kExitInfrastructure : kExitBadInput;
    case BisectStatus::kRunning:
      break;
  }
  return interrupted ? kExitInterrupted : kExitInfrastructure;
}

int bisect_command(Context& ctx, const BisectArgs& args) {
  const fs::path results = fs::absolute(args.results);
  BisectState state;
  if (!args.resume.empty()) {
    if (!args.matrix.empty() || !args.kmod_git.empty() || !args.kernel_git.empty())
      throw std::runtime_error(
          "give a matrix with its options or --resume BISECT_ID, not both: a resumed "
          "bisection keeps its own");
    if (const std::string problem = name_problem(args.resume); !problem.empty())
      throw std::runtime_error("--resume '" + args.resume + "' is not a bisect id (it " + problem + ")" +
                               "\n  fix: pass the bisect id printed when it started, e.g. bisect-20261124-101500-42");
    state = load_bisect_state(results / args.resume);
    if (state.status == BisectStatus::kFailed && state.failure == "end-error") {
      state.status = BisectStatus::kRunning;  // the harness failed at an end: try again
      state.failure.clear();
      state.message.clear();
    }
  } else {
    state = start_bisection(ctx, args, results);
  }
  const BootDirectory where = boot_directory_at(results, state.bisect_id);
  const fs::path& dir = where.dir;
  const Matrix matrix = bisect_matrix(ctx, dir, state);
  check_single_cell(matrix, state.test);
  // A found culprit not yet verified (stopped during verification, or found
  // by an older kmod-matrix) goes on too.
  const bool unverified = state.status == BisectStatus::kFound && state.verification.empty();
  if (state.status == BisectStatus::kRunning || unverified) {
    RunSetup setup(ctx, args.accel, 1, where);
    if (std::string problem = setup.host_problem(matrix); !problem.empty()) {
      std::cerr << "kmod-matrix: " << problem << "\n";
      return kExitBadInput;
    }
    spdlog::info("bisect {}: {} in {} from {} ({}..{}); results go to {}; resume with kmod-matrix bisect --resume {}",
                 state.bisect_id, state.test, state.axis, state.git_dir, state.old_ref, state.new_ref, dir.string(),
                 state.bisect_id);
    const GitRepo repo(ctx.runner(), state.git_dir);
    create_boot_directory(ctx, where, {});
    const fs::path work = ctx.cache().ensure("bisect", state.bisect_id, [](const fs::path&) {});
    state.workdir = work.string();
    const GitRepo checkout = repo.shared_clone(work / "src");

    StepRunnerSetup step;
    step.matrix = matrix;
    step.test = state.test;
    step.axis = state.axis == "kernel" ? BisectAxis::kKernel : BisectAxis::kKmod;
    step.materialise = [&checkout](const std::string& commit) {
      checkout.check_out(commit);
      return checkout.dir();
    };
    for (const auto& f : state.kernel_config) step.kernel_config.push_back(f);
    step.kernel_build_dir = work / "build";
    step.results_dir = dir;
    setup.apply_to(step.settings);
    step.settings.run_id = state.bisect_id;
    step.settings.matrix_sha256 = sha256_file(dir / state.matrix_file);
    step.writers_for = [&ctx](const fs::path& run_dir) { return ctx.writers_for(run_dir); };
    MatrixStepRunner runner(std::move(step), ctx.images(), ctx.clock());
    BisectSession(state, repo, runner,
                  StepContext{ctx.clock(), [&] { save_bisect_state(state, dir); }, &ctx.stop(), state.axis})
        .run();
  }
  if (state.status == BisectStatus::kFailed) {
    std::cerr << "kmod-matrix: bisect " << state.bisect_id << ": " << state.message << "\n";
    return exit_status(state, ctx.stop());
  }
  if (state.status == BisectStatus::kRunning) {
    std::cerr << "kmod-matrix: bisect " << state.bisect_id << " interrupted; finished steps are in "
              << (dir / "bisect.json").string() << "\n  resume with: kmod-matrix bisect --resume " << state.bisect_id
              << (args.results == "results" ? "" : " --results " + args.results) << "\n";
    return exit_status(state, true);
  }
  std::cout << render_bisect_summary(state, (dir / "bisect.json").string());
  return exit_status(state, ctx.stop());
}

}  // namespace

CommandRun setup_bisect_command(CLI::App& command, ContextOptions& shared) {
  auto args = std::make_shared<BisectArgs>();
  command.add_option("matrix", args->matrix, "matrix naming exactly one cell (one kernel, kmod, vCPU count, memory)");
  command.add_option("--test", args->test, "the one test to bisect, e.g. kmod:0009");
  command.add_option("--kmod-git", args->kmod_git, "bisect kmod: a git repository of kmod (only read)");
  command.add_option("--kernel-git", args->kernel_git, "bisect the kernel: a git repository of linux (only read)");
  command.add_option("--old", args->old_rev, "the earlier end (a tag, branch or sha), with the old behaviour");
  command.add_option("--new", args->new_rev, "the later end, with the new behaviour");
  command.add_option("--config", args->config, "kernel config fragment (repeatable; default module-debug.config)");
  command
      .add_option("--runs", args->runs,
                  "runs per commit, each in a fresh boot (default: 2 at each end, then 1 per step when both ends "
                  "are consistent, more when they are flaky)")
      ->check(CLI::Range(1, 50));
  command.add_option("--resume", args->resume, "continue an interrupted bisection; finished steps are not repeated");
  command.add_option("--results", args->results, "directory for results/<bisect-id>/")->capture_default_str();
  add_boot_options(command, shared, args->accel);
  return [args](Context& ctx) { return bisect_command(ctx, *args); };
}

}  // namespace kmx
