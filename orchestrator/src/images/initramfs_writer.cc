#include "images/initramfs_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>
#include <vector>

#include "images/artifacts.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

std::string normalize(const std::string& path) {
  std::string p = path;
  while (!p.empty() && p.front() == '/') p.erase(p.begin());
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

}  // namespace

void InitramfsWriter::add_parents(const std::string& path) {
  auto slash = path.rfind('/');
  while (slash != std::string::npos) {
    std::string parent = path.substr(0, slash);
    entries_.try_emplace(parent, Entry{Entry::kDir, {}, {}, 0755});
    slash = parent.rfind('/');
  }
}

void InitramfsWriter::add_directory(const std::string& path) {
  std::string p = normalize(path);
  add_parents(p);
  entries_.try_emplace(p, Entry{Entry::kDir, {}, {}, 0755});
}

void InitramfsWriter::add_file(const std::string& path, const fs::path& host_file, int mode) {
  std::string p = normalize(path);
  if (!fs::exists(host_file)) throw ImageError("image input missing: " + host_file.string());
  add_parents(p);
  entries_[p] = Entry{Entry::kFile, host_file, {}, mode};
}

void InitramfsWriter::add_symlink(const std::string& path, const std::string& target) {
  std::string p = normalize(path);
  add_parents(p);
  entries_[p] = Entry{Entry::kSymlink, {}, target, 0777};
}

void InitramfsWriter::add_tree(const std::string& path, const fs::path& host_dir) {
  add_directory(path);
  for (const auto& item : fs::recursive_directory_iterator(host_dir)) {
    std::string rel = fs::relative(item.path(), host_dir).string();
    std::string dest = normalize(path) + "/" + rel;
    if (item.is_symlink())
      add_symlink(dest, fs::read_symlink(item.path()).string());
    else if (item.is_directory())
      add_directory(dest);
    else
      add_file(dest, item.path(), 0644);
  }
}

void InitramfsWriter::write(const fs::path& output) const {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_cpio_newc(a.get());
  archive_write_add_filter_none(a.get());
  if (archive_write_open_filename(a.get(), output.c_str()) != ARCHIVE_OK)
    throw ImageError("cannot write " + output.string() + ": " + archive_error_string(a.get()));
  std::vector<char> buffer(1 << 16);
  for (const auto& [path, e] : entries_) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), path.c_str());
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    archive_entry_set_mtime(entry.get(), 0, 0);
    archive_entry_set_nlink(entry.get(), e.kind == Entry::kDir ? 2 : 1);
    archive_entry_set_size(entry.get(), 0);
    std::ifstream in;
    if (e.kind == Entry::kDir) {
      archive_entry_set_filetype(entry.get(), AE_IFDIR);
      archive_entry_set_perm(entry.get(), e.mode);
    } else if (e.kind == Entry::kSymlink) {
      archive_entry_set_filetype(entry.get(), AE_IFLNK);
      archive_entry_set_perm(entry.get(), 0777);
      archive_entry_set_symlink(entry.get(), e.target.c_str());
    } else {
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_perm(entry.get(), e.mode);
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(fs::file_size(e.source)));
      in.open(e.source, std::ios::binary);
      if (!in) throw ImageError("cannot read " + e.source.string());
    }
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK)
      throw ImageError("cpio header for " + path + ": " + archive_error_string(a.get()));
    while (in.is_open() && in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (in.gcount() > 0 && archive_write_data(a.get(), buffer.data(), static_cast<size_t>(in.gcount())) < 0)
        throw ImageError("cpio data for " + path + ": " + archive_error_string(a.get()));
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    throw ImageError("closing " + output.string() + ": " + archive_error_string(a.get()));
}

}  // namespace kmx
