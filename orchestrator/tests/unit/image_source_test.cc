// run/image_source: providers come from the registry by source name; a
// failure is reported once per kernel+kmod.
#include "run/image_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_matrix.h"
#include "fakes.h"
#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using namespace kmx::testing;

struct CountedSpec {
  std::string name;
  std::string location;
};

// A kernel source whose prepare() fails, counting its calls.
class FailingKernelProvider : public KernelProviderOf<CountedSpec> {
 public:
  explicit FailingKernelProvider(int& calls) : calls_(calls) {}
  std::string resolve(const CountedSpec& spec) override {
    if (spec.name == "missing") throw UnknownInputError(spec.location + ": kernel 'missing' does not exist");
    return "counted";
  }
  KernelArtifacts prepare(const CountedSpec& spec) override {
    ++calls_;
    throw ImageError("kernel '" + spec.name + "' failed to unpack");
  }

 private:
  int& calls_;
};

class ImageSourceTest : public ::testing::Test {
 protected:
  ImageSourceTest() : cache_(dir_.path() / "cache") {
    registry_.add(
        KernelSource{{"failing", "\"failing\"", reader_of(+[](SourceTable& t) {
                        return CountedSpec{t.name(), t.location()};
                      })},
                     [this](const ProviderContext&) { return std::make_unique<FailingKernelProvider>(calls_); }});
    register_builtin_sources(registry_);
    write_file_atomically(dir_.path() / "kmx-agent", "agent");
  }
  Cell cell(const std::string& kernel_source) {
    const Matrix m = parse_matrix_text(
        "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
        "[[kernel]]\nname = \"k\"\nsource = \"" +
            kernel_source +
            "\"\n"
            "[[kmod]]\nname = \"h\"\n",
        "m.toml", registry_.readers());
    return expand_cells(m).at(0);
  }

  ScratchDir dir_;
  FakeProcessRunner runner_;
  CacheDir cache_;
  SourceRegistry registry_;
  int calls_ = 0;
};

TEST_F(ImageSourceTest, ProviderIsChosenByTheSpecsSourceName) {
  BuiltImageSource images(registry_, ProviderContext{runner_, cache_, dir_.path()}, dir_.path() / "kmx-agent");
  EXPECT_THROW(images.image_for(cell("failing")), ImageError);
  EXPECT_EQ(calls_, 1);
}

TEST_F(ImageSourceTest, AFailureIsReportedOncePerKernelAndKmod) {
  BuiltImageSource images(registry_, ProviderContext{runner_, cache_, dir_.path()}, dir_.path() / "kmx-agent");
  const Cell c = cell("failing");
  EXPECT_THROW(images.image_for(c), ImageError);
  try {
    images.image_for(c);
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("kernel 'k' failed to unpack"));
  }
  EXPECT_EQ(calls_, 1);
}

TEST_F(ImageSourceTest, MissingAgentIsAnErrorBeforeAnyProviderRuns) {
  BuiltImageSource images(registry_, ProviderContext{runner_, cache_, dir_.path()}, dir_.path() / "no-agent");
  try {
    images.image_for(cell("failing"));
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("guest agent binary"));
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(ImageSourceTest, ResolveInputsNamesEveryKernelAndKmodWithoutPreparingAny) {
  const Matrix m = parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"a\"\nsource = \"failing\"\n"
      "[[kernel]]\nname = \"b\"\nsource = \"failing\"\n"
      "[[kmod]]\nname = \"bb\"\nsource = \"busybox\"\n",
      "m.toml", registry_.readers());
  BuiltImageSource images(registry_, ProviderContext{runner_, cache_, dir_.path()}, dir_.path() / "kmx-agent");
  const std::vector<std::string> lines = images.resolve_inputs(m);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "kernel a: counted");
  EXPECT_EQ(lines[1], "kernel b: counted");
  EXPECT_THAT(lines[2], HasSubstr("kmod bb: busybox modutils"));
  EXPECT_EQ(calls_, 0);  // nothing prepared
}

TEST_F(ImageSourceTest, ResolveInputsReportsEveryProblemAtItsTable) {
  const Matrix m = parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"missing\"\nsource = \"failing\"\n"
      "[[kmod]]\nname = \"tree\"\nsource = \"source\"\npath = \"/nonexistent/kmod\"\n",
      "m.toml", registry_.readers());
  BuiltImageSource images(registry_, ProviderContext{runner_, cache_, dir_.path()}, dir_.path() / "kmx-agent");
  try {
    images.resolve_inputs(m);
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("m.toml:4:1: kernel 'missing' does not exist"));
    EXPECT_THAT(e.what(), HasSubstr("m.toml:7:1: kmod 'tree': /nonexistent/kmod is not a kmod source tree"));
  }
}

TEST_F(ImageSourceTest, AnUnregisteredSourceIsBadInput) {
  Cell c = cell("failing");
  c.kernel.source = "svn";
  BuiltImageSource images(registry_, ProviderContext{runner_, cache_, dir_.path()}, dir_.path() / "kmx-agent");
  EXPECT_THROW(images.image_for(c), UnknownInputError);
}

}  // namespace
}  // namespace kmx
