// What the host reads from the kernel's kmod.sh before running it: each
// test's own round count, from its ALL_TESTS="... 0009:150:1" table.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace kmx {

// "kmod:0009" -> 150 for every NNNN:COUNT:ENABLED entry on an ALL_TESTS=
// line; entries that do not parse are left out.
std::map<std::string, int> kmod_sh_default_rounds(std::string_view script);

}  // namespace kmx
