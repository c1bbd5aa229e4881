// Small filesystem helpers shared by every module: atomic writes, hashes,
// bounded reads. Nothing here knows about kmod-matrix concepts.
#pragma once

#include <cstddef>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>

namespace kmx {

// Writes to a sibling temporary file, fsyncs and renames: readers see the
// old content or the new, never a torn file. Throws std::system_error (a
// std::runtime_error) with errno, and leaves no temporary behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// root / relative, after checking that `relative` stays inside root: not
// empty, not absolute, no ".." component. Throws std::invalid_argument
// otherwise. Lexical on purpose: what a run writes is named by it, never
// found on disk.
std::filesystem::path path_under(const std::filesystem::path& root, const std::filesystem::path& relative);

// Whether an exception says the disk (or the user's quota) is full.
bool is_out_of_space(const std::exception& e);

// Whole file; throws std::runtime_error naming the path when unreadable.
std::string read_file(const std::filesystem::path& path);

// The last max_bytes of a file ("" when missing).
std::string read_file_tail(const std::filesystem::path& path, std::size_t max_bytes);

std::string sha256_hex(std::string_view data);
std::string sha256_file(const std::filesystem::path& path);

// A unique path in the temp directory, removed on destruction.
class TempFile {
 public:
  TempFile();
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Holds an exclusive flock on a lock file for its lifetime.
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& lock_path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace kmx
