// Where kernels and kmods come from. Each source ("debian", "build-dir",
// "source"; "host", "debian-source", "source", "busybox") is one provider
// registered by name in source_registry.h; the image builder does not know
// which ran.
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

// A provider of one source: prepare() gets the settings its reader parsed
// (Spec holds name, location and the source's own keys).
template <class Spec>
class KernelProviderOf : public KernelProvider {
 public:
  KernelArtifacts prepare(const KernelSpec& spec) final { return prepare(spec.settings_as<Spec>()); }
  virtual KernelArtifacts prepare(const Spec& spec) = 0;
};

template <class Spec>
class KmodProviderOf : public KmodProvider {
 public:
  KmodArtifacts prepare(const KmodSpec& spec) final { return prepare(spec.settings_as<Spec>()); }
  virtual KmodArtifacts prepare(const Spec& spec) = 0;
};

}  // namespace kmx
