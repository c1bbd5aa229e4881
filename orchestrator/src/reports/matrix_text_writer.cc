#include "reports/matrix_text_writer.h"

#include "os/files.h"
#include "reports/matrix_report.h"

namespace kmx {

void MatrixTextWriter::on_finish(const RunResult& run) {
  write_file_atomically(run_dir_ / "matrix.txt", render_matrix(run));
}

}  // namespace kmx
