#include "vm/file_tail.h"

#include <fstream>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;

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

std::string cut_note(std::uintmax_t cut_bytes) {
  return "\n[kmod-matrix: " + std::to_string(cut_bytes) + " bytes cut here: the guest wrote more than its cap]\n";
}

std::uintmax_t cap_log_file(const fs::path& path, std::uintmax_t max_bytes) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec || size <= max_bytes) return ec ? 0 : size;
  const std::uintmax_t tail = max_bytes / 4;
  // The note says how much was cut; it takes its room from the first part.
  const std::uintmax_t note = cut_note(size).size();
  const std::uintmax_t head = max_bytes > tail + note ? max_bytes - tail - note : 0;
  std::ifstream in(path, std::ios::binary);
  auto read_at = [&](std::uintmax_t offset, std::uintmax_t n) {
    std::string data(n, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(data.data(), static_cast<std::streamsize>(n));
    data.resize(static_cast<std::size_t>(in.gcount()));
    return data;
  };
  std::string text = read_at(0, head);
  text += cut_note(size - head - tail);
  text += read_at(size - tail, tail);
  in.close();
  write_file_atomically(path, text);
  return size;
}

}  // namespace kmx
