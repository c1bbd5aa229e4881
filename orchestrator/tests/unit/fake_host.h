// A run host over a fake driver, for tests that run matrices: 4 CPUs,
// 8 GiB, TCG.
#pragma once

#include <string>

#include "run/run_host.h"

namespace kmx::testing {

inline RunHost fake_host(VmDriver& driver, std::string uri = "test:///default") {
  return RunHost{std::move(uri), &driver, {4, 8192, 1}, {}, [](const Image&) {
                   return AccelChoice{Accel::kTcg, "test"};
                 }};
}

}  // namespace kmx::testing
