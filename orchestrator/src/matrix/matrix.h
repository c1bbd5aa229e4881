// A test matrix as declared in matrices/*.toml, and its expansion into cells.
#pragma once

#include <any>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "matrix/source_readers.h"
#include "verdict/verdict.h"

namespace kmx {

// What one [[kernel]] or [[kmod]] table declares. Each source (the
// providers registered in images/source_registry.h) reads its own keys:
// `settings` holds them as its reader parsed them (e.g. DebianKernelSpec in
// images/debian_kernel_provider.h), `record` the same keys as text for
// results.json.
struct SourceSpec {
  std::string name;      // label used in the matrix and the results
  std::string source;    // a registered source name: "debian", "host", ...
  std::string location;  // "file:line:col" of the declaration, for later errors
  std::vector<std::pair<std::string, std::string>> record;
  std::any settings;

  // A recorded key ("package", "version", "path"), or "" when the source has none.
  std::string recorded(std::string_view key) const {
    for (const auto& [k, v] : record)
      if (k == key) return v;
    return {};
  }

  // The settings as the source's own type; a mismatch is a programming error.
  template <class Settings>
  const Settings& settings_as() const {
    if (const auto* s = std::any_cast<Settings>(&settings)) return *s;
    throw std::logic_error("'" + name + "' (source " + source + ") carries no settings of the type its provider reads");
  }
  template <class Settings>
  Settings& settings_as() {
    return const_cast<Settings&>(std::as_const(*this).settings_as<Settings>());
  }
};

struct KernelSpec : SourceSpec {};
struct KmodSpec : SourceSpec {};

struct Expectation {
  std::string test;
  std::optional<std::string> kernel;  // unset: every kernel
  std::optional<std::string> kmod;
  std::vector<Verdict> verdicts;  // any of these is expected
  std::string reason;
};

// [[known_issue]]: a failure someone has already filed, as SQUAD's "known
// issues": compare lists a flip it covers apart from regressions, and the
// reports name it with its link.
struct KnownIssue {
  std::string test;
  std::optional<std::string> kernel;  // unset: every kernel
  std::optional<std::string> kmod;
  bool intermittent = true;  // it fails at a rate; false: every time
  std::string link;          // where it is filed: a URL or a tracker's id
  std::string title;
  bool operator==(const KnownIssue&) const = default;
};

struct Timeouts {
  int boot_s = 120;
  int test_s = 600;
  std::map<std::string, int> per_test_s;
  int for_test(const std::string& test) const;
};

// [limits]: bounds on what a run may take on, each with a default far above
// a real matrix.
struct Limits {
  // Cells (kernels x kmods x vcpus x memory_mib), checked before expansion.
  std::size_t max_cells = 10000;
  // What the guest may write per boot on each port, in memory and on disk.
  std::size_t console_max_bytes = 64 << 20;
  std::size_t agent_max_bytes = 64 << 20;
};

struct Matrix {
  std::filesystem::path file;
  std::string name;
  std::vector<KernelSpec> kernels;
  std::vector<KmodSpec> kmods;
  std::vector<int> vcpus;
  std::vector<int> memory_mib;
  std::vector<std::string> tests;  // expanded ids, in declaration order
  Timeouts timeouts;
  std::vector<Expectation> expectations;
  std::vector<KnownIssue> known_issues;
  // An unexpected verdict is rerun this often in a fresh boot; meeting the
  // expectation on a rerun makes the test FLAKY.
  int reruns = 0;
  // [rounds]: how many rounds a kmod.sh test repeats (its -c NNNN COUNT),
  // by test id; absent: kmod.sh's own count (150 for 0008 and 0009).
  std::map<std::string, int> rounds;
  int rounds_for(const std::string& test) const;  // 0: the suite's own count
  Limits limits;
  // Under TCG, boot the kernel a bzImage carries at its PVH entry, past the
  // bzImage's decompressor (5-6 s of every boot here) and so without KASLR;
  // false: the bzImage's own boot path, KASLR included. KVM always boots the
  // bzImage.
  bool pvh_boot = true;
  // "file:line:col" of each vcpus and memory_mib value, in the same order:
  // checks against the host (cli/host_limits.h) point at the value.
  std::vector<std::string> vcpus_where;
  std::vector<std::string> memory_where;
};

struct Cell {
  int index = 0;
  KernelSpec kernel;
  KmodSpec kmod;
  int vcpus = 0;
  int memory_mib = 0;
  std::vector<std::string> tests;

  // Stable, filesystem-safe: "debian-6.1.host.2cpu.1024M". Unique within a
  // matrix: names are identifiers (no '/', no "..") and the parser rejects
  // a kernel and kmod pair whose names join like another pair's.
  std::string id() const;
};

// Names become directory names (cells/<id>/, results/<run-id>/) and labels
// in every report: letters, digits, '-', '_' and '.', at most 64, never
// "..". Why `name` is not one, or "" when it is. Names read back from a run
// directory, history.db or bisect state are checked with it too.
std::string name_problem(std::string_view name);

// Thrown for any problem in a matrix file. what() is the full message:
// "file:line:col: problem" followed by a line saying how to fix it; with
// several problems (each table and axis is read even after another failed),
// every one of them in file order.
class MatrixError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `sources` reads each [[kernel]] and [[kmod]] by its source name.
Matrix parse_matrix_file(const std::filesystem::path& path, const SourceReaders& sources);
Matrix parse_matrix_text(std::string_view text, const std::string& source_name, const SourceReaders& sources);

// How many cells expand_cells would make, computed without making them;
// saturates at SIZE_MAX instead of overflowing.
std::size_t cell_count(const Matrix& matrix);

// Every combination of kernel x kmod x vcpus x memory, in that order.
std::vector<Cell> expand_cells(const Matrix& matrix);

// The verdicts the matrix expects for a test in a cell (PASS by default),
// with the reason recorded for a non-default expectation.
struct Expected {
  std::vector<Verdict> verdicts;
  std::string reason;
  bool matches(Verdict v) const;
};
Expected expected_for(const Matrix& matrix, const Cell& cell, const std::string& test);
// The last [[known_issue]] that covers the test in that cell, if any.
std::optional<KnownIssue> known_issue_for(const Matrix& matrix, const Cell& cell, const std::string& test);

}  // namespace kmx
