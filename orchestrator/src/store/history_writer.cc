#include "store/history_writer.h"

#include <spdlog/spdlog.h>

namespace kmx {

HistoryStore* HistoryWriter::store() {
  if (!store_ && !failed_) {
    try {
      store_ = std::make_unique<HistoryStore>(HistoryStore::open(db_path_));
    } catch (const HistoryError& e) {
      failed_ = true;
      spdlog::warn("history not recorded: {}; record it later with kmod-matrix import", e.what());
    }
  }
  return store_.get();
}

void HistoryWriter::on_cell(const RunResult& run, const CellResult& cell) {
  HistoryStore* s = store();
  if (s == nullptr) return;
  try {
    if (!header_recorded_) s->record_run_header(run);
    header_recorded_ = true;
    s->record_cell(run, cell);
  } catch (const HistoryError& e) {
    spdlog::warn("history: cell {} not recorded: {}", cell.cell.id(), e.what());
  }
}

void HistoryWriter::on_finish(const RunResult& run) {
  HistoryStore* s = store();
  if (s == nullptr) return;
  try {
    s->record_run_header(run);
  } catch (const HistoryError& e) {
    spdlog::warn("history: run {} not recorded: {}", run.run_id, e.what());
  }
}

}  // namespace kmx
