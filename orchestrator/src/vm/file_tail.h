// Reads what has been appended to a guest's log file since the last read,
// across the rotations of libvirt's log daemon, and puts the log back into
// one file within its cap once the guest is gone.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace kmx {

// virtlogd writes a serial console of type 'file' for QEMU. Once a log
// reaches its max_size (2 MiB by default) it renames it to <log>.0 (older
// pieces to .1, .2, and deletes those past max_backups, 3 by default) and
// starts a new <log>. A tail that reopened the path would stop at the
// rename and miss everything a guest writes after its first 2 MiB: the
// agent's test-end and done, a panic after a storm of warnings. This one
// keeps the file it reads open, reads it to its end once the path names a
// new file, and only then moves on to the new one. At the first rotation it
// gives the first file a second name, <log>.first, so that the start of
// the boot survives the daemon deleting its oldest backups.
class FileTail {
 public:
  explicit FileTail(std::filesystem::path path) : path_(std::move(path)) {}
  FileTail(FileTail&& other) noexcept;
  FileTail& operator=(FileTail&& other) noexcept;
  FileTail(const FileTail&) = delete;
  FileTail& operator=(const FileTail&) = delete;
  ~FileTail();

  // New bytes, at most max_bytes per call; "" when the file does not exist
  // yet or nothing was appended. Callers that must see the end call it
  // until it returns "".
  std::string read_new(std::size_t max_bytes = 8 << 20);
  // Every byte read so far, over all the files the log was rotated through.
  std::uintmax_t bytes_read() const { return read_before_ + offset_; }
  // Whether the log was rotated (its first part is in <log>.0 or was deleted).
  bool rotated() const { return rotations_ > 0; }

 private:
  bool open_path();
  void keep_first_piece();
  std::string read_open_file(std::size_t max_bytes);
  bool path_names_another_file() const;

  std::filesystem::path path_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  std::uintmax_t offset_ = 0;       // in the open file
  std::uintmax_t read_before_ = 0;  // in the files rotated away before it
  int rotations_ = 0;
};

// The second name FileTail gives a log's first file at its first rotation.
std::filesystem::path first_log_piece(const std::filesystem::path& path);

// Puts a rotated log back into one file at `path`: <log>.first, then the
// backups left oldest first (<log>.N ... <log>.0) and <log>; the pieces are
// removed. When the host read more than the pieces hold (`bytes_read`: the
// daemon deleted some), a line after the first piece says how many bytes
// are missing. Only for logs nobody writes any more. Returns whether there
// was anything to join.
bool join_rotated_log(const std::filesystem::path& path, std::uintmax_t bytes_read);

// If the file is larger than max_bytes, rewrites it as its first part, a
// line saying how many bytes were cut, and its last quarter, at most
// max_bytes in all. Only for files nobody writes any more. Returns the size
// it had.
std::uintmax_t cap_log_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

// The note cap_log_file and the in-memory caps put where bytes were cut.
std::string cut_note(std::uintmax_t cut_bytes);

}  // namespace kmx
