// Where kernels and kmods come from. Each source ("debian", "build-dir",
// "source", "git"; "host", "debian-source", "source", "busybox", "git") is one provider
// registered by name in source_registry.h; the image builder does not know
// which ran.
#pragma once

#include "images/artifacts.h"
#include "matrix/matrix.h"

namespace kmx {

using SourceRecord = std::vector<std::pair<std::string, std::string>>;

class KernelProvider {
 public:
  virtual ~KernelProvider() = default;
  // A source whose input moves (a git ref) fixes it here, when a run starts
  // and before resolve: what it names now goes into the spec's settings and
  // record (e.g. "commit", "subject"), so every cell of the run tests the
  // same revision. `pinned`: what a resumed run recorded ("" at a start).
  // Sources that name something fixed have nothing to do.
  virtual void pin(KernelSpec& spec, const std::string& pinned) {
    (void)spec;
    (void)pinned;
  }
  // What the spec names, looked up without preparing anything (apt
  // lookups, paths that must exist): `check`, and `run` before it creates a
  // run directory, call it for every kernel. Returns one line for the user,
  // e.g. "linux-image-6.12-amd64 -> linux-image-6.12.117+deb12-amd64
  // 6.12.117-1~deb12u1". Throws UnknownInputError naming the table and the fix.
  virtual std::string resolve(const KernelSpec& spec) = 0;
  // Throws UnknownInputError when the spec names nothing that exists,
  // ImageError for any other failure.
  virtual KernelArtifacts prepare(const KernelSpec& spec) = 0;
};

class KmodProvider {
 public:
  virtual ~KmodProvider() = default;
  // As KernelProvider::pin, for a kmod.
  virtual void pin(KmodSpec& spec, const std::string& pinned) {
    (void)spec;
    (void)pinned;
  }
  // As KernelProvider::resolve, for a kmod.
  virtual std::string resolve(const KmodSpec& spec) = 0;
  virtual KmodArtifacts prepare(const KmodSpec& spec) = 0;
};

// A provider of one source: prepare() gets the settings its reader parsed
// (Spec holds name, location and the source's own keys).
template <class Spec>
class KernelProviderOf : public KernelProvider {
 public:
  void pin(KernelSpec& spec, const std::string& pinned) final { pin(spec.settings_as<Spec>(), spec.record, pinned); }
  std::string resolve(const KernelSpec& spec) final { return resolve(spec.settings_as<Spec>()); }
  KernelArtifacts prepare(const KernelSpec& spec) final { return prepare(spec.settings_as<Spec>()); }
  virtual void pin(Spec& spec, SourceRecord& record, const std::string& pinned) {
    (void)spec;
    (void)record;
    (void)pinned;
  }
  virtual std::string resolve(const Spec& spec) = 0;
  virtual KernelArtifacts prepare(const Spec& spec) = 0;
};

template <class Spec>
class KmodProviderOf : public KmodProvider {
 public:
  void pin(KmodSpec& spec, const std::string& pinned) final { pin(spec.settings_as<Spec>(), spec.record, pinned); }
  std::string resolve(const KmodSpec& spec) final { return resolve(spec.settings_as<Spec>()); }
  KmodArtifacts prepare(const KmodSpec& spec) final { return prepare(spec.settings_as<Spec>()); }
  virtual void pin(Spec& spec, SourceRecord& record, const std::string& pinned) {
    (void)spec;
    (void)record;
    (void)pinned;
  }
  virtual std::string resolve(const Spec& spec) = 0;
  virtual KmodArtifacts prepare(const Spec& spec) = 0;
};

}  // namespace kmx
