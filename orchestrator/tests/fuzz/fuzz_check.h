// An invariant of a fuzz target: its failure is a finding (libFuzzer keeps
// the input), in every build type.
#pragma once

namespace kmx::fuzz {

inline void require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace kmx::fuzz
