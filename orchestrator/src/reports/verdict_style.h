// How a verdict looks on every HTML page kmod-matrix writes (the report's
// matrix, the site's grid): one table of colours, so FAIL is the same red
// everywhere.
#pragma once

#include <string>

#include "verdict/verdict.h"

namespace kmx {

// CSS rules for the classes v-PASS, v-FAIL, ... (one per verdict): the
// background and, on dark backgrounds, white text.
std::string verdict_css_rules();

}  // namespace kmx
