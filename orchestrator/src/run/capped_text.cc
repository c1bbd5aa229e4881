#include "run/capped_text.h"

#include <algorithm>

#include "vm/file_tail.h"

namespace kmx {

CappedText::CappedText(std::size_t cap) : cap_(cap), tail_cap_(cap / 4), head_cap_(cap - cap / 4) {}

void CappedText::append(std::string_view bytes) {
  total_ += bytes.size();
  const std::size_t to_head = std::min(bytes.size(), head_cap_ - head_.size());
  head_.append(bytes.substr(0, to_head));
  bytes.remove_prefix(to_head);
  if (bytes.empty() || tail_cap_ == 0) return;
  if (ring_.size() != tail_cap_) ring_.assign(tail_cap_, '\0');
  if (bytes.size() > tail_cap_) bytes.remove_prefix(bytes.size() - tail_cap_);  // overwritten anyway
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), tail_cap_ - ring_pos_);
    std::copy_n(bytes.data(), n, ring_.begin() + static_cast<std::ptrdiff_t>(ring_pos_));
    ring_pos_ = (ring_pos_ + n) % tail_cap_;
    ring_filled_ = std::min(tail_cap_, ring_filled_ + n);
    bytes.remove_prefix(n);
  }
}

std::string CappedText::take() {
  std::string text = std::move(head_);
  const std::size_t cut = total_ - text.size() - ring_filled_;
  if (cut > 0) text += cut_note(cut);
  if (ring_filled_ < tail_cap_) {
    text.append(ring_, 0, ring_filled_);
  } else {
    text.append(ring_, ring_pos_, std::string::npos);
    text.append(ring_, 0, ring_pos_);
  }
  *this = CappedText(cap_);
  return text;
}

}  // namespace kmx
