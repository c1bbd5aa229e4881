#include "vm/spare_domains.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace kmx {

SpareDomains::SpareDomains(std::function<std::string(const VmSpec&)> make, std::function<void(const VmSpec&)> discard,
                           std::size_t capacity)
    : make_(std::move(make)), discard_(std::move(discard)), capacity_(std::max<std::size_t>(capacity, 1)) {}

SpareDomains::~SpareDomains() {
  std::map<std::string, Spare> left;
  std::map<std::string, std::future<void>> ending;
  {
    std::lock_guard lock(mutex_);
    left.swap(spares_);
    ending.swap(ending_);
  }
  for (auto& [name, end] : ending) end.wait();
  for (auto& [name, spare] : left)
    if (wait_made(spare)) discard_(spare.spec);
}

void SpareDomains::prepare(const VmSpec& spec) {
  std::lock_guard lock(mutex_);
  std::erase_if(
      ending_, [](auto& entry) { return entry.second.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
  if (spares_.count(spec.name) || ending_.count(spec.name)) return;
  if (spares_.size() >= capacity_) {
    auto oldest = std::min_element(spares_.begin(), spares_.end(),
                                   [](const auto& a, const auto& b) { return a.second.order < b.second.order; });
    ending_.emplace(oldest->first, std::async(std::launch::async, [this, spare = std::move(oldest->second)]() mutable {
                      if (wait_made(spare)) discard_(spare.spec);
                    }));
    spares_.erase(oldest);
  }
  spares_.emplace(spec.name, Spare{spec, std::async(std::launch::async, make_, spec), ++made_so_far_});
}

bool SpareDomains::wait_made(Spare& spare) {
  try {
    const std::string why = spare.made.get();
    if (why.empty()) return true;
    spdlog::debug("{} was not made ahead: {}", spare.spec.name, why);
  } catch (const std::exception& e) {
    spdlog::debug("{} was not made ahead: {}", spare.spec.name, e.what());
  } catch (...) {
    spdlog::debug("{} was not made ahead: an exception that is not a std::exception", spare.spec.name);
  }
  return false;
}

bool SpareDomains::take(const VmSpec& spec) {
  Spare spare;
  {
    std::unique_lock lock(mutex_);
    if (auto ending = ending_.find(spec.name); ending != ending_.end()) {
      std::future<void> end = std::move(ending->second);
      ending_.erase(ending);
      lock.unlock();
      end.wait();
      return false;
    }
    auto it = spares_.find(spec.name);
    if (it == spares_.end()) return false;
    spare = std::move(it->second);
    spares_.erase(it);
  }
  const bool made = wait_made(spare);
  if (made && spare.spec == spec) return true;
  if (made) discard_(spare.spec);
  return false;
}

std::size_t SpareDomains::size() const {
  std::lock_guard lock(mutex_);
  return spares_.size();
}

}  // namespace kmx
