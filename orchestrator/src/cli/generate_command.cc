// generate man|bash-completion [-o FILE]: kmod-matrix(1) or the bash
// completion, rendered from this very command table. The build runs it to
// make the files it installs; hidden from --help, as it tests nothing.
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/bash_completion.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/man_page.h"
#include "cli/version.h"
#include "os/files.h"

namespace kmx {
namespace {

struct GenerateArgs {
  std::string what;
  std::string output;  // empty: stdout
};

// The page's date: $SOURCE_DATE_EPOCH's (reproducible builds; dpkg sets it
// from debian/changelog), else none.
std::string source_date() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch == nullptr || *epoch == '\0') return "";
  const std::time_t t = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  char date[16] = {};
  std::tm tm{};
  std::strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&t, &tm));
  return date;
}

int generate(const CLI::App& app, const GenerateArgs& args) {
  const std::string text =
      args.what == "man" ? render_man_page(app, {kVersion, source_date()}) : render_bash_completion(app);
  if (args.output.empty())
    std::cout << text;
  else
    write_file_atomically(args.output, text);
  return kExitOk;
}

}  // namespace

CommandRun setup_generate_command(CLI::App& command, ContextOptions&) {
  command.group("");  // hidden: --help, the page and the completion leave it out
  auto args = std::make_shared<GenerateArgs>();
  command.add_option("what", args->what, "man (kmod-matrix(1)) or bash-completion")
      ->required()
      ->check(CLI::IsMember({"man", "bash-completion"}));
  command.add_option("-o,--output", args->output, "output file (default: stdout)");
  const CLI::App* app = command.get_parent();
  return [args, app](Context&) { return generate(*app, *args); };
}

}  // namespace kmx
