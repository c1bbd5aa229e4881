#include "matrix/matrix.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "matrix/source_table.h"
#include "matrix/table_reader.h"
#include "matrix/test_catalog.h"

namespace kmx {
namespace {

constexpr int kMinMemoryMib = 96;       // below this the kernel and initramfs do not fit
constexpr int kMaxMemoryMib = 4 << 20;  // 4 TiB, QEMU's own ceiling is near
constexpr int kMaxVcpus = 288;

constexpr std::size_t kMaxNameLength = 64;
constexpr int kDefaultMaxCells = 10000;
constexpr int kMaxMaxCells = 1000000;
constexpr int kMaxOutputCapMib = 1024;  // per port and boot, held in memory while the VM runs

std::string location_of(const std::string& file, const toml::node& node) { return where(file, node.source()); }

void check_identifier(const TableReader& reader, const toml::node& node, const std::string& what,
                      const std::string& name) {
  if (std::string problem = name_problem(name); !problem.empty())
    reader.fail(node, what + " name '" + name + "' " + problem,
                "use letters, digits, '-', '_' and '.' (at most " + std::to_string(kMaxNameLength) +
                    ", no \"..\"), e.g. \"debian-6.1\"");
}

void read_name_unique(TableReader& reader, std::string& name, std::set<std::string>& names, const std::string& what) {
  name = reader.required_string("name", "\"debian-6.1\"");
  check_identifier(reader, *reader.find("name"), what, name);
  if (!names.insert(name).second)
    reader.fail_table("duplicate " + what + " name '" + name + "'", "give every " + what + " a distinct name");
}

// Name, source and location are common; the source's reader takes the rest.
template <class Spec>
Spec read_source(const toml::table& table, const std::string& file, std::set<std::string>& names,
                 const std::string& kind, const std::string& default_source, const std::vector<SourceReader>& readers) {
  TableReader r(table, file, "[[" + kind + "]]");
  Spec spec;
  read_name_unique(r, spec.name, names, kind);
  spec.source = r.string("source").value_or(default_source);
  spec.location = location_of(file, table);
  auto reader =
      std::find_if(readers.begin(), readers.end(), [&](const SourceReader& s) { return s.name == spec.source; });
  if (reader == readers.end()) {
    const std::string problem = kind + " source '" + spec.source + "' is not supported";
    const std::string fix = "use " + usage_list(readers);
    if (const toml::node* node = r.find("source")) r.fail(*node, problem, fix);
    r.fail_table(problem, fix);
  }
  SourceTable own_keys(r, spec.name, spec.location, std::filesystem::path(file).parent_path());
  spec.settings = reader->read(own_keys);
  spec.record = own_keys.record();
  r.reject_unknown_keys();
  return spec;
}

std::vector<int> read_int_axis(TableReader& r, const std::string& key, int min, int max, const std::string& unit,
                               const std::string& example, std::vector<std::string>& where) {
  const toml::array* arr = r.array(key);
  if (!arr || arr->empty()) r.fail_missing(key, "the matrix has no " + key + " axis", "add " + key + " = " + example);
  std::vector<int> values;
  for (const auto& node : *arr) {
    int v = r.checked_int(node, key + " entry", min, max, unit);
    if (std::find(values.begin(), values.end(), v) != values.end())
      r.fail(node, key + " lists " + std::to_string(v) + " twice", "remove the duplicate");
    values.push_back(v);
    where.push_back(r.location_of(node));
  }
  return values;
}

// The problems found so far: each independent part of a matrix (a table,
// an axis, a section) is read even when another failed, so one `check`
// names every problem, in file order.
class Problems {
 public:
  // Runs part; its MatrixError is kept. True when it succeeded.
  template <class Part>
  bool read(Part&& part) {
    try {
      part();
      return true;
    } catch (const MatrixError& e) {
      messages_.push_back(e.what());
      return false;
    }
  }
  bool empty() const { return messages_.empty(); }
  // Sorted by line and column (messages start "file:line:col: ").
  void throw_if_any() {
    if (messages_.empty()) return;
    std::stable_sort(messages_.begin(), messages_.end(),
                     [](const std::string& a, const std::string& b) { return position(a) < position(b); });
    std::string all;
    for (const auto& m : messages_) all += (all.empty() ? "" : "\n") + m;
    throw MatrixError(all);
  }

