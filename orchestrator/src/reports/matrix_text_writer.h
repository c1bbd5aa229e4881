// matrix.txt in the run directory: the terminal matrix, written when the
// run ends.
#pragma once

#include <filesystem>

#include "store/run_writer.h"

namespace kmx {

class MatrixTextWriter : public RunWriter {
 public:
  explicit MatrixTextWriter(std::filesystem::path run_dir) : run_dir_(std::move(run_dir)) {}
  void on_cell(const RunResult&, const CellResult&) override {}
  void on_finish(const RunResult& run) override;

 private:
  std::filesystem::path run_dir_;
};

}  // namespace kmx
