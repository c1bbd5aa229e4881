// What the providers hand to the image builder.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace kmx {

// A kernel ready to boot and to build out-of-tree modules against.
struct KernelArtifacts {
  std::string id;       // content identity, part of the image hash
  std::string release;  // uname -r
  std::filesystem::path vmlinuz;
  std::filesystem::path modules_root;  // contains lib/modules/<release>, depmod already run
  std::filesystem::path build_dir;     // for make -C <build_dir> M=...
  std::filesystem::path sources;       // lib/test_kmod.c, lib/test_module.c, tools/testing/selftests/kmod/
  // What build_dir is, for the record (results.json): the distribution's
  // headers, a tree prepared from its source with another compiler, ...
  std::string build_dir_origin;
  // A distribution's kernel: the concrete package and its version (what a
  // series meta-package resolved to). Empty for kernels built here.
  std::string package;
  std::string package_version;
};

// The userspace kmod under test.
struct KmodArtifacts {
  std::string id;
  std::filesystem::path kmod_binary;  // the multi-call binary (modprobe, depmod, ...)
  // Where a built kmod's own libkmod lives (empty: the system's). It goes
  // into the guest's library directory instead of the host's libkmod.
  std::filesystem::path library_dir;
  // busybox's modutils instead of kmod: /sbin/modprobe etc. are busybox
  // applets and there is no /bin/kmod (so kmod.sh SKIPs, as it should).
  bool busybox = false;
  // The modprobe.d directories it searches, read from its binaries.
  std::vector<std::string> config_dirs;
  // How a built kmod was configured (empty for the host's and busybox):
  // "autotools"/"meson", where the options came from, the options.
  std::string build_system;
  std::string build_origin;
  std::vector<std::string> build_options;
  // Host libraries libkmod loads at run time (-Ddlopen): the image carries them.
  std::vector<std::filesystem::path> runtime_libraries;
};

// Problems preparing an image: the message says what failed and how to fix it.
class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The input names something that does not exist (unknown kernel package):
// bad input rather than an infrastructure failure.
class UnknownInputError : public ImageError {
 public:
  using ImageError::ImageError;
};

}  // namespace kmx