 private:
  static std::pair<long, long> position(const std::string& message) {
    long line = 0, col = 0;
    const auto first = message.find(':');
    if (first != std::string::npos && std::sscanf(message.c_str() + first + 1, "%ld:%ld", &line, &col) == 2)
      return {line, col};
    return {0, 0};
  }
  std::vector<std::string> messages_;
};

std::vector<std::string> read_tests(TableReader& r) {
  const toml::array* arr = r.array("tests");
  if (!arr || arr->empty()) r.fail_missing("tests", "the matrix has no tests", "add tests = [\"kmod:0001-0004\"]");
  std::vector<std::string> tests;
  for (const auto& node : *arr) {
    if (!node.is_string()) r.fail(node, "tests entries must be strings", "quote each id: \"kmod:0001\"");
    std::string error;
    auto ids = expand_test_pattern(*node.value<std::string>(), error);
    if (!ids) r.fail(node, error, "see the suites in README.md");
    for (auto& id : *ids) {
      if (std::find(tests.begin(), tests.end(), id) != tests.end())
        r.fail(node, "test " + id + " is listed twice", "remove the duplicate");
      tests.push_back(id);
    }
  }
  return tests;
}

Timeouts read_timeouts(const toml::table& table, const std::string& file) {
  TableReader r(table, file, "[timeouts]");
  Timeouts t;
  t.boot_s = r.integer("boot_s", 5, 3600, "seconds").value_or(t.boot_s);
  t.test_s = r.integer("test_s", 1, 86400, "seconds").value_or(t.test_s);
  if (const toml::node* per = r.get("per_test")) {
    if (!per->is_table()) r.fail(*per, "timeouts.per_test must be a table", "write per_test = { \"kmod:0008\" = 900 }");
    for (const auto& [key, node] : *per->as_table()) {
      std::string error;
      auto ids = expand_test_pattern(std::string(key.str()), error);
      if (!ids) r.fail(node, error, "name a test id or a range, e.g. \"kmod:0008\" or \"kmod:0001-0004\"");
      const int seconds = r.checked_int(node, "per_test timeout", 1, 86400, "seconds");
      for (const auto& id : *ids) t.per_test_s[id] = seconds;
    }
  }
  r.reject_unknown_keys();
  return t;
}

// kmod.sh's -c NNNN COUNT; only kmod.sh tests repeat.
std::map<std::string, int> read_rounds(const toml::table& table, const std::string& file) {
  TableReader r(table, file, "[rounds]");
  std::map<std::string, int> rounds;
  for (const auto& [key, node] : table) {
    std::string error;
    auto ids = expand_test_pattern(std::string(key.str()), error);
    if (!ids) r.fail(node, error, "name a kmod.sh test or a range, e.g. \"kmod:0009\" = 20");
    const int count = r.checked_int(node, "rounds", 1, 100000, "rounds");
    for (const auto& id : *ids) {
      if (!id.starts_with("kmod:"))
        r.fail(node, id + " has no rounds to set (only kmod.sh tests repeat)", "remove it from [rounds]");
      rounds[id] = count;
    }
  }
  return rounds;
}

Expectation read_expectation(const toml::table& table, const std::string& file, const Matrix& m) {
  TableReader r(table, file, "[[expect]]");
  Expectation e;
  e.test = r.required_string("test", "\"kmod:0009\"");
  if (std::find(m.tests.begin(), m.tests.end(), e.test) == m.tests.end())
    r.fail(*table.get("test"), "expectation for " + e.test + ", which the matrix does not run",
           "add it to tests or remove this [[expect]]");
  e.kernel = r.string("kernel");
  if (e.kernel && std::none_of(m.kernels.begin(), m.kernels.end(), [&](auto& k) { return k.name == *e.kernel; }))
    r.fail(*table.get("kernel"), "no [[kernel]] is named '" + *e.kernel + "'", "use the name of a declared kernel");
  e.kmod = r.string("kmod");
  if (e.kmod && std::none_of(m.kmods.begin(), m.kmods.end(), [&](auto& k) { return k.name == *e.kmod; }))
    r.fail(*table.get("kmod"), "no [[kmod]] is named '" + *e.kmod + "'", "use the name of a declared kmod");
  const toml::node* verdict = r.get("verdict");
  if (!verdict)
    r.fail_missing("verdict", "[[expect]] has no verdict", "add verdict = \"FAIL\" (or a list of allowed verdicts)");
  auto add = [&](const toml::node& node) {
    auto v = node.is_string() ? parse_verdict(*node.value<std::string>()) : std::nullopt;
    if (!v || *v == Verdict::kMiss)
      r.fail(node, v ? "MISS cannot be expected: a planned test that never ran is always unexpected" : "not a verdict",
             "use PASS, FAIL, OOM, PANIC, TIMEOUT, HANG, SKIP, ERROR or FLAKY");
    e.verdicts.push_back(*v);
  };
  if (verdict->is_array())
    for (const auto& node : *verdict->as_array()) add(node);
  else
    add(*verdict);
  if (e.verdicts.empty()) r.fail(*verdict, "empty verdict list", "list at least one verdict");
  e.reason = r.string("reason").value_or("");
  r.reject_unknown_keys();
  return e;
}

// A link or title from the matrix: one line of printable text, bounded.
std::string known_issue_text(TableReader& r, const std::string& key, std::size_t max, bool spaces) {
  const auto value = r.string(key);
  if (!value) return "";
  const bool printable = std::all_of(value->begin(), value->end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte != 0x7f && (spaces || byte != ' ');
  });
  if (value->empty() || value->size() > max || !printable)
    r.fail(
        *r.find(key),
        key + " must be " + (spaces ? "one line" : "one word (no spaces)") + " of at most " + std::to_string(max) +
            " printable characters",
        spaces ? "shorten it" : "give the issue's URL, e.g. link = \"https://bugzilla.kernel.org/show_bug.cgi?id=1\"");
  return *value;
}

KnownIssue read_known_issue(const toml::table& table, const std::string& file, const Matrix& m) {
  TableReader r(table, file, "[[known_issue]]");
  KnownIssue k;
  k.test = r.required_string("test", "\"kmod:0009\"");
  if (std::find(m.tests.begin(), m.tests.end(), k.test) == m.tests.end())
    r.fail(*table.get("test"), "known issue of " + k.test + ", which the matrix does not run",
           "add it to tests or remove this [[known_issue]]");
  k.kernel = r.string("kernel");
  if (k.kernel && std::none_of(m.kernels.begin(), m.kernels.end(), [&](auto& x) { return x.name == *k.kernel; }))
    r.fail(*table.get("kernel"), "no [[kernel]] is named '" + *k.kernel + "'", "use the name of a declared kernel");
  k.kmod = r.string("kmod");
  if (k.kmod && std::none_of(m.kmods.begin(), m.kmods.end(), [&](auto& x) { return x.name == *k.kmod; }))
    r.fail(*table.get("kmod"), "no [[kmod]] is named '" + *k.kmod + "'", "use the name of a declared kmod");
  k.intermittent = r.boolean("intermittent").value_or(true);
  if (!r.find("link"))
    r.fail_missing("link", "[[known_issue]] has no link", "add link = \"https://...\" (where the issue is filed)");
  k.link = known_issue_text(r, "link", 500, false);
  k.title = known_issue_text(r, "title", 200, true);
  r.reject_unknown_keys();
  return k;
}

Limits read_limits(const toml::table& table, const std::string& file) {
  TableReader r(table, file, "[limits]");
  Limits l;
  l.max_cells = static_cast<std::size_t>(r.integer("max_cells", 1, kMaxMaxCells, "cells").value_or(kDefaultMaxCells));
  auto mib = [&](const std::string& key, std::size_t fallback) {
    const auto value = r.integer(key, 1, kMaxOutputCapMib, "MiB");
    return value ? static_cast<std::size_t>(*value) << 20 : fallback;
  };
  l.console_max_bytes = mib("console_max_mib", l.console_max_bytes);
  l.agent_max_bytes = mib("agent_max_mib", l.agent_max_bytes);
  r.reject_unknown_keys();
  return l;
}

// Before anything is expanded: the axes' product, not the cells.
void check_cell_count(TableReader& r, const Matrix& m) {
  const std::size_t cells = cell_count(m);
  if (cells <= m.limits.max_cells) return;
  const std::string count = cells == SIZE_MAX ? "more than " + std::to_string(SIZE_MAX) : std::to_string(cells);
  const std::string problem = "the matrix has " + std::to_string(m.kernels.size()) + " kernels x " +
                              std::to_string(m.kmods.size()) + " kmods x " + std::to_string(m.vcpus.size()) +
                              " vcpus x " + std::to_string(m.memory_mib.size()) + " memory_mib = " + count +
                              " cells, more than the limit of " + std::to_string(m.limits.max_cells);
  const std::string fix = cells <= static_cast<std::size_t>(kMaxMaxCells)
                              ? "shorten an axis, or raise the limit: [limits] max_cells = " + count
                              : "shorten an axis: [limits] max_cells allows at most " + std::to_string(kMaxMaxCells);
  const toml::node* limits = r.find("limits");
  const toml::node* max_cells = limits && limits->is_table() ? limits->as_table()->get("max_cells") : nullptr;
  if (max_cells) r.fail(*max_cells, problem, fix);
  r.fail_table(problem, fix);
}

// Cell ids join names with '.', which names may contain: kernel "a.b" with
// kmod "c" and kernel "a" with kmod "b.c" would share every cell id.
void check_ids_distinct(const Matrix& m) {
  std::map<std::string, std::pair<const KernelSpec*, const KmodSpec*>> seen;
  for (const auto& kernel : m.kernels)
    for (const auto& kmod : m.kmods) {
      auto [it, fresh] = seen.emplace(kernel.name + "." + kmod.name, std::pair{&kernel, &kmod});
      if (fresh) continue;
      // Two such pairs differ in both names (names are unique per axis).
      const auto& [other_kernel, other_kmod] = it->second;
      throw MatrixError(kernel.location + ": kernel '" + kernel.name + "' with kmod '" + kmod.name +
                        "' gives the same cell ids as kernel '" + other_kernel->name + "' with kmod '" +
                        other_kmod->name + "' (" + it->first + ".<vcpus>cpu.<memory>M)\n  fix: rename kernel '" +
                        kernel.name + "' or kmod '" + kmod.name + "', e.g. with '-' instead of '.'");
    }
}

Matrix build_matrix(const toml::table& root, const std::string& file, const SourceReaders& sources) {
  Matrix m;
  Problems problems;
  TableReader r(root, file, "the matrix");
  problems.read([&] {
    const std::optional<std::string> name = r.string("name");
    m.name = name.value_or(std::filesystem::path(file).stem().string());
    if (name) {
      check_identifier(r, *r.find("name"), "matrix", m.name);
    } else if (std::string problem = name_problem(m.name); !problem.empty()) {
      r.fail_table("the matrix name defaults to the file name '" + m.name + "', which " + problem,
                   "add name = \"smoke\" at the top (letters, digits, '-', '_' and '.')");
    }
  });
  std::set<std::string> names;
  // Each table of the array is read on its own: one bad [[kernel]] does not
  // hide the next one's problem.
  auto each_table = [&](const std::string& key, auto&& fn) {
    const toml::node* node = nullptr;
    const bool found = problems.read([&] {
      node = r.get(key);
      if (!node) r.fail_missing(key, "the matrix has no [[" + key + "]]", "add at least one [[" + key + "]] table");
      if (!node->is_array_of_tables())
        r.fail(*node, key + " must be an array of tables", "write it as [[" + key + "]]");
    });
    if (!found) return false;
    bool all = true;
    for (const auto& entry : *node->as_array()) all = problems.read([&] { fn(*entry.as_table()); }) && all;
    return all;
  };
  const bool kernels_read = each_table("kernel", [&](const toml::table& t) {
    m.kernels.push_back(read_source<KernelSpec>(t, file, names, "kernel", sources.kernel_default, sources.kernel));
  });
  names.clear();
  const bool kmods_read = each_table("kmod", [&](const toml::table& t) {
    m.kmods.push_back(read_source<KmodSpec>(t, file, names, "kmod", sources.kmod_default, sources.kmod));
  });
  bool axes_read =
      problems.read([&] { m.vcpus = read_int_axis(r, "vcpus", 1, kMaxVcpus, "vCPUs", "[1, 2]", m.vcpus_where); });
  axes_read = problems.read([&] {
    m.memory_mib = read_int_axis(r, "memory_mib", kMinMemoryMib, kMaxMemoryMib, "MiB", "[512, 1024]", m.memory_where);
  }) && axes_read;
  problems.read([&] { m.tests = read_tests(r); });
  problems.read([&] { m.reruns = r.integer("reruns", 0, 5, "reruns").value_or(0); });
  problems.read([&] { m.pvh_boot = r.boolean("pvh_boot").value_or(true); });
  problems.read([&] {
    if (const toml::node* t = r.get("rounds")) {
      if (!t->is_table()) r.fail(*t, "rounds must be a table", "write rounds = { \"kmod:0009\" = 20 }");
      m.rounds = read_rounds(*t->as_table(), file);
    }
  });
  const bool limits_read = problems.read([&] {
    if (const toml::node* l = r.get("limits")) {
      if (!l->is_table()) r.fail(*l, "limits must be a table", "write [limits]");
      m.limits = read_limits(*l->as_table(), file);
    }
  });
  // What depends on the parts above is checked only when they were read.
  if (kernels_read && kmods_read && axes_read && limits_read) problems.read([&] { check_cell_count(r, m); });
  if (kernels_read && kmods_read) problems.read([&] { check_ids_distinct(m); });
  problems.read([&] {
    if (const toml::node* t = r.get("timeouts")) {
      if (!t->is_table()) r.fail(*t, "timeouts must be a table", "write [timeouts]");
      m.timeouts = read_timeouts(*t->as_table(), file);
    }
  });
  const toml::node* ex = nullptr;
  if (problems.read([&] {
        ex = r.get("expect");
        if (ex && !ex->is_array_of_tables()) r.fail(*ex, "expect must be an array of tables", "write it as [[expect]]");
      }) &&
      ex && kernels_read && kmods_read)
    for (const auto& entry : *ex->as_array())
      problems.read([&] { m.expectations.push_back(read_expectation(*entry.as_table(), file, m)); });
  const toml::node* known = nullptr;
  if (problems.read([&] {
        known = r.get("known_issue");
        if (known && !known->is_array_of_tables())
          r.fail(*known, "known_issue must be an array of tables", "write it as [[known_issue]]");
      }) &&
      known && kernels_read && kmods_read)
    for (const auto& entry : *known->as_array())
      problems.read([&] { m.known_issues.push_back(read_known_issue(*entry.as_table(), file, m)); });
  problems.read([&] { r.reject_unknown_keys(); });
  problems.throw_if_any();
  return m;
}

}  // namespace

