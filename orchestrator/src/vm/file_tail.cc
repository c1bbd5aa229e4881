#include "vm/file_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <utility>
#include <vector>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;

FileTail::FileTail(FileTail&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      dev_(other.dev_),
      ino_(other.ino_),
      offset_(other.offset_),
      read_before_(other.read_before_),
      rotations_(other.rotations_) {}

FileTail& FileTail::operator=(FileTail&& other) noexcept {
  if (this == &other) return *this;
  if (fd_ >= 0) ::close(fd_);
  path_ = std::move(other.path_);
  fd_ = std::exchange(other.fd_, -1);
  dev_ = other.dev_;
  ino_ = other.ino_;
  offset_ = other.offset_;
  read_before_ = other.read_before_;
  rotations_ = other.rotations_;
  return *this;
}

FileTail::~FileTail() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileTail::open_path() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = 0;
  return true;
}

std::string FileTail::read_open_file(std::size_t max_bytes) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || static_cast<std::uintmax_t>(st.st_size) <= offset_) return "";
  std::string data(std::min<std::uintmax_t>(static_cast<std::uintmax_t>(st.st_size) - offset_, max_bytes), '\0');
  std::size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::pread(fd_, data.data() + got, data.size() - got, static_cast<off_t>(offset_ + got));
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  data.resize(got);
  offset_ += got;
  return data;
}

bool FileTail::path_names_another_file() const {
  struct stat st {};
  return ::stat(path_.c_str(), &st) == 0 && (st.st_dev != dev_ || st.st_ino != ino_);
}

std::string FileTail::read_new(std::size_t max_bytes) {
  if (fd_ < 0 && !open_path()) return "";
  if (std::string data = read_open_file(max_bytes); !data.empty()) return data;
  if (!path_names_another_file()) return "";
  // Rotated: the daemon wrote the old file's last bytes before the rename,
  // so what it holds now is all it will ever hold.
  if (std::string data = read_open_file(max_bytes); !data.empty()) return data;
  ::close(fd_);
  fd_ = -1;
  read_before_ += offset_;
  offset_ = 0;
  ++rotations_;
  if (!open_path()) return "";
  return read_open_file(max_bytes);
}

namespace {

fs::path piece(const fs::path& path, int n) { return fs::path(path.string() + "." + std::to_string(n)); }

}  // namespace

bool join_rotated_log(const fs::path& path, std::uintmax_t bytes_read) {
  std::vector<fs::path> pieces;  // newest first
  std::error_code ec;
  for (int n = 0; fs::exists(piece(path, n), ec); ++n) pieces.push_back(piece(path, n));
  if (pieces.empty()) return false;
  std::uintmax_t kept = 0;
  for (const auto& p : pieces) kept += fs::file_size(p, ec);
  if (fs::exists(path, ec)) kept += fs::file_size(path, ec);
  const fs::path joined = path.string() + ".joining";
  {
    std::ofstream out(joined, std::ios::binary | std::ios::trunc);
    if (bytes_read > kept)
      out << "[kmod-matrix: the first " << bytes_read - kept
          << " bytes are missing here: libvirt's log daemon rotated them away (the host read them as they came)]\n";
    auto append = [&](const fs::path& p) {
      std::ifstream in(p, std::ios::binary);
      if (in && in.peek() != std::ifstream::traits_type::eof()) out << in.rdbuf();
    };
    for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) append(*it);
    append(path);
  }
  fs::rename(joined, path, ec);
  if (ec) {
    fs::remove(joined, ec);
    return false;
  }
  for (const auto& p : pieces) fs::remove(p, ec);
  return true;
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
