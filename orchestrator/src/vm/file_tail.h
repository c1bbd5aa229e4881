// Reads what has been appended to a file since the last read, and keeps a
// guest's log file within its cap once the guest is gone.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace kmx {

class FileTail {
 public:
  explicit FileTail(std::filesystem::path path) : path_(std::move(path)) {}
  // New bytes, at most max_bytes per call; "" when the file does not exist
  // yet or nothing was appended. Callers that must see the end call it
  // until it returns "".
  std::string read_new(std::size_t max_bytes = 8 << 20);

 private:
  std::filesystem::path path_;
  std::size_t offset_ = 0;
};

// If the file is larger than max_bytes, rewrites it as its first part, a
// line saying how many bytes were cut, and its last quarter, at most
// max_bytes in all. Only for files nobody writes any more. Returns the size
// it had.
std::uintmax_t cap_log_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

// The note cap_log_file and the in-memory caps put where bytes were cut.
std::string cut_note(std::uintmax_t cut_bytes);

}  // namespace kmx
