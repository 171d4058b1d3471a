#pragma once
// Thin RAII wrappers over the SQLite C API: a connection, a prepared statement, a transaction.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

namespace synccore {

/// Error raised by SQLite calls, carrying SQLite's result code.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), m_code(code) {}
  int code() const { return m_code; }

 private:
  int m_code;
};

class Statement;

/// An open SQLite connection; closes on destruction.
class Database {
 public:
  enum class Mode { ReadWriteCreate, ReadOnly };
  explicit Database(const std::string& path, Mode mode = Mode::ReadWriteCreate);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  /// A prepared statement kept for reuse: the returned handle borrows it and resets it when it
  /// goes out of scope (so no read snapshot stays open). Nested use of one SQL text gets a fresh statement.
  Statement cached(const std::string& sql);
  int64_t lastInsertRowId() const;
  int changes() const;
  /// The first column of a query's first row as an integer; throws SqliteError when there is no row.
  int64_t queryInteger(std::string_view sql);
  /// Whether a table has a column of that name (false for a table that does not exist).
  bool hasColumn(const std::string& table, const std::string& column);
  /// The connection's PRAGMA synchronous level (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).
  int64_t synchronousLevel();
  /// The connection's PRAGMA wal_autocheckpoint: after a commit leaves at least this many pages in the
  /// WAL, SQLite copies them into the database file (0: never by itself).
  int64_t walAutoCheckpoint();
  void setWalAutoCheckpoint(int64_t pages);
  /// Copies what the WAL holds into the database file as far as readers allow (a passive checkpoint).
  /// False when another connection held the checkpoint (SQLITE_BUSY: try later); other failures throw.
  bool checkpoint();
  sqlite3* handle() const { return m_db; }
  const std::string& path() const { return m_path; }

 private:
  sqlite3* m_db = nullptr;
  std::string m_path;
  /// Hashes an SQL text by its length and ends: a device's record-wide UPDATE is kilobytes long and
  /// looked up once per pulled record, where hashing all of it cost a tenth of the write. Texts that
  /// share length and ends still differ by the map's full comparison.
  struct SqlHash {
    size_t operator()(const std::string& sql) const noexcept;
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash> m_cache;
};

/// A prepared statement with 1-based binding and 0-based column access.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bindBlob(int index, const std::vector<unsigned char>& blob);
  /// Steps once; true while a row is available.
  bool step();
  /// Steps to completion (for statements returning no rows).
  void run();
  void reset();

  int columnType(int col) const;
  bool isNull(int col) const { return columnType(col) == SQLITE_NULL; }
  int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::optional<std::string> optionalText(int col) const;
  std::vector<unsigned char> blob(int col) const;
  int columnCount() const;
  std::string columnName(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* borrowed) : m_db(db), m_stmt(borrowed), m_borrowed(true) {}
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
  bool m_borrowed = false;  // owned by Database's cache: reset, not finalised, on destruction
};

/// A transaction that rolls back unless commit() is called.
class Transaction {
 public:
  enum class Kind { Deferred, Immediate };
  explicit Transaction(Database& db, Kind kind = Kind::Immediate);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& m_db;
  bool m_done = false;
};

/// Lets the commits of one scope go without their own fsync (PRAGMA synchronous=NORMAL), then puts the
/// connection's level back. In WAL mode the file on disk always holds a prefix of the commits: a power
/// cut can roll back only the newest such commits, whole, and the next fully synchronous commit makes
/// them durable too. Only for writes that can be fetched again (pulled pages, acknowledgements the
/// server answers again); open it outside any transaction.
class RelaxedSync {
 public:
  explicit RelaxedSync(Database& db);
  ~RelaxedSync();
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;

 private:
  Database& m_db;
  int64_t m_level;
};

/// Quotes an identifier for SQL ("name" with inner quotes doubled).
std::string quoteIdentifier(std::string_view name);

/// Process-wide SQLite settings of Anju's programs; call first in main(), before any database opens.
/// SQLite's memory statistics are turned off: kept, every allocation and free inside SQLite takes a
/// global mutex for them (about 8 % of a server merge, docs/benchmarks.md). Throws SqliteError when
/// SQLite was already initialised.
void configureSqliteProcess();

}  // namespace synccore
