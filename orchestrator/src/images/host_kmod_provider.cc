#include "images/host_kmod_provider.h"

#include "images/kmod_build.h"
#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {

std::string HostKmodProvider::resolve(const HostKmodSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(binary_, ec))
    throw UnknownInputError(spec.location + ": kmod '" + spec.name + "': " + binary_.string() +
                            " does not exist\n  fix: apt-get install kmod, or declare another kmod source");
  return "the host's " + binary_.string();
}

KmodArtifacts HostKmodProvider::prepare(const HostKmodSpec& spec) {
  resolve(spec);
  KmodArtifacts k{"host-" + sha256_file(binary_).substr(0, 16), binary_};
  k.build_origin = "the host's " + binary_.string();
  for (const char* lib : {"/lib/x86_64-linux-gnu/libkmod.so.2", "/usr/lib/x86_64-linux-gnu/libkmod.so.2"})
    if (k.config_dirs.empty() && std::filesystem::exists(lib)) k.config_dirs = kmod_config_dirs(binary_, lib);
  return k;
}

KmodSource HostKmodProvider::source() {
  return {{"host", "\"host\"", reader_of(+[](SourceTable& t) {
             return HostKmodSpec{t.name(), t.location()};
           })},
          [](const ProviderContext&) { return std::make_unique<HostKmodProvider>(); }};
}

}  // namespace kmx
