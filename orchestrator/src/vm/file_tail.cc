#include "vm/file_tail.h"

#include <fstream>

namespace kmx {

std::string FileTail::read_new(std::size_t max_bytes) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size <= offset_) return "";
  const std::size_t n = std::min(size - offset_, max_bytes);
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string data(n, '\0');
  in.read(data.data(), static_cast<std::streamsize>(n));
  data.resize(static_cast<std::size_t>(in.gcount()));
  offset_ += data.size();
  return data;
}

}  // namespace kmx
