// Domain names carry the owning process so that leftovers of a killed run
// can be recognised and destroyed: kmx-<pid>-<run id>-c<cell>-b<boot>.
#pragma once

#include <optional>
#include <string>

namespace kmx {

inline constexpr std::string_view kDomainPrefix = "kmx-";

std::string domain_name(int owner_pid, const std::string& run_id, int cell, int boot);
std::optional<int> domain_owner_pid(const std::string& name);

}  // namespace kmx
