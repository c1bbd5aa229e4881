// What a boundary search leaves behind: boundary.json (docs/boundary-format.md,
// docs/boundary.schema.json), boundary.html (boundary_html.h) and the one
// summary line printed last.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "boundary/boundary_search.h"

namespace kmx {

inline constexpr int kBoundaryFormatVersion = 1;

struct BoundaryReport {
  std::string boundary_id;
  std::string tool_version;
  std::string created_at;
  std::string matrix_name;
  std::string matrix_file;  // the copy beside boundary.json, relative to it
  std::string matrix_sha256;
  std::string kernel;
  std::string kmod;
  std::string test;
  BoundaryPlan plan;
  bool bad_given = false;  // --bad; otherwise the bad verdict is LOW's
  BoundaryResult result;
};

nlohmann::json to_json(const BoundaryReport& report);

// "kmod:0006 on debian-6.12/host: OOM below 192 MiB, PASS from 192 MiB (3/3 each edge)"
std::string render_boundary_summary(const BoundaryReport& report);

// boundary.json and boundary.html in `dir`, each replaced atomically.
void write_boundary_report(const BoundaryReport& report, const std::filesystem::path& dir);

// search_boundary over report.plan, its result kept in report.result and
// the files rewritten after every probe: an interrupted or failed search
// leaves what it learned.
void search_and_record(BoundaryReport& report, ProbeRunner& runner, const std::filesystem::path& dir);

}  // namespace kmx
