// `/init --finit PATH N`: N threads call finit_module(2) on the same file at
// the same moment; prints the outcomes as KMX-METRIC lines. Used by the
// dups:storm and ns:missing-import suites, which need errno, not a tool's
// paraphrase of it.
#pragma once

#include <string_view>

namespace kmx::agent {

inline constexpr std::string_view kFinitArgument = "--finit";

int finit_storm(const char* path, int count);

}  // namespace kmx::agent
