// kmod-matrix(1) in man(7) roff, walked from the CLI11 app that main.cc
// builds from the command table: every command --help shows, with its
// arguments, options, defaults and exit statuses, so the page cannot drift
// from the program. Pure: text in, text out.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace kmx {

struct ManPageInfo {
  std::string version;  // shown in the page's footer
  std::string date;     // the .TH date (YYYY-MM-DD); may be empty
};

std::string render_man_page(const CLI::App& app, const ManPageInfo& info);

// Text as roff prints it literally: backslashes escaped, every '-' a minus
// sign (options are typed as they read), no line starting a request.
std::string roff_escape(std::string_view text);

}  // namespace kmx
