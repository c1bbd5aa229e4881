// Files a run, a shard or a bisection left behind are read as crafted: a
// path read from them names a file only if, from the directory it belongs
// to, every component is a real directory (no symlink), the last one a
// regular file, and no ".." or absolute part leads elsewhere. The checks
// are made on the open descriptors (openat with O_NOFOLLOW), so a symlink
// swapped in between a check and the read leads nowhere either.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace kmx {

// Why a path read from a run cannot be used, or "" when it can: empty,
// absolute, a ".." or "." part, a control character or '\', a first part
// with ':' (a URL scheme such as "javascript:"), or longer than 4096 bytes.
std::string relative_path_problem(const std::string& path);

// root/relative's content when it is a regular file reached without a
// symlink, at most max_bytes from its end (the start is cut); nullopt when
// it is missing, not a regular file, behind a symlink or `relative` has a
// relative_path_problem. *size, when given, is set to the whole file's size.
std::optional<std::string> read_contained_tail(const std::filesystem::path& root, const std::string& relative,
                                               std::size_t max_bytes, std::size_t* size = nullptr);

// Thrown by read_contained_file: what() names the file and the fix.
class ContainedFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A whole file of a run directory (results.json, bisect.json, ...), read
// the same way; throws ContainedFileError when it is missing, behind a
// symlink, not a regular file, or larger than max_bytes.
std::string read_contained_file(const std::filesystem::path& root, const std::string& relative, std::size_t max_bytes);

// What kind of entry root/relative is, found without following a symlink
// anywhere below root.
enum class ContainedEntry { kMissing, kDirectory, kRegularFile, kSymlink, kOther };
ContainedEntry contained_entry(const std::filesystem::path& root, const std::string& relative);

}  // namespace kmx
