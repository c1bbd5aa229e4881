// kmod.sh announces each round of a repeating test with
// "Running test: kmod_test_0009 - run #0" (rounds count from #0): the only
// way to tell "failed in round 1" from "failed in round 121".
#pragma once

#include <optional>
#include <string_view>

namespace kmx {

// The round index a kmod.sh output line announces for this test id
// ("kmod:0009"), or nullopt when the line is not such an announcement.
std::optional<int> kmod_round_index(std::string_view line, std::string_view test_id);

}  // namespace kmx
