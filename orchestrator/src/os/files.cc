#include "os/files.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace kmx {
namespace fs = std::filesystem;

namespace {

// A system_error keeps errno, so callers can tell a full disk from the rest.
std::system_error io_error(const std::string& what, const fs::path& path, int error = errno) {
  return std::system_error(error, std::generic_category(), what + " " + path.string());
}

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(const void* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest.data(), &len);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += kHex[digest[i] >> 4];
      out += kHex[digest[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("cannot create", tmp);
  // A full disk shows at write, fsync or close; the temporary goes either way.
  auto fail = [&](const char* what, int error, bool open) {
    if (open) ::close(fd);
    ::unlink(tmp.c_str());
    return io_error(what, tmp, error);
  };
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail("cannot write", errno, true);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) throw fail("cannot sync", errno, true);
  if (::close(fd) != 0) throw fail("cannot close", errno, false);
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw fail("cannot rename into place", errno, false);
}

fs::path path_under(const fs::path& root, const fs::path& relative) {
  bool escapes = relative.empty() || relative.has_root_path();
  for (const auto& part : relative) escapes = escapes || part == "..";
  if (escapes)
    throw std::invalid_argument("refusing to write '" + relative.string() + "' under " + root.string() +
                                ": not a path inside it");
  return root / relative;
}

bool is_out_of_space(const std::exception& e) {
  const auto* error = dynamic_cast<const std::system_error*>(&e);  // std::filesystem_error is one
  return error && (error->code() == std::errc::no_space_on_device || error->code().value() == EDQUOT);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("cannot read", path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string read_file_tail(const fs::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  auto size = static_cast<std::size_t>(in.tellg());
  std::size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string out(size - start, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex();
}

std::string sha256_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("cannot hash", path);
  Sha256 h;
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return h.hex();
}

TempFile::TempFile() {
  std::string pattern = (fs::temp_directory_path() / "kmx-XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw io_error("cannot create temporary file", pattern);
  ::close(fd);
  path_ = pattern;
}

TempFile::~TempFile() {
  std::error_code ignored;
  fs::remove(path_, ignored);
}

FileLock::FileLock(const fs::path& lock_path) {
  fs::create_directories(lock_path.parent_path());
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw io_error("cannot open lock", lock_path);
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) throw io_error("cannot lock", lock_path);
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace kmx
