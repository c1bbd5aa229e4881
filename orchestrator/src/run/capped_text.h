// What the host keeps in memory of one guest channel: the first part and a
// ring of the last part, never more than the cap, whatever the guest writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kmx {

class CappedText {
 public:
  // The last quarter of the cap is a ring, so the end of a flood (a panic,
  // say) survives however much came before it.
  explicit CappedText(std::size_t cap);

  void append(std::string_view bytes);
  std::size_t total_bytes() const { return total_; }
  bool over_cap() const { return total_ > cap_; }
  std::size_t cap() const { return cap_; }

  // The first part, a note of how many bytes were cut (if any) and the last
  // part. Leaves this object empty.
  std::string take();

 private:
  std::size_t cap_;
  std::size_t tail_cap_;
  std::size_t head_cap_;
  std::size_t total_ = 0;
  std::string head_;
  std::string ring_;          // tail_cap_ bytes once the head is full
  std::size_t ring_pos_ = 0;  // next byte to overwrite
  std::size_t ring_filled_ = 0;
};

}  // namespace kmx
