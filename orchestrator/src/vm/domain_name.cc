#include "vm/domain_name.h"

#include <charconv>

namespace kmx {

std::string domain_name(int owner_pid, const std::string& run_id, int cell, int boot) {
  return std::string(kDomainPrefix) + std::to_string(owner_pid) + "-" + run_id + "-c" + std::to_string(cell) + "-b" +
         std::to_string(boot);
}

std::optional<int> domain_owner_pid(const std::string& name) {
  if (!name.starts_with(kDomainPrefix)) return std::nullopt;
  std::string_view rest = std::string_view(name).substr(kDomainPrefix.size());
  int pid = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || end == rest.data() || end == rest.data() + rest.size() || *end != '-' || pid <= 0)
    return std::nullopt;
  return pid;
}

}  // namespace kmx
