#include "reports/report_writer.h"

#include <optional>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "os/files.h"
#include "store/run_lookup.h"

namespace kmx {

ReportRequest parse_report_request(std::string_view spec) {
  const std::size_t colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  const ReportFormat* format = find_report_format(name);
  if (colon == std::string_view::npos || format == nullptr || colon + 1 == spec.size())
    throw std::runtime_error("--report " + std::string(spec) + ": expected FORMAT:FILE with FORMAT one of " +
                             report_format_names() + "\n  fix: e.g. --report junit:reports/junit.xml");
  return {format, std::filesystem::path(spec.substr(colon + 1))};
}

std::vector<ReportRequest> parse_report_specs(const std::vector<std::string>& specs, const std::filesystem::path& dir) {
  std::vector<ReportRequest> out;
  for (const auto& spec : specs) {
    if (spec.find(':') != std::string::npos) {
      out.push_back(parse_report_request(spec));
      continue;
    }
    std::string_view rest = spec;
    do {
      const auto comma = rest.find(',');
      const std::string name(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      const ReportFormat* format = find_report_format(name);
      if (format == nullptr)
        throw std::runtime_error("--report '" + spec + "': unknown format '" + name + "'\n  fix: one of " +
                                 report_format_names() + ", as FORMAT:FILE or FORMAT[,FORMAT] (into the run)");
      out.push_back({format, dir / format->file_name});
    } while (!rest.empty());
  }
  return out;
}

std::string checked_log_base_url(const std::string& url) {
  if (url.empty() || url.starts_with("https://") || url.starts_with("http://")) return url;
  throw std::runtime_error("--log-base-url '" + url +
                           "' is not an http(s) URL\n  fix: the URL where CI publishes the run's directory, e.g. "
                           "https://ci.example.org/artifacts/results/RUN_ID");
}

std::string render_report(const ReportFormat& format, const RunResult& run, const std::filesystem::path& run_dir,
                          const std::filesystem::path& results_root, const std::filesystem::path& file,
                          const std::string& log_base_url) {
  std::optional<FoundRun> previous;
  // A damaged history.db or previous run costs the report its "changes
  // since" section, never the report.
  if (format.reads_previous_run && !results_root.empty()) try {
      previous = load_previous_run(results_root, run.run_id);
    } catch (const std::exception& e) {
      spdlog::warn("{}: written without the changes since the previous run: {}", file.string(), e.what());
    }
  ReportContext context;
  context.run_dir = run_dir;
  context.logs_available = !run_dir.empty();
  if (context.logs_available) {
    const std::filesystem::path from = std::filesystem::weakly_canonical(std::filesystem::absolute(file)).parent_path();
    context.link_base = std::filesystem::weakly_canonical(std::filesystem::absolute(run_dir)).lexically_relative(from);
  }
  context.previous = previous ? &previous->run : nullptr;
  context.log_base_url = log_base_url;
  return format.render(run, context);
}

void ReportWriter::on_finish(const RunResult& run) {
  const std::string text = render_report(*request_.format, run, run_dir_, results_root_, request_.file, log_base_url_);
  if (request_.file.has_parent_path()) std::filesystem::create_directories(request_.file.parent_path());
  write_file_atomically(request_.file, text);
}

}  // namespace kmx
