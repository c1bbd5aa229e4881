#include "os/contained_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

namespace kmx {
namespace {

constexpr std::size_t kMaxRelativePath = 4096;

// Closes on destruction.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

// The path's parts, "" and "." dropped; empty when it has a problem.
std::vector<std::string> parts_of(const std::string& relative) {
  std::vector<std::string> parts;
  if (!relative_path_problem(relative).empty()) return parts;
  std::size_t start = 0;
  while (start <= relative.size()) {
    std::size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    std::string part = relative.substr(start, end - start);
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

// The directory holding the last part, reached without following a
// symlink below root; not ok() when that is not possible.
Fd parent_directory(const std::filesystem::path& root, const std::vector<std::string>& parts) {
  Fd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  for (std::size_t i = 0; dir.ok() && i + 1 < parts.size(); ++i)
    dir = Fd(::openat(dir.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  return dir;
}

// The regular file root/relative, opened without following a symlink.
Fd open_contained(const std::filesystem::path& root, const std::string& relative, struct stat& st) {
  const auto parts = parts_of(relative);
  if (parts.empty()) return Fd(-1);
  const Fd dir = parent_directory(root, parts);
  if (!dir.ok()) return Fd(-1);
  // O_NONBLOCK: a FIFO planted in a run directory must not stall the reader.
  Fd file(::openat(dir.get(), parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!file.ok() || ::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode)) return Fd(-1);
  return file;
}

std::string read_range(int fd, off_t from, std::size_t length) {
  std::string out(length, '\0');
  std::size_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fd, out.data() + got, length - got, from + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace

std::string relative_path_problem(const std::string& path) {
  if (path.empty()) return "is empty";
  if (path.size() > kMaxRelativePath) return "is longer than " + std::to_string(kMaxRelativePath) + " bytes";
  if (path.front() == '/') return "is absolute";
  for (char c : path)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return "contains a control character or '\\'";
  // "javascript:x" or "file:/etc" would be a URL, not a path in the run.
  if (path.substr(0, path.find('/')).find(':') != std::string::npos)
    return "starts like a URL (a ':' in its first part)";
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (std::string_view(path).substr(start, end - start) == "..") return "has a \"..\" part";
    start = end + 1;
  }
  return "";
}

std::optional<std::string> read_contained_tail(const std::filesystem::path& root, const std::string& relative,
                                               std::size_t max_bytes, std::size_t* size) {
  struct stat st {};
  const Fd file = open_contained(root, relative, st);
  if (!file.ok()) return std::nullopt;
  const auto whole = static_cast<std::size_t>(st.st_size);
  if (size) *size = whole;
  const std::size_t keep = whole < max_bytes ? whole : max_bytes;
  return read_range(file.get(), static_cast<off_t>(whole - keep), keep);
}

std::string read_contained_file(const std::filesystem::path& root, const std::string& relative, std::size_t max_bytes) {
  const std::string where = (root / relative).string();
  if (const std::string problem = relative_path_problem(relative); !problem.empty())
    throw ContainedFileError(where + ": the path " + problem);
  struct stat st {};
  const Fd file = open_contained(root, relative, st);
  if (!file.ok())
    throw ContainedFileError(where +
                             " is missing, not a regular file, or reached through a symbolic link"
                             "\n  fix: name the directory a kmod-matrix command wrote; links inside it are not "
                             "followed");
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    throw ContainedFileError(where + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                             std::to_string(max_bytes) + " kmod-matrix reads\n  fix: it was not written by " +
                             "kmod-matrix; name a run directory it wrote");
  return read_range(file.get(), 0, static_cast<std::size_t>(st.st_size));
}

ContainedEntry contained_entry(const std::filesystem::path& root, const std::string& relative) {
  const auto parts = parts_of(relative);
  if (parts.empty()) return ContainedEntry::kMissing;
  const Fd dir = parent_directory(root, parts);
  if (!dir.ok()) return errno == ELOOP || errno == ENOTDIR ? ContainedEntry::kSymlink : ContainedEntry::kMissing;
  struct stat st {};
  if (::fstatat(dir.get(), parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return ContainedEntry::kMissing;
  if (S_ISLNK(st.st_mode)) return ContainedEntry::kSymlink;
  if (S_ISDIR(st.st_mode)) return ContainedEntry::kDirectory;
  if (S_ISREG(st.st_mode)) return ContainedEntry::kRegularFile;
  return ContainedEntry::kOther;
}

}  // namespace kmx
