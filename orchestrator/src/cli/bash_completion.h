// The bash completion of kmod-matrix, walked from the same CLI11 app as
// --help: command names, then each command's options; arguments complete as
// file names. Pure: text in, text out.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace kmx {

std::string render_bash_completion(const CLI::App& app);

}  // namespace kmx
