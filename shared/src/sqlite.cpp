#include "synccore/sqlite.h"

namespace synccore {

namespace {
[[noreturn]] void fail(sqlite3* db, int code, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw SqliteError(code, message);
}
}  // namespace

Database::Database(const std::string& path, Mode mode) : m_path(path) {
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + ": " +
                          (m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
    sqlite3_close(m_db);
    m_db = nullptr;
    throw SqliteError(rc, message);
  }
  sqlite3_extended_result_codes(m_db, 1);
  sqlite3_busy_timeout(m_db, 10000);
}

Database::~Database() {
  for (auto& [sql, stmt] : m_cache) sqlite3_finalize(stmt);
  sqlite3_close_v2(m_db);
}

size_t Database::SqlHash::operator()(const std::string& sql) const noexcept {
  constexpr size_t kEnd = 96;
  const std::hash<std::string_view> hash;
  if (sql.size() <= 2 * kEnd) return hash(sql);
  const std::string_view text(sql);
  return hash(text.substr(0, kEnd)) ^ (hash(text.substr(text.size() - kEnd)) * 31) ^ (sql.size() * 0x9e3779b97f4a7c15ull);
}

Statement Database::cached(const std::string& sql) {
  auto it = m_cache.find(sql);
  if (it == m_cache.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                nullptr);
    if (rc != SQLITE_OK) fail(m_db, rc, "prepare " + sql.substr(0, 120));
    it = m_cache.emplace(sql, stmt).first;
  }
  // A statement still stepping (nested use of the same SQL) must not be reset under its user.
  if (sqlite3_stmt_busy(it->second)) return prepare(sql);
  return Statement(m_db, it->second);
}

void Database::exec(std::string_view sql) {
  std::string owned(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(m_db, owned.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(rc, message + " (in: " + owned.substr(0, 120) + ")");
  }
}

Statement Database::prepare(std::string_view sql) { return Statement(m_db, sql); }
int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int Database::changes() const { return sqlite3_changes(m_db); }

bool Database::hasColumn(const std::string& table, const std::string& column) {
  auto st = prepare("SELECT 1 FROM pragma_table_info(?) WHERE name=?");
  st.bind(1, table).bind(2, column);
  return st.step();
}

int64_t Database::queryInteger(std::string_view sql) {
  auto st = prepare(sql);
  if (!st.step()) throw SqliteError(SQLITE_DONE, "no row for: " + std::string(sql.substr(0, 120)));
  return st.int64(0);
}

int64_t Database::synchronousLevel() { return queryInteger("PRAGMA synchronous"); }
int64_t Database::walAutoCheckpoint() { return queryInteger("PRAGMA wal_autocheckpoint"); }

void Database::setWalAutoCheckpoint(int64_t pages) {
  const int rc = sqlite3_wal_autocheckpoint(m_db, static_cast<int>(pages));
  if (rc != SQLITE_OK) fail(m_db, rc, "wal_autocheckpoint");
}

bool Database::checkpoint() {
  const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_BUSY) return false;
  if (rc != SQLITE_OK) fail(m_db, rc, "wal_checkpoint");
  return true;
}

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare " + std::string(sql.substr(0, 120)));
}

Statement::~Statement() {
  if (!m_borrowed) {
    sqlite3_finalize(m_stmt);
  } else if (m_stmt) {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(other.m_stmt), m_borrowed(other.m_borrowed) {
  other.m_stmt = nullptr;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  sqlite3_bind_null(m_stmt, index);
  return *this;
}
Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(m_stmt, index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(m_stmt, index, value);
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bindBlob(int index, const std::vector<unsigned char>& blob) {
  sqlite3_bind_blob(m_stmt, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(m_db, rc, "step");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

int Statement::columnType(int col) const { return sqlite3_column_type(m_stmt, col); }
int64_t Statement::int64(int col) const { return sqlite3_column_int64(m_stmt, col); }
double Statement::real(int col) const { return sqlite3_column_double(m_stmt, col); }
std::string Statement::text(int col) const {
  auto p = sqlite3_column_text(m_stmt, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(m_stmt, col))
           : std::string();
}
std::optional<std::string> Statement::optionalText(int col) const {
  if (isNull(col)) return std::nullopt;
  return text(col);
}
std::vector<unsigned char> Statement::blob(int col) const {
  auto p = static_cast<const unsigned char*>(sqlite3_column_blob(m_stmt, col));
  return p ? std::vector<unsigned char>(p, p + sqlite3_column_bytes(m_stmt, col))
           : std::vector<unsigned char>();
}
int Statement::columnCount() const { return sqlite3_column_count(m_stmt); }
std::string Statement::columnName(int col) const { return sqlite3_column_name(m_stmt, col); }

Transaction::Transaction(Database& db, Kind kind) : m_db(db) {
  m_db.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!m_done) {
    try {
      m_db.exec("ROLLBACK");
    } catch (...) {
    }
  }
}

void Transaction::commit() {
  m_db.exec("COMMIT");
  m_done = true;
}

RelaxedSync::RelaxedSync(Database& db) : m_db(db), m_level(db.synchronousLevel()) {
  if (m_level > 1) m_db.exec("PRAGMA synchronous=NORMAL");
}

RelaxedSync::~RelaxedSync() {
  if (m_level <= 1) return;
  try {
    m_db.exec("PRAGMA synchronous=" + std::to_string(m_level));
  } catch (...) {
  }
}

std::string quoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void configureSqliteProcess() {
  const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  if (rc != SQLITE_OK) throw SqliteError(rc, std::string("configure SQLite: ") + sqlite3_errstr(rc));
}

}  // namespace synccore
