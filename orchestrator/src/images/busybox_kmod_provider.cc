#include "images/busybox_kmod_provider.h"

#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {

std::string BusyboxModutilsProvider::resolve(const BusyboxKmodSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(busybox_, ec))
    throw UnknownInputError(spec.location + ": kmod '" + spec.name + "': " + busybox_.string() +
                            " does not exist\n  fix: apt-get install busybox-static");
  return "busybox modutils from " + busybox_.string();
}

KmodArtifacts BusyboxModutilsProvider::prepare(const BusyboxKmodSpec& spec) {
  resolve(spec);
  KmodArtifacts k{"busybox-" + sha256_file(busybox_).substr(0, 16), busybox_, {}, true};
  k.build_origin = "busybox modutils applets of " + busybox_.string();
  return k;
}

KmodSource BusyboxModutilsProvider::source() {
  return {{"busybox", "\"busybox\"", reader_of(+[](SourceTable& t) {
             return BusyboxKmodSpec{t.name(), t.location()};
           })},
          [](const ProviderContext&) { return std::make_unique<BusyboxModutilsProvider>(); }};
}

}  // namespace kmx
