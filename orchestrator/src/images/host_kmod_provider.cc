#include "images/host_kmod_provider.h"

#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {

KmodArtifacts HostKmodProvider::prepare(const HostKmodSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(binary_, ec))
    throw ImageError("kmod '" + spec.name + "': " + binary_.string() +
                     " does not exist\n  fix: apt-get install kmod, or declare another kmod source");
  return KmodArtifacts{"host-" + sha256_file(binary_).substr(0, 16), binary_};
}

KmodSource HostKmodProvider::source() {
  return {{"host", "\"host\"", reader_of(+[](SourceTable& t) { return HostKmodSpec{t.name(), t.location()}; })},
          [](const ProviderContext&) { return std::make_unique<HostKmodProvider>(); }};
}

}  // namespace kmx
