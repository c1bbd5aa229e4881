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
  if (rotations_ == 0) keep_first_piece();
  ::close(fd_);
  fd_ = -1;
  read_before_ += offset_;
  offset_ = 0;
  ++rotations_;
  if (!open_path()) return "";
  return read_open_file(max_bytes);
}

fs::path first_log_piece(const fs::path& path) { return path.string() + ".first"; }

void FileTail::keep_first_piece() {
  // A second name for the inode this tail holds, whatever the daemon has
  // renamed it to meanwhile: the start of the boot outlives the daemon's
  // deletion of its oldest backup.
  const std::string held = "/proc/self/fd/" + std::to_string(fd_);
  ::linkat(AT_FDCWD, held.c_str(), AT_FDCWD, first_log_piece(path_).c_str(), AT_SYMLINK_FOLLOW);
}

namespace {

fs::path piece(const fs::path& path, int n) { return fs::path(path.string() + "." + std::to_string(n)); }

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

}  // namespace

bool join_rotated_log(const fs::path& path, std::uintmax_t bytes_read) {
  std::error_code ec;
  const fs::path first = first_log_piece(path);
  const bool have_first = fs::exists(first, ec);
  std::vector<fs::path> later;  // the backups left, oldest first, and the current file
  for (int n = 0; fs::exists(piece(path, n), ec); ++n)
    if (!have_first || !same_file(piece(path, n), first)) later.insert(later.begin(), piece(path, n));
  if (later.empty() && !have_first) return false;
  if (fs::exists(path, ec)) later.push_back(path);
  std::uintmax_t kept = have_first ? fs::file_size(first, ec) : 0;
  for (const auto& p : later) kept += fs::file_size(p, ec);
  const fs::path joined = path.string() + ".joining";
  {
    std::ofstream out(joined, std::ios::binary | std::ios::trunc);
    auto append = [&](const fs::path& p) {
      std::ifstream in(p, std::ios::binary);
      if (in && in.peek() != std::ifstream::traits_type::eof()) out << in.rdbuf();
    };
    if (have_first) append(first);
    if (bytes_read > kept)
      out << (have_first ? "\n" : "") << "[kmod-matrix: " << bytes_read - kept
          << " bytes are missing here: libvirt's log daemon rotated them away (the host read them as they came)]\n";
    for (const auto& p : later) append(p);
  }
  fs::rename(joined, path, ec);
  if (ec) {
    fs::remove(joined, ec);
    return false;
  }
  for (int n = 0; fs::exists(piece(path, n), ec); ++n) fs::remove(piece(path, n), ec);
  fs::remove(first, ec);
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
