#include "bisect/culprit_check.h"

#include <algorithm>
#include <set>

namespace kmx {
namespace {

bool unbuilt(const std::string& file) {
  for (const char* dir : {"man/", "doc/", "docs/", "Documentation/", ".github/", ".gitlab/"})
    if (file.starts_with(dir)) return true;
  const std::string name = file.substr(file.rfind('/') + 1);
  return name.ends_with(".md") || name == "NEWS" || name.starts_with("README") || name == "MAINTAINERS" ||
         name == "CREDITS" || name == ".mailmap";
}

long showing(const std::set<Verdict>& marks, const std::vector<Verdict>& runs) {
  return std::count_if(runs.begin(), runs.end(), [&](Verdict v) { return marks.count(v) > 0; });
}

long valid(const std::vector<Verdict>& runs) {
  return std::count_if(runs.begin(), runs.end(), [](Verdict v) { return v != Verdict::kError; });
}

}  // namespace

bool changes_nothing_built(const std::vector<std::string>& changed_files) {
  return !changed_files.empty() && std::all_of(changed_files.begin(), changed_files.end(), unbuilt);
}

CulpritCheck check_culprit(const Behaviour& b, const std::vector<Verdict>& parent_runs,
                           const std::vector<Verdict>& culprit_runs, const std::vector<std::string>& changed_files) {
  CulpritCheck c;
  const auto old_marks = b.marks(StepOutcome::kOld);
  const auto new_marks = b.marks(StepOutcome::kNew);
  // A run contradicts when it shows the other side's behaviour; a side
  // whose marks can hide (a failure that needs a lost race) must still show
  // them at least once.
  const long parent_wrong = showing(new_marks, parent_runs);
  const long culprit_wrong = showing(old_marks, culprit_runs);
  const bool parent_shows = old_marks.empty() || showing(old_marks, parent_runs) > 0;
  const bool culprit_shows = new_marks.empty() || showing(new_marks, culprit_runs) > 0;
  const long total = valid(parent_runs) + valid(culprit_runs);
  c.reproduced = total > 0 && parent_wrong == 0 && culprit_wrong == 0 && parent_shows && culprit_shows;
  c.confidence = (total == 0 || !parent_shows || !culprit_shows)
                     ? 0.0
                     : 1.0 - static_cast<double>(parent_wrong + culprit_wrong) / static_cast<double>(total);
  c.note = "verified: the parent ran " + describe_runs(parent_runs) + ", the culprit " + describe_runs(culprit_runs);
  if (!c.reproduced)
    c.note +=
        "; the behaviour does not follow the commit: the test is flaky at this setting (fewer rounds, "
        "a loaded host), so raise --runs or the test's rounds and bisect again";
  if (changes_nothing_built(changed_files)) {
    c.reproduced = false;
    c.confidence = 0;
    c.note += "; the culprit changes only files nothing is built from (" + changed_files.front() +
              (changed_files.size() > 1 ? ", ..." : "") + "), so it cannot explain the change";
  }
  return c;
}

}  // namespace kmx
