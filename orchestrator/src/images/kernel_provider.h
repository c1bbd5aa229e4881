// Where kernels come from. Each source ("debian", later "build-dir" and
// "source") implements this; the image builder does not know which ran.
#pragma once

#include "images/artifacts.h"
#include "matrix/matrix.h"

namespace kmx {

class KernelProvider {
 public:
  virtual ~KernelProvider() = default;
  // Throws UnknownInputError when the spec names nothing that exists,
  // ImageError for any other failure.
  virtual KernelArtifacts prepare(const KernelSpec& spec) = 0;
};

class KmodProvider {
 public:
  virtual ~KmodProvider() = default;
  virtual KmodArtifacts prepare(const KmodSpec& spec) = 0;
};

}  // namespace kmx
