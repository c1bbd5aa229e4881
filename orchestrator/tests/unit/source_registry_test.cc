// images/source_registry and images/builtin_sources: sources by name, each
// with its own reader; a new source is one registration away.
#include "images/source_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "images/builtin_sources.h"
#include "matrix/source_table.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace kmx::testing;

constexpr std::string_view kAxes = "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n";

std::string error_of(const std::string& text, const SourceReaders& readers) {
  try {
    parse_matrix_text(text, "m.toml", readers);
  } catch (const MatrixError& e) {
    return e.what();
  }
  return "(no error)";
}

// A source as a contributor would add one: its spec, reader and provider.
struct TarballKernelSpec {
  std::string name;
  std::string location;
  std::string commit;
};

class TarballKernelProvider : public KernelProviderOf<TarballKernelSpec> {
 public:
  std::string resolve(const TarballKernelSpec& spec) override { return "commit " + spec.commit; }
  KernelArtifacts prepare(const TarballKernelSpec& spec) override { return KernelArtifacts{"tarball-" + spec.commit}; }
};

TarballKernelSpec read_tarball_kernel(SourceTable& table) {
  return {table.name(), table.location(), table.required_string("commit", "\"v6.12\"")};
}

SourceRegistry registry_with_tarball() {
  SourceRegistry registry;
  register_builtin_sources(registry);
  registry.add(KernelSource{{"tarball", "\"tarball\" (commit = ...)", reader_of(read_tarball_kernel)},
                            [](const ProviderContext&) { return std::make_unique<TarballKernelProvider>(); }});
  return registry;
}

TEST(SourceRegistry, BuiltinsInRegistrationOrderWithDefaultsFirst) {
  const SourceReaders& readers = builtin_sources().readers();
  std::vector<std::string> kernels, kmods;
  for (const auto& r : readers.kernel) kernels.push_back(r.name);
  for (const auto& r : readers.kmod) kmods.push_back(r.name);
  EXPECT_THAT(kernels, ElementsAre("debian", "build-dir", "source", "git"));
  EXPECT_THAT(kmods, ElementsAre("host", "debian-source", "source", "busybox", "git"));
  EXPECT_EQ(readers.kernel_default, "debian");
  EXPECT_EQ(readers.kmod_default, "host");
}

TEST(SourceRegistry, UnknownKernelSourceListsTheRegisteredOnes) {
  const std::string error =
      error_of(std::string(kAxes) + "[[kernel]]\nname = \"k\"\nsource = \"svn\"\n[[kmod]]\nname = \"h\"\n",
               builtin_sources().readers());
  EXPECT_THAT(error, HasSubstr("m.toml:6:10: kernel source 'svn' is not supported"));
  EXPECT_THAT(error,
              HasSubstr("fix: use \"debian\" (package = ...), \"build-dir\" (path = an O= build), \"source\" "
                        "(path = a source tree) or \"git\" (repo = a kernel repository, ref = a branch or tag)"));
}

TEST(SourceRegistry, UnknownKmodSourceListsTheRegisteredOnes) {
  const std::string error = error_of(std::string(kAxes) +
                                         "[[kernel]]\nname = \"k\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
                                         "[[kmod]]\nname = \"h\"\nsource = \"apk\"\n",
                                     builtin_sources().readers());
  EXPECT_THAT(error, HasSubstr("kmod source 'apk' is not supported"));
  EXPECT_THAT(error,
              HasSubstr("\"host\", \"debian-source\" (version = ...), \"source\" (path = a kmod tree), \"busybox\" or "
                        "\"git\" (repo = a kmod repository, ref = a branch or tag)"));
}

TEST(SourceRegistry, ARegisteredSourceReadsItsOwnKeys) {
  const SourceRegistry registry = registry_with_tarball();
  const Matrix m = parse_matrix_text(std::string(kAxes) +
                                         "[[kernel]]\nname = \"k\"\nsource = \"tarball\"\ncommit = \"v6.12\"\n"
                                         "[[kmod]]\nname = \"h\"\n",
                                     "m.toml", registry.readers());
  ASSERT_EQ(m.kernels.size(), 1u);
  EXPECT_EQ(m.kernels[0].settings_as<TarballKernelSpec>().commit, "v6.12");
  EXPECT_EQ(m.kernels[0].settings_as<TarballKernelSpec>().location, "m.toml:4:1");
  EXPECT_THAT(m.kernels[0].record, ElementsAre(std::pair<std::string, std::string>("commit", "v6.12")));
}

TEST(SourceRegistry, ASourcesMissingKeyIsAnErrorWithItsFix) {
  const SourceRegistry registry = registry_with_tarball();
  const std::string error =
      error_of(std::string(kAxes) + "[[kernel]]\nname = \"k\"\nsource = \"tarball\"\n[[kmod]]\nname = \"h\"\n",
               registry.readers());
  EXPECT_THAT(error, HasSubstr("[[kernel]] has no 'commit'"));
  EXPECT_THAT(error, HasSubstr("fix: add commit = \"v6.12\""));
}

TEST(SourceRegistry, KeysOfAnotherSourceAreUnknown) {
  const SourceRegistry registry = registry_with_tarball();
  const std::string error = error_of(std::string(kAxes) +
                                         "[[kernel]]\nname = \"k\"\nsource = \"tarball\"\ncommit = \"v1\"\n"
                                         "package = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"h\"\n",
                                     registry.readers());
  EXPECT_THAT(error, HasSubstr("unknown key 'package' in [[kernel]]"));
}

TEST(SourceRegistry, ProvidersAreMadeByNameAndGetTheirOwnSettings) {
  const SourceRegistry registry = registry_with_tarball();
  ScratchDir dir;
  FakeProcessRunner runner;
  CacheDir cache(dir.path());
  const Matrix m = parse_matrix_text(std::string(kAxes) +
                                         "[[kernel]]\nname = \"k\"\nsource = \"tarball\"\ncommit = \"abc\"\n"
                                         "[[kmod]]\nname = \"h\"\n",
                                     "m.toml", registry.readers());
  auto provider = registry.make_kernel_provider("tarball", ProviderContext{runner, cache, dir.path()});
  EXPECT_EQ(provider->prepare(m.kernels[0]).id, "tarball-abc");
}

TEST(SourceRegistry, UnknownProviderNameIsBadInputNamingTheRegisteredOnes) {
  ScratchDir dir;
  FakeProcessRunner runner;
  CacheDir cache(dir.path());
  try {
    builtin_sources().make_kmod_provider("apk", ProviderContext{runner, cache, dir.path()});
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("kmod source 'apk' is not registered"));
    EXPECT_THAT(e.what(), HasSubstr("host, debian-source, source, busybox"));
  }
}

}  // namespace
}  // namespace kmx