int Timeouts::for_test(const std::string& test) const {
  auto it = per_test_s.find(test);
  return it == per_test_s.end() ? test_s : it->second;
}

int Matrix::rounds_for(const std::string& test) const {
  auto it = rounds.find(test);
  return it == rounds.end() ? 0 : it->second;
}

std::string name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNameLength) return "is longer than " + std::to_string(kMaxNameLength) + " characters";
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return c == '/' ? "contains '/'" : "contains a character other than letters, digits, '-', '_' and '.'";
  if (name.find("..") != std::string_view::npos) return "contains \"..\"";
  // results/<run-id>/ with run id "." would be results/ itself.
  if (name == ".") return "is \".\" (the directory itself)";
  return "";
}

std::string Cell::id() const {
  return kernel.name + "." + kmod.name + "." + std::to_string(vcpus) + "cpu." + std::to_string(memory_mib) + "M";
}

Matrix parse_matrix_text(std::string_view text, const std::string& source_name, const SourceReaders& sources) {
  const toml::table root = parse_toml(text, source_name);
  Matrix m = build_matrix(root, source_name, sources);
  m.file = source_name;
  return m;
}

Matrix parse_matrix_file(const std::filesystem::path& path, const SourceReaders& sources) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw MatrixError(path.string() + ": no such matrix file\n  fix: pass a path such as matrices/smoke.toml");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_matrix_text(text, path.string(), sources);
}

