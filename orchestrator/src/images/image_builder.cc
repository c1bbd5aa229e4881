#include "images/image_builder.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "images/image_step.h"
#include "images/initramfs_writer.h"
#include "images/kmod_script.h"
#include "images/module_index.h"
#include "images/pvh_kernel.h"
#include "images/shared_libs.h"
#include "kmx/protocol.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

// Bumped whenever what goes into an image changes.
constexpr const char* kRecipeVersion = "image-recipe-v5";
// Bumped whenever how the PVH kernel is taken out of a bzImage changes.
constexpr const char* kPvhVersion = "pvh-kernel-v1";
constexpr const char* kBusybox = "/bin/busybox";
constexpr const char* kBash = "/bin/bash";
constexpr const char* kCapsh = "/usr/sbin/capsh";
const std::string kGuestLibDir = "/lib/x86_64-linux-gnu/";
const std::set<std::string> kModutils = {"modprobe", "insmod", "rmmod", "lsmod", "depmod", "modinfo"};

std::string read_if_exists(const fs::path& path) { return fs::exists(path) ? read_file(path) : ""; }

}  // namespace

std::vector<std::string> ImageBuilder::shared_libraries(const std::vector<std::string>& binaries,
                                                        const fs::path& library_dir) {
  std::set<std::string> libs;
  std::map<std::string, std::string> env;
  if (!library_dir.empty()) env["LD_LIBRARY_PATH"] = library_dir.string();
  for (const auto& binary : binaries) {
    std::vector<std::string> argv = {"ldd", binary};
    ProcessResult r = runner_.run(argv, {.timeout = std::chrono::seconds(60), .env = env});
    if (r.exit_code != 0 && r.output.find("not a dynamic executable") != std::string::npos) continue;
    if (!r.ok()) throw ImageError("cannot list the libraries of " + binary + ": " + r.describe(argv));
    std::vector<std::string> missing;
    for (auto& lib : parse_ldd_output(r.output, missing)) libs.insert(lib);
    if (!missing.empty()) throw ImageError(binary + " needs libraries the host lacks: " + missing.front());
  }
  return {libs.begin(), libs.end()};
}

std::string ImageBuilder::image_key(const ImageInputs& in) {
  std::ostringstream key;
  key << kRecipeVersion << '\n' << in.kernel.id << '\n' << in.kmod.id << '\n' << sha256_file(in.agent) << '\n';
  for (const char* tool : {kBusybox, kBash, kCapsh}) key << sha256_file(tool) << '\n';
  for (const auto& e : std::filesystem::directory_iterator(in.test_modules)) key << e.path().filename().string() << ' ';
  key << in.test_modules.filename().string() << '\n';  // the entry name is a hash of the module sources
  std::vector<fs::path> suites;
  for (const auto& e : fs::directory_iterator(in.suites)) suites.push_back(e.path());
  std::sort(suites.begin(), suites.end());
  for (const auto& s : suites) key << s.filename().string() << sha256_file(s) << '\n';
  for (const auto& m : in.modules) key << m << ',';
  return cache_key_name(in.kernel.release + "_" + in.kmod.id, key.str());
}

