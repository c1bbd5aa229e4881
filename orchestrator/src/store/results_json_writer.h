// results.json in the run directory. While the run goes, each update of a
// cell is one line appended to the cell journal (cells.jsonl), so a boot
// costs the size of its cell and even SIGKILL loses only the boot in
// flight; results.json is rendered once, when the run ends or is
// interrupted, and the journal it now holds is removed.
#pragma once

#include <filesystem>

#include "store/cell_journal.h"
#include "store/run_writer.h"

namespace kmx {

class ResultsJsonWriter : public RunWriter {
 public:
  explicit ResultsJsonWriter(std::filesystem::path run_dir)
      : run_dir_(std::move(run_dir)), journal_(run_dir_ / kCellJournalFile) {}
  void on_cell(const RunResult& run, const CellResult& cell) override;
  void on_finish(const RunResult& run) override;

 private:
  std::filesystem::path run_dir_;
  CellJournal journal_;
  bool header_written_ = false;  // the journal's "run" line, once per process
};

}  // namespace kmx
