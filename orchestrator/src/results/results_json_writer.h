// results.json in the run directory, rewritten atomically after every boot
// so that even SIGKILL loses only the boot in flight.
#pragma once

#include <filesystem>

#include "results/run_writer.h"

namespace kmx {

class ResultsJsonWriter : public RunWriter {
 public:
  explicit ResultsJsonWriter(std::filesystem::path run_dir) : run_dir_(std::move(run_dir)) {}
  void on_cell(const RunResult& run, const CellResult& cell) override;
  void on_finish(const RunResult& run) override;

 private:
  std::filesystem::path run_dir_;
};

}  // namespace kmx