void ImageBuilder::assemble(const ImageInputs& in, const fs::path& out) {
  const std::string rel = in.kernel.release;
  const fs::path kernel_modules = in.kernel.modules_root / "lib/modules" / rel;
  const fs::path stage = out / "stage";
  const fs::path stage_modules = stage / "lib/modules" / rel;
  fs::create_directories(stage_modules / "extra");

  ModuleIndex index = ModuleIndex::parse(read_if_exists(kernel_modules / "modules.dep"),
                                         read_if_exists(kernel_modules / "modules.softdep"),
                                         read_if_exists(kernel_modules / "modules.alias"));
  std::vector<std::string> missing;
  const auto module_paths = index.closure(in.modules, missing);
  if (!missing.empty())
    throw ImageError("kernel " + rel + " has no module '" + missing.front() +
                     "'\n  fix: kmod.sh needs it built as a module (CONFIG_XFS_FS=m)");
  for (const auto& path : module_paths) {
    fs::create_directories((stage_modules / path).parent_path());
    fs::copy_file(kernel_modules / path, stage_modules / path);
  }
  for (const char* meta : {"modules.order", "modules.builtin", "modules.builtin.modinfo"})
    if (fs::exists(kernel_modules / meta)) fs::copy_file(kernel_modules / meta, stage_modules / meta);
  for (const auto& e : fs::directory_iterator(in.test_modules))
    if (e.path().extension() == ".ko") fs::copy_file(e.path(), stage_modules / "extra" / e.path().filename());

  // The kmod under test writes the guest's module index, as it would on a distro.
  const fs::path tools = out / "tools";
  fs::create_directories(tools);
  fs::create_symlink(in.kmod.kmod_binary, tools / "depmod");
  std::vector<std::string> argv = {(tools / "depmod").string(), "-b", stage.string(), rel};
  std::map<std::string, std::string> kmod_env;
  if (!in.kmod.library_dir.empty()) kmod_env["LD_LIBRARY_PATH"] = in.kmod.library_dir.string();
  run_image_step(runner_, argv, {.timeout = std::chrono::seconds(120), .env = kmod_env},
                 "depmod of the kmod under test failed");

  InitramfsWriter w;
  for (const char* dir :
       {"/proc", "/sys", "/dev", "/tmp", "/run", "/root", "/etc/modprobe.d", "/sbin", "/usr/bin", "/usr/sbin"})
    w.add_directory(dir);
  w.add_file("/init", in.agent);
  w.add_file("/bin/busybox", kBusybox);
  argv = {kBusybox, "--list"};
  const ProcessResult applet_list = run_image_step(runner_, argv, {}, "cannot list busybox applets");
  std::istringstream applets(applet_list.output);
  for (std::string applet; std::getline(applets, applet);)
    if (!applet.empty() && (in.kmod.busybox || !kModutils.count(applet)) && applet != "bash" && applet != "busybox" &&
        applet.find('/') == std::string::npos)
      w.add_symlink("/bin/" + applet, "busybox");
  w.add_file("/bin/bash", kBash);
  w.add_file("/sbin/capsh", kCapsh);
  if (in.kmod.busybox) {
    for (const auto& tool : kModutils) w.add_symlink("/sbin/" + tool, "/bin/busybox");
  } else {
    w.add_file("/bin/kmod", in.kmod.kmod_binary);
    for (const auto& tool : kModutils) w.add_symlink("/sbin/" + tool, "/bin/kmod");
  }
  for (const auto& lib : shared_libraries({kBash, kCapsh}, {})) w.add_file(lib, lib);
  // A built kmod's libkmod replaces the system's in the guest's library dir.
  std::vector<std::string> kmod_binaries = {in.kmod.kmod_binary.string()};
  for (const auto& lib : in.kmod.runtime_libraries) kmod_binaries.push_back(lib.string());
  std::set<std::string> kmod_libs;
  for (const auto& lib : in.kmod.runtime_libraries) kmod_libs.insert(lib.string());
  if (!in.kmod.busybox)
    for (auto& lib : shared_libraries(kmod_binaries, in.kmod.library_dir)) kmod_libs.insert(std::move(lib));
  for (const auto& lib : kmod_libs) {
    const bool ours = !in.kmod.library_dir.empty() && lib.starts_with(in.kmod.library_dir.string() + "/");
    w.add_file(ours ? kGuestLibDir + fs::path(lib).filename().string() : lib, lib);
  }
  w.add_tree("/lib/modules/" + rel, stage_modules);
  const fs::path selftest = in.kernel.sources / "tools/testing/selftests/kmod";
  const std::string suite_dir(protocol::kKmodSuiteDir);
  w.add_file(suite_dir + "/kmod.sh", selftest / "kmod.sh", 0755);
  if (fs::exists(selftest / "config")) w.add_file(suite_dir + "/config", selftest / "config", 0644);
  write_file_atomically(out / "passwd", "root:x:0:0:root:/root:/bin/sh\n");
  w.add_file("/etc/passwd", out / "passwd", 0644);
  for (const auto& e : fs::directory_iterator(in.suites))
    w.add_file(std::string(protocol::kSuitesDir) + "/" + e.path().filename().string(), e.path(), 0755);
  // ns:depmod checks symbols against the kernel's exports and namespaces.
  const fs::path symvers = in.kernel.build_dir / "Module.symvers";
  if (fs::exists(symvers)) w.add_file("/usr/share/kmod-matrix/Module.symvers", symvers, 0644);
  w.write(out / "initrd.cpio");
  fs::remove_all(stage);
  fs::remove_all(tools);
  fs::permissions(out / "initrd.cpio",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  std::ostringstream manifest;
  for (const auto& p : module_paths) manifest << p << '\n';
  write_file_atomically(out / "modules.txt", manifest.str());
}

Image ImageBuilder::build(const ImageInputs& in) {
  const std::string key = image_key(in);
  const fs::path entry = cache_.ensure("images", key, [&](const fs::path& out) {
    spdlog::info("assembling initramfs for {} with kmod {}", in.kernel.release, in.kmod.id);
    assemble(in, out);
  });
  Image image{key, in.kernel.release, in.kernel.vmlinuz, entry / "initrd.cpio", in.kernel.build_dir_origin};
  image.kernel_package = in.kernel.package;
  image.kernel_package_version = in.kernel.package_version;
  image.kmod_build = {{"origin", in.kmod.build_origin}, {"config_dirs", in.kmod.config_dirs}};
  image.kmod_rounds =
      kmod_sh_default_rounds(read_if_exists(in.kernel.sources / "tools/testing/selftests/kmod/kmod.sh"));
  if (!in.kmod.build_system.empty()) {
    image.kmod_build["system"] = in.kmod.build_system;
    image.kmod_build["options"] = in.kmod.build_options;
  }
  image.pvh_kernel = pvh_kernel(in.kernel);
  return image;
}

// Once per kernel, as its own cache entry: every image of the kernel shares
// it. A kernel without a PVH entry gets an entry that says why, so it is
// not decompressed again at every run.
fs::path ImageBuilder::pvh_kernel(const KernelArtifacts& kernel) {
  if (!fs::is_regular_file(kernel.vmlinuz)) return {};
  const fs::path entry =
      cache_.ensure("pvh-kernels", cache_key_name(kernel.release, kPvhVersion + kernel.id), [&](const fs::path& out) {
        if (auto why = write_pvh_kernel(kernel.vmlinuz, out / "vmlinux"))
          write_file_atomically(out / "no-pvh-entry.txt", *why + "\n");
      });
  if (fs::exists(entry / "vmlinux")) return entry / "vmlinux";
  spdlog::debug("{} boots as a bzImage: {}", kernel.vmlinuz.string(), read_if_exists(entry / "no-pvh-entry.txt"));
  return {};
}

}  // namespace kmx
