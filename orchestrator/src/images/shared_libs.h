// Which shared objects a dynamically linked tool needs inside the guest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kmx {

// Absolute library paths from `ldd` output (the loader included, the vDSO
// excluded). Lines ldd could not resolve ("not found") are returned in missing.
std::vector<std::string> parse_ldd_output(std::string_view ldd_output, std::vector<std::string>& missing);

}  // namespace kmx
