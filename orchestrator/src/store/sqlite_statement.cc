#include "store/sqlite_statement.h"

namespace kmx {

// A damaged file is named as such, with what to do, rather than left to
// look like a full disk or a permissions problem.
std::string sqlite_damage_fix(sqlite3* db, const std::filesystem::path& path) {
  const int code = sqlite3_errcode(db) & 0xff;
  if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB) return "";
  return "\n  the history database is damaged; fix: move it aside (mv " + path.string() + " " + path.string() +
         ".damaged) and rebuild it from the run directories with kmod-matrix import";
}

}  // namespace kmx
