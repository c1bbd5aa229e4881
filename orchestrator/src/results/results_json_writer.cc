#include "results/results_json_writer.h"

#include "results/results_json.h"

namespace kmx {

void ResultsJsonWriter::on_cell(const RunResult& run, const CellResult&) { write_results_json(run, run_dir_); }

void ResultsJsonWriter::on_finish(const RunResult& run) { write_results_json(run, run_dir_); }

}  // namespace kmx
