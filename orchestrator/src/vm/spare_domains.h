// Domains made ahead of their start, paused, while other cells run: starting
// one is then a resume instead of libvirt's define-and-start with QEMU's
// start-up inside (VmDriver::prepare). The bookkeeping only; how a domain is
// made and ended is the driver's. Thread-safe.
#pragma once

#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>

#include "vm/vm_driver.h"

namespace kmx {

class SpareDomains {
 public:
  // make(spec) makes the domain paused: "" when made, else why not; it runs
  // on a thread of its own. discard(spec) ends one that was made and will
  // never be started. At most `capacity` spares wait: a new one ends the
  // oldest (a guess that did not come true), off the caller's thread.
  SpareDomains(std::function<std::string(const VmSpec&)> make, std::function<void(const VmSpec&)> discard,
               std::size_t capacity = 2);
  // Waits for what is being made and discards every spare left.
  ~SpareDomains();
  SpareDomains(const SpareDomains&) = delete;
  SpareDomains& operator=(const SpareDomains&) = delete;

  // Starts making a spare and returns at once; a name that already has one
  // is left as it is.
  void prepare(const VmSpec& spec);
  // Whether a spare made for exactly this spec now exists, waiting for its
  // making when that is under way; it is then the caller's to resume. A
  // spare of this name made for another spec is discarded first; one being
  // ended is waited for, so the name is free when this returns false.
  bool take(const VmSpec& spec);
  // Spares not taken yet, made or being made.
  std::size_t size() const;

 private:
  struct Spare {
    VmSpec spec;
    std::future<std::string> made;  // "" once made, else why not
    std::size_t order = 0;          // the oldest goes first when full
  };
  // Waits for the making; true when it made the domain.
  static bool wait_made(Spare& spare);

  std::function<std::string(const VmSpec&)> make_;
  std::function<void(const VmSpec&)> discard_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::size_t made_so_far_ = 0;
  std::map<std::string, Spare> spares_;
  std::map<std::string, std::future<void>> ending_;  // evicted, being discarded
};

}  // namespace kmx
