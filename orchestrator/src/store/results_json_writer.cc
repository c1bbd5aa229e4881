#include "store/results_json_writer.h"

#include "store/results_json.h"

namespace kmx {

void ResultsJsonWriter::on_cell(const RunResult& run, const CellResult& cell) {
  // The header first, so a run killed before its end can still be read
  // (and resumed) from the journal alone.
  if (!header_written_) journal_.append({{"run", run_header_json(run)}});
  header_written_ = true;
  journal_.append({{"cell", cell_json(cell)}});
}

void ResultsJsonWriter::on_finish(const RunResult& run) {
  write_results_json(run, run_dir_);
  journal_.remove();  // killed before this: its lines repeat what results.json says
}

}  // namespace kmx
