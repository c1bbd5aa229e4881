// Writes an initramfs as an uncompressed newc cpio archive with libarchive.
// Entries are sorted and carry fixed owners and times, so the same inputs
// always give the same bytes.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace kmx {

class InitramfsWriter {
 public:
  void add_directory(const std::string& path);
  // Copies host_file's content (symlinks followed) to path.
  void add_file(const std::string& path, const std::filesystem::path& host_file, int mode = 0755);
  void add_symlink(const std::string& path, const std::string& target);
  // Adds every file and directory below host_dir under path.
  void add_tree(const std::string& path, const std::filesystem::path& host_dir);

  // Throws ImageError on any failure.
  void write(const std::filesystem::path& output) const;

 private:
  struct Entry {
    enum Kind { kDir, kFile, kSymlink } kind;
    std::filesystem::path source;  // kFile
    std::string target;            // kSymlink
    int mode = 0755;
  };
  void add_parents(const std::string& path);
  std::map<std::string, Entry> entries_;  // archive path without leading '/'
};

}  // namespace kmx
