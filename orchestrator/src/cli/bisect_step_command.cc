// bisect-step: one step for `git bisect run`. Builds the checkout's HEAD
// (the tree as git bisect left it) into the matrix's one cell, runs the
// test (N times with --runs) and exits 0 (old), 1 (new) or 125 (skip: it
// does not build, the harness failed, or a verdict neither side has). Any
// other problem exits 128, which stops git bisect run instead of being
// read as "new".

#include <spdlog/spdlog.h>
#include <iostream>
#include <memory>

#include "bisect/matrix_step_runner.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/run_setup.h"
#include "images/cache_dir.h"
#include "images/git_repo.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;

struct BisectStepArgs {
  std::string matrix;
  std::string test;
  std::string kmod_git;
  std::string kernel_git;
  std::vector<std::string> config;
  int runs = 1;
  std::vector<std::string> old_verdicts;
  std::vector<std::string> new_verdicts;
  std::string build_dir;
  std::string results = "results";
  std::string accel = "auto";
};

std::vector<Verdict> parse_verdicts(const std::vector<std::string>& names, const std::string& option) {
  std::vector<Verdict> out;
  for (const auto& name : names) {
    auto v = parse_verdict(name);
    if (!v || !is_test_outcome(*v))
      throw std::runtime_error(option + " " + name +
                               " is not a test verdict\n  fix: use PASS, FAIL, OOM, PANIC, "
                               "TIMEOUT, HANG or SKIP");
    out.push_back(*v);
  }
  return out;
}

// Old: --old-verdict, else what the matrix expects of the test (PASS unless
// an [[expect]] says otherwise). New: --new-verdict, else every other
// verdict a test can have but SKIP.
Behaviour step_behaviour(const Matrix& matrix, const std::string& test, const BisectStepArgs& args) {
  std::vector<Verdict> old_side = parse_verdicts(args.old_verdicts, "--old-verdict");
  if (old_side.empty()) old_side = expected_for(matrix, expand_cells(matrix).front(), test).verdicts;
  std::vector<Verdict> new_side = parse_verdicts(args.new_verdicts, "--new-verdict");
  if (new_side.empty())
    for (Verdict v :
         {Verdict::kPass, Verdict::kFail, Verdict::kOom, Verdict::kPanic, Verdict::kTimeout, Verdict::kHang})
      if (std::find(old_side.begin(), old_side.end(), v) == old_side.end()) new_side.push_back(v);
  Behaviour b;
  for (Verdict v : old_side) b.old_end[v] = 1;
  for (Verdict v : new_side) {
    if (b.old_end.count(v))
      throw std::runtime_error(std::string(to_string(v)) + " is both old and new\n  fix: give each verdict one side");
    b.new_end[v] = 1;
  }
  return b;
}

int outcome_status(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kOld:
      return 0;
    case StepOutcome::kNew:
      return 1;
    case StepOutcome::kSkip:
      break;
  }
  return 125;  // git bisect run's "cannot test"
}

