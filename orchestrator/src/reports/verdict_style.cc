#include "reports/verdict_style.h"

namespace kmx {
namespace {

struct VerdictColour {
  Verdict verdict;
  const char* background;
  bool white_text;
};

constexpr VerdictColour kColours[] = {
    {Verdict::kPass, "#c8e6c9", false}, {Verdict::kFail, "#ef9a9a", false},    {Verdict::kOom, "#ffcc80", false},
    {Verdict::kPanic, "#e57373", true}, {Verdict::kTimeout, "#ce93d8", false}, {Verdict::kHang, "#ba68c8", true},
    {Verdict::kSkip, "#e0e0e0", false}, {Verdict::kError, "#fff59d", false},   {Verdict::kFlaky, "#ffe0b2", false},
    {Verdict::kMiss, "#90a4ae", false},
};

}  // namespace

std::string verdict_css_rules() {
  std::string css;
  for (const auto& c : kColours)
    css += ".v-" + std::string(to_string(c.verdict)) + " { background: " + c.background + ";" +
           (c.white_text ? " color: #fff;" : "") + " }\n";
  return css;
}

}  // namespace kmx
