// cells.jsonl in the run directory: one JSON object per line, appended as a
// run goes, so recording a boot costs the size of that boot's cell, not of
// the run. Each line is written with one write() and synced: SIGKILL (or
// a power cut) loses at most the line in flight, which readers drop.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

namespace kmx {

// Beside results.json in a run directory.
inline constexpr const char* kCellJournalFile = "cells.jsonl";
// Far more than any run writes: a 10,000-cell run's journal is a few MiB.
inline constexpr std::size_t kMaxJournalBytes = std::size_t{256} << 20;

class CellJournal {
 public:
  explicit CellJournal(std::filesystem::path path) : path_(std::move(path)) {}
  ~CellJournal();
  CellJournal(const CellJournal&) = delete;
  CellJournal& operator=(const CellJournal&) = delete;

  // Appends `line` (one object) and a newline, then syncs. The first append
  // drops a torn line a killed writer left at the end, so a new line never
  // joins it. A failed append (a full disk) leaves the file as it was and
  // throws std::system_error with errno.
  void append(const nlohmann::json& line);
  // Closes and deletes the file (after results.json holds what it said).
  void remove();

  // Every complete line that parses as an object, oldest first; a torn
  // last line (no newline, or not JSON) is ignored. Empty when missing.
  // Read as crafted (os/contained_files.h, os/capped_json.h): a symlink, a
  // file over kMaxJournalBytes or a line nested too deep is never followed,
  // read whole or parsed; the first two throw std::runtime_error naming it.
  static std::vector<nlohmann::json> read(const std::filesystem::path& path);
  // The same over the file's text.
  static std::vector<nlohmann::json> parse(std::string_view text);

 private:
  void open();

  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace kmx