int bisect_step(Context& ctx, const BisectStepArgs& args) {
  if (args.kmod_git.empty() == args.kernel_git.empty())
    throw std::runtime_error("say which tree to build\n  fix: give --kmod-git DIR or --kernel-git DIR (one)");
  if (args.test.empty()) throw std::runtime_error("no --test given\n  fix: e.g. --test kmod:0009");
  if (!args.config.empty() && args.kernel_git.empty())
    throw std::runtime_error("--config fragments apply to kernel builds\n  fix: use them with --kernel-git");
  const fs::path matrix_file = fs::absolute(ctx.installation().find_matrix(args.matrix));
  Matrix matrix = parse_matrix_file(matrix_file, ctx.sources().readers());
  ctx.images().pin_inputs(matrix, {});
  check_single_cell(matrix, args.test);
  const Behaviour behaviour = step_behaviour(matrix, args.test, args);
  const fs::path tree = fs::absolute(args.kmod_git.empty() ? args.kernel_git : args.kmod_git).lexically_normal();
  const GitRepo repo(ctx.runner(), tree);
  StepRecord record{repo.resolve("HEAD"), "", "step", {}, std::nullopt, "", 1.0, 0};
  record.subject = repo.subject(record.commit);

  const BootDirectory where = new_boot_directory(args.results, "bisect-step-");
  const std::string& id = where.id;
  const fs::path& dir = where.dir;
  RunSetup setup(ctx, args.accel, 1, where);
  if (std::string problem = setup.host_problem(matrix); !problem.empty()) throw std::runtime_error(problem);
  const std::string matrix_sha256 = create_boot_directory(ctx, where, matrix_file);

  StepRunnerSetup step;
  step.matrix = matrix;
  step.test = args.test;
  step.axis = args.kmod_git.empty() ? BisectAxis::kKernel : BisectAxis::kKmod;
  step.materialise = [tree](const std::string&) { return tree; };  // git bisect checked it out
  for (const auto& f : args.config) step.kernel_config.push_back(fs::absolute(f));
  // One O= directory per kernel tree, kept between steps: each build is incremental.
  if (!args.build_dir.empty())
    step.kernel_build_dir = fs::absolute(args.build_dir);
  else if (step.axis == BisectAxis::kKernel)
    step.kernel_build_dir = ctx.cache().ensure("bisect-step", cache_key_name(tree.filename().string(), tree.string()),
                                               [](const fs::path&) {}) /
                            "build";
  step.results_dir = dir;
  setup.apply_to(step.settings);
  step.settings.run_id = id;
  step.settings.matrix_sha256 = matrix_sha256;
  step.writers_for = [&ctx](const fs::path& run_dir) { return ctx.writers_for(run_dir); };
  MatrixStepRunner runner(std::move(step), ctx.images(), ctx.clock());

  spdlog::info("bisect-step {}: {} at {} {}", id, args.test, record.commit.substr(0, 12), record.subject);
  const auto save = [&] {
    write_file_atomically(dir / "step.json",
                          to_json(record).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  };
  const StepContext step_ctx{ctx.clock(), save, &ctx.stop(), args.kmod_git.empty() ? "kernel" : "kmod"};
  if (!test_step(runner, behaviour, record, args.runs, step_ctx)) {
    std::cerr << "kmod-matrix: bisect-step interrupted\n";
    return kExitInterrupted;
  }
  std::cout << record.commit << " " << to_string(*record.outcome) << ": " << record.reason
            << "\nresults: " << (dir / "step.json").string() << "\n";
  return outcome_status(*record.outcome);
}

}  // namespace

CommandRun setup_bisect_step_command(CLI::App& command, ContextOptions& shared) {
  auto args = std::make_shared<BisectStepArgs>();
  command.add_option("matrix", args->matrix, "matrix naming exactly one cell")->required();
  command.add_option("--test", args->test, "the one test, e.g. kmod:0009")->required();
  command.add_option("--kmod-git", args->kmod_git, "build kmod from this checkout's HEAD");
  command.add_option("--kernel-git", args->kernel_git, "build the kernel from this checkout's HEAD");
  command.add_option("--config", args->config, "kernel config fragment (repeatable; default module-debug.config)");
  command.add_option("--runs", args->runs, "runs in fresh boots; a failure seen in any of them counts")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  command.add_option("--old-verdict", args->old_verdicts,
                     "a verdict of the old behaviour (repeatable; default: what the matrix expects, PASS)");
  command.add_option("--new-verdict", args->new_verdicts,
                     "a verdict of the new behaviour (repeatable; default: every other verdict but SKIP)");
  command.add_option("--build-dir", args->build_dir, "kernel O= directory kept between steps (default: in the cache)");
  command.add_option("--results", args->results, "directory for results/<id>/")->capture_default_str();
  add_boot_options(command, shared, args->accel);
  return [args](Context& ctx) {
    try {
      return bisect_step(ctx, *args);
    } catch (const std::exception& e) {
      std::cerr << "kmod-matrix: " << e.what() << "\n";
      return kExitAbortBisect;
    }
  };
}

}  // namespace kmx
