// results.json: the machine-readable record of a run.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/run_result.h"

namespace kmx {

inline constexpr int kResultsFormatVersion = 1;

nlohmann::json to_json(const RunResult& run);
// The parts of to_json: the top level without `cells` and `unexpected`
// (the journal's "run" line), and one entry of `cells` (its "cell" lines).
nlohmann::json run_header_json(const RunResult& run);
nlohmann::json cell_json(const CellResult& cell);
void write_results_json(const RunResult& run, const std::filesystem::path& run_dir);

// A test's [[known_issue]] as results.json, compare and KCIDB write it:
// {"link", "title", "intermittent"}; read back bounded, nothing without a link.
nlohmann::json known_issue_json(const KnownIssue& issue);
std::optional<KnownIssue> known_issue_from_json(const nlohmann::json& value, const std::string& test);

// The commit a git source (or a bisect step) tested: {"commit", "subject"},
// null when the spec recorded none.
nlohmann::json revision_json(const SourceSpec& spec);

// Whether run_dir holds results.json or the journal of a run killed before
// it rendered one.
bool has_run_results(const std::filesystem::path& run_dir);

// A whole run read back from its results.json, with the newer lines of the
// cell journal beside it (cells.jsonl, store/cell_journal.h: what a run
// killed before its end recorded) applied over it: header, host, every cell
// (kernel and kmod carry name, source and the record of their keys, without
// settings), for offline commands on any run directory. Throws
// std::runtime_error naming the file when both are missing or results.json
// is unreadable.
//
// Both are read as crafted (docs/results-format.md, "Reading it back"):
// neither is read through a symlink or past kMaxResultsJsonBytes, JSON
// nesting is capped (os/capped_json.h), names that become directories (run
// id, kernel and kmod names) must be names kmod-matrix writes, and a path
// that would lead out of the run directory (a test's log, a boot's logs) is
// dropped. Every problem is a std::runtime_error naming the file.
RunResult read_run_result(const std::filesystem::path& run_dir);

// The same over results.json's document and the journal's lines, already
// parsed (os/capped_json.h, CellJournal::parse): what read_run_result and
// the fuzz targets share. Throws std::runtime_error.
RunResult run_result_from_json(nlohmann::json doc, const std::vector<nlohmann::json>& journal_lines = {});

// Far more than any run writes (a 10,000-cell run: a few tens of MiB).
inline constexpr std::size_t kMaxResultsJsonBytes = std::size_t{256} << 20;

// What an earlier (interrupted) run recorded, by cell id, for --resume:
// results.json and the journal, as read_run_result reads them.
// Cells carry tests and boots only; the caller supplies the Cell itself.
// Throws std::runtime_error naming the file when it cannot be read.
std::map<std::string, CellResult> read_cell_results(const std::filesystem::path& run_dir);

}  // namespace kmx
