// A small RAII wrapper over one SQLite connection and its prepared statements.
// Invariants: a Db owns exactly one sqlite3 handle and closes it once; a Stmt is reset before
// every reuse; every SQLite failure becomes a DbError carrying the SQLite extended result code,
// so callers can tell constraint violations (duplicates) from I/O errors (disk full).
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace plenary::store {

class DbError : public std::runtime_error {
public:
  DbError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }          // SQLite extended result code
  bool constraint() const;                     // a UNIQUE / CHECK / FK violation
  bool busy() const;
private:
  int code_;
};

class Stmt {
public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i);
  template <class T> Stmt& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  bool step();                 // true while a row is available
  void run();                  // step to completion, then reset
  void reset();                // reset and clear bindings

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;

private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
public:
  enum class Mode { ReadWrite, ReadOnly };
  explicit Db(const std::string& path, Mode mode = Mode::ReadWrite);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);
  // A statement cached by its SQL text; reset before it is returned.
  Stmt& prepare(const std::string& sql);
  std::int64_t last_insert_id() const;
  int changes() const;
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// A transaction that rolls back unless committed.
class Tx {
public:
  explicit Tx(Db& db, bool immediate = true);
  ~Tx();
  void commit();
private:
  Db& db_;
  bool done_ = false;
};

// A savepoint inside an open transaction: one mutation of a group commit.
class Savepoint {
public:
  explicit Savepoint(Db& db);
  ~Savepoint();
  void release();
private:
  Db& db_;
  bool done_ = false;
};

}  // namespace plenary::store
