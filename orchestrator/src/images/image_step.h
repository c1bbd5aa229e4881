// One step of preparing an image input (apt-get, dpkg-deb, make, depmod...):
// run it, and turn a failure into an ImageError that says what the step was,
// how the program ended and the tail of its output.
#pragma once

#include <string>
#include <vector>

#include "images/artifacts.h"
#include "os/process_runner.h"

namespace kmx {

inline ProcessResult run_image_step(ProcessRunner& runner, const std::vector<std::string>& argv,
                                    const ProcessOptions& options, const std::string& what) {
  ProcessResult r = runner.run(argv, options);
  if (!r.ok()) throw ImageError(what + ": " + r.describe(argv));
  return r;
}

}  // namespace kmx
