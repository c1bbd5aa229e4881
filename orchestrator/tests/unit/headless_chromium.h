// For Integration tests of the HTML pages kmod-matrix writes: the page as
// headless Chromium builds it (--dump-dom), or a screenshot.
#pragma once

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "fakes.h"
#include "os/process_runner.h"

namespace kmx::testing {

inline bool chromium_installed() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

// chromium --headless ARGS with a profile in `dir`; stdout and stderr merged.
inline ProcessResult run_chromium(const ScratchDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                   "--user-data-dir=" + (dir.path() / "chromium-profile").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  BoostProcessRunner runner;
  ProcessOptions options;
  options.timeout = std::chrono::seconds(180);
  return runner.run(argv, options);
}

// The page as a reader without JavaScript gets it: a policy that lets none
// of its scripts run, added to its <head>. (--blink-settings=
// scriptEnabled=false would stop --dump-dom itself, which prints nothing then.)
inline std::string without_scripts(std::string html) {
  const auto head = html.find("<head>");
  if (head != std::string::npos)
    html.insert(head + 6, "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">");
  return html;
}

}  // namespace kmx::testing
