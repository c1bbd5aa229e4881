// Tests parse matrices with the sources kmod-matrix ships, as the CLI does.
#pragma once

#include "images/builtin_sources.h"
#include "matrix/matrix.h"

namespace kmx {

inline Matrix parse_matrix_text(std::string_view text, const std::string& source_name) {
  return parse_matrix_text(text, source_name, builtin_sources().readers());
}

inline Matrix parse_matrix_file(const std::filesystem::path& path) {
  return parse_matrix_file(path, builtin_sources().readers());
}

}  // namespace kmx
