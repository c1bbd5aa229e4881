// <results>/history.db as a run goes: the run's header when it starts and
// ends, each cell after every boot (record_cell is idempotent, so a cell
// rewritten after its second boot replaces the first).
#pragma once

#include <filesystem>
#include <memory>

#include "store/history_store.h"
#include "store/run_writer.h"

namespace kmx {

class HistoryWriter : public RunWriter {
 public:
  explicit HistoryWriter(std::filesystem::path db_path) : db_path_(std::move(db_path)) {}
  void on_cell(const RunResult& run, const CellResult& cell) override;
  void on_finish(const RunResult& run) override;

 private:
  // Opened on the first call; nullptr after a failure, which is logged
  // once: a history problem must not stop the run (results.json has it all,
  // and `import` can record it later).
  HistoryStore* store();

  std::filesystem::path db_path_;
  std::unique_ptr<HistoryStore> store_;
  bool failed_ = false;
  bool header_recorded_ = false;
};

}  // namespace kmx
