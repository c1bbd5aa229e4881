// cache: the cache's size per kind; --gc DAYS removes entries unused that long.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/boot_directory.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "run/stale_domains.h"

namespace kmx {
namespace {

std::string human_bytes(std::uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

int show_cache(CacheDir& cache, int gc_days, bool dry_run) {
  if (dry_run && gc_days < 0) {
    std::cerr << "kmod-matrix: --dry-run goes with --gc DAYS\n  fix: kmod-matrix cache --gc 30 --dry-run\n";
    return kExitBadInput;
  }
  if (gc_days >= 0) {
    auto result = cache.collect_garbage(std::chrono::hours(24 * gc_days), process_alive, dry_run);
    for (const auto& name : result.removed) std::cout << (dry_run ? "would remove " : "removed ") << name << "\n";
    std::cout << result.removed.size() << (result.removed.size() == 1 ? " entry, " : " entries, ")
              << human_bytes(result.bytes) << (dry_run ? " would be freed (dry run: nothing removed)\n" : " freed\n");
  }
  std::uintmax_t total = 0;
  std::cout << "cache " << cache.root().string() << "\n";
  for (const auto& kind : cache.usage()) {
    std::printf("  %-18s %5zu %-7s %12s\n", kind.kind.c_str(), kind.entries, kind.entries == 1 ? "entry" : "entries",
                human_bytes(kind.bytes).c_str());
    total += kind.bytes;
  }
  std::cout << "  total " << human_bytes(total) << "\n";
  return kExitOk;
}

}  // namespace

CommandRun setup_cache_command(CLI::App& command, ContextOptions& shared) {
  auto gc_days = std::make_shared<int>(-1);
  auto dry_run = std::make_shared<bool>(false);
  add_cache_option(command, shared);
  command.add_option("--gc", *gc_days, "remove entries unused for this many days (0: everything not in use)")
      ->check(CLI::Range(0, 36500));
  command.add_flag("--dry-run", *dry_run, "with --gc: list what would be removed, remove nothing");
  return [gc_days, dry_run](Context& ctx) { return show_cache(ctx.cache(), *gc_days, *dry_run); };
}

}  // namespace kmx
