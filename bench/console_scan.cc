// kmx-console-scan-bench [MIB...]: CPU seconds to classify one console line
// of a repeated fragment (the least of three tries), per fragment and size.
// bench/console_scan.sh builds it against the scan of another revision too,
// so both are measured side by side in one run.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "verdict/console_scan.h"

namespace {

double cpu_seconds(const std::string& console) {
  double least = 1e300;
  for (int i = 0; i < 3; ++i) {
    timespec start{}, end{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
    const kmx::ConsoleReport report = kmx::scan_console(console, {});
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &end);
    if (report.lines != 1) std::abort();
    const double s = double(end.tv_sec - start.tv_sec) + double(end.tv_nsec - start.tv_nsec) * 1e-9;
    least = s < least ? s : least;
  }
  return least;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<double> sizes_kib;
  for (int i = 1; i < argc; ++i) sizes_kib.push_back(std::atof(argv[i]) * 1024);
  if (sizes_kib.empty()) sizes_kib = {64, 128, 256, 1024, 8192};
  std::printf("%-32s %10s %12s\n", "fragment", "KiB", "cpu_s");
  for (const char* fragment : {"WARNING:", "WARNING: CPU: 0 PID: 1 at a.c", "BUG:", "Kernel panic"}) {
    for (double kib : sizes_kib) {
      std::string line;
      const auto bytes = static_cast<std::size_t>(kib * 1024);
      while (line.size() < bytes) line += fragment;
      std::printf("%-32s %10.0f %12.4f\n", fragment, kib, cpu_seconds(line));
      std::fflush(stdout);
    }
  }
}
