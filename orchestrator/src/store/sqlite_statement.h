// The SQLite plumbing behind history.db (store/history_store.h): a
// prepared statement, an immediate write transaction, and errors that name
// a damaged file as damaged. Internal to results/.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "store/history_store.h"

namespace kmx {

// "" unless sqlite's last error on db says the file is damaged; then a line
// saying so, with the fix (move it aside, rebuild it with import).
std::string sqlite_damage_fix(sqlite3* db, const std::filesystem::path& path);

// A prepared statement with positional binds; finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::filesystem::path& path) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, long long number) {
    sqlite3_bind_int64(stmt_, index, number);
    return *this;
  }
  Statement& bind(int index, double number) {
    sqlite3_bind_double(stmt_, index, number);
    return *this;
  }
  Statement& bind(int index, const std::optional<long long>& number) {
    if (number)
      sqlite3_bind_int64(stmt_, index, *number);
    else
      sqlite3_bind_null(stmt_, index);
    return *this;
  }
  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("step");
    return false;
  }
  void run() {
    while (step()) {
    }
  }
  // Ready to run again with new binds.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }
  long long integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  std::optional<long long> optional_integer(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return integer(column);
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw HistoryError(path_.string() + ": SQLite " + what + " failed: " + sqlite3_errmsg(db_) +
                       sqlite_damage_fix(db_, path_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  const std::filesystem::path& path_;
};

// BEGIN IMMEDIATE takes the write lock up front, so two writers queue on
// the busy timeout instead of one failing halfway through its transaction.
class WriteTransaction {
 public:
  explicit WriteTransaction(std::function<void(const std::string&)> exec) : exec_(std::move(exec)) {
    exec_("BEGIN IMMEDIATE");
  }
  ~WriteTransaction() {
    if (!committed_) try {
        exec_("ROLLBACK");
      } catch (...) {  // a destructor must not throw; the original error is on its way
      }
  }
  void commit() {
    exec_("COMMIT");
    committed_ = true;
  }

 private:
  std::function<void(const std::string&)> exec_;
  bool committed_ = false;
};

}  // namespace kmx