std::size_t cell_count(const Matrix& m) {
  const std::size_t axes[] = {m.kernels.size(), m.kmods.size(), m.vcpus.size(), m.memory_mib.size()};
  if (std::find(std::begin(axes), std::end(axes), 0u) != std::end(axes)) return 0;
  std::size_t cells = 1;
  for (std::size_t axis : axes)
    if (__builtin_mul_overflow(cells, axis, &cells)) return SIZE_MAX;
  return cells;
}

std::vector<Cell> expand_cells(const Matrix& m) {
  std::vector<Cell> cells;
  for (const auto& kernel : m.kernels)
    for (const auto& kmod : m.kmods)
      for (int vcpus : m.vcpus)
        for (int mem : m.memory_mib)
          cells.push_back(Cell{static_cast<int>(cells.size()), kernel, kmod, vcpus, mem, m.tests});
  return cells;
}

bool Expected::matches(Verdict v) const { return std::find(verdicts.begin(), verdicts.end(), v) != verdicts.end(); }

std::optional<KnownIssue> known_issue_for(const Matrix& m, const Cell& cell, const std::string& test) {
  std::optional<KnownIssue> found;
  for (const auto& k : m.known_issues)
    if (k.test == test && (!k.kernel || *k.kernel == cell.kernel.name) && (!k.kmod || *k.kmod == cell.kmod.name))
      found = k;
  return found;
}

Expected expected_for(const Matrix& m, const Cell& cell, const std::string& test) {
  // The last matching [[expect]] wins, so a specific entry can follow a general one.
  Expected result{{Verdict::kPass}, ""};
  for (const auto& e : m.expectations) {
    if (e.test != test) continue;
    if (e.kernel && *e.kernel != cell.kernel.name) continue;
    if (e.kmod && *e.kmod != cell.kmod.name) continue;
    result = {e.verdicts, e.reason};
  }
  return result;
}

}  // namespace kmx
