// Reads what has been appended to a file since the last read.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace kmx {

class FileTail {
 public:
  explicit FileTail(std::filesystem::path path) : path_(std::move(path)) {}
  // New bytes, at most max_bytes per call; "" when the file does not exist yet.
  std::string read_new(std::size_t max_bytes = 8 << 20);

 private:
  std::filesystem::path path_;
  std::size_t offset_ = 0;
};

}  // namespace kmx
