#include "store/cell_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "os/capped_json.h"
#include "os/contained_files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

std::system_error journal_error(const std::string& what, const fs::path& path, int error) {
  return std::system_error(error, std::generic_category(), what + " " + path.string());
}

// Where the last complete line ends: the size to keep when the file's end
// is a torn line. Reads backwards, one block at a time.
off_t end_of_last_line(int fd, off_t size) {
  char block[4096];
  off_t end = size;
  while (end > 0) {
    const off_t start = end > static_cast<off_t>(sizeof block) ? end - static_cast<off_t>(sizeof block) : 0;
    const ssize_t n = ::pread(fd, block, static_cast<std::size_t>(end - start), start);
    if (n <= 0) return 0;
    for (ssize_t i = n - 1; i >= 0; --i)
      if (block[i] == '\n') return start + i + 1;
    end = start;
  }
  return 0;
}

}  // namespace

CellJournal::~CellJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void CellJournal::open() {
  if (!path_.parent_path().empty()) fs::create_directories(path_.parent_path());
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw journal_error("cannot open", path_, errno);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw journal_error("cannot stat", path_, errno);
  if (const off_t keep = end_of_last_line(fd_, st.st_size); keep != st.st_size)
    if (::ftruncate(fd_, keep) != 0) throw journal_error("cannot drop the torn last line of", path_, errno);
}

void CellJournal::append(const nlohmann::json& line) {
  if (fd_ < 0) open();
  // Guest text was sanitized on the way in; replace keeps a bad byte from
  // costing the line.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw journal_error("cannot stat", path_, errno);
  // Back to the last whole line; should even that fail, the next open drops the tail.
  auto undo = [&](const char* what, int error) {
    [[maybe_unused]] const int truncated = ::ftruncate(fd_, st.st_size);
    return journal_error(what, path_, error);
  };
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw undo("cannot append to", errno);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_) != 0) throw undo("cannot sync", errno);
}

void CellJournal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::remove(path_, ec);
}

std::vector<nlohmann::json> CellJournal::read(const fs::path& path) {
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (contained_entry(dir, path.filename().string()) == ContainedEntry::kMissing) return {};
  return parse(read_contained_file(dir, path.filename().string(), kMaxJournalBytes));
}

std::vector<nlohmann::json> CellJournal::parse(std::string_view text) {
  std::vector<nlohmann::json> lines;
  // Only lines a newline ends: the last one, without, was in flight when
  // the writer died.
  for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string_view::npos; start = end + 1) {
    nlohmann::json line = parse_capped_json_or_discard(text.substr(start, end - start));
    if (line.is_object()) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace kmx
