// cache: the cache's size per kind; --gc DAYS removes entries unused that long.
#include <cstdio>
#include <iostream>
#include <memory>

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

int show_cache(CacheDir& cache, int gc_days) {
  if (gc_days >= 0) {
    auto result = cache.collect_garbage(std::chrono::hours(24 * gc_days), process_alive);
    for (const auto& name : result.removed) std::cout << "removed " << name << "\n";
    std::cout << result.removed.size() << " entries, " << human_bytes(result.bytes) << " freed\n";
  }
  std::uintmax_t total = 0;
  std::cout << "cache " << cache.root().string() << "\n";
  for (const auto& kind : cache.usage()) {
    std::printf("  %-14s %5zu entries  %12s\n", kind.kind.c_str(), kind.entries, human_bytes(kind.bytes).c_str());
    total += kind.bytes;
  }
  std::cout << "  total " << human_bytes(total) << "\n";
  return kExitOk;
}

}  // namespace

CommandRun setup_cache_command(CLI::App& command, ContextOptions& shared) {
  auto gc_days = std::make_shared<int>(-1);
  command.add_option("--cache", shared.cache, "cache directory (default: $KMX_CACHE or /var/cache/kmod-matrix)");
  command.add_option("--gc", *gc_days, "remove entries unused for this many days (0: everything not in use)")
      ->check(CLI::Range(0, 36500));
  return [gc_days](Context& ctx) { return show_cache(ctx.cache(), *gc_days); };
}

}  // namespace kmx
