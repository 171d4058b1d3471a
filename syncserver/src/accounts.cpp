#include "accounts.h"

#include "grid_directory.h"
#include "server_time.h"

#include "synccore/field_cipher.h"
#include "synccore/password_hash.h"
#include "synccore/random_id.h"

#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <sstream>

namespace syncserver {

using synccore::Database;

namespace {

std::string sha256Hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return synccore::toHex(digest, sizeof digest);
}

std::string isoNow() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

void checkGrids(const std::vector<std::string>& grids) {
  for (const auto& g : grids)
    if (!isGridCode(g)) throw AccountError("bad grid code: " + g + " / 网格编号格式不正确");
}

void checkPassword(const std::string& password) {
  if (password.size() < 8) throw AccountError("a password needs at least 8 characters / 密码至少8位");
}

User readUser(const synccore::Statement& st) {
  User u;
  u.name = st.text(0);
  u.role = roleFromName(st.text(1)).value_or(Role::Worker);
  u.grids = Json::parse(st.text(2)).get<std::vector<std::string>>();
  u.revoked = st.int64(3) != 0;
  u.createdAt = st.text(4);
  return u;
}

}  // namespace

std::string_view roleName(Role role) {
  switch (role) {
    case Role::Worker: return "worker";
    case Role::Supervisor: return "supervisor";
    case Role::Auditor: return "auditor";
    case Role::Admin: return "admin";
  }
  return "worker";
}

std::optional<Role> roleFromName(std::string_view name) {
  for (Role r : {Role::Worker, Role::Supervisor, Role::Auditor, Role::Admin})
    if (roleName(r) == name) return r;
  return std::nullopt;
}

Json User::toJson() const {
  return Json{{"name", name}, {"role", roleName(role)}, {"grids", grids}, {"revoked", revoked},
              {"created_at", createdAt}};
}

bool Session::seesAllGrids() const { return synccore::GridScope::seesEveryGrid(roleName(user.role), !user.grids.empty()); }

bool Session::mayAccessGrid(const std::string& grid) const {
  // Per change of a push: the list is searched as it is, no scope built.
  return seesAllGrids() || std::find(user.grids.begin(), user.grids.end(), grid) != user.grids.end();
}


Accounts::Accounts(Database& db) : m_db(db), m_tenures(createTables(db)) {}

Database& Accounts::createTables(Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, role TEXT NOT NULL, grids TEXT NOT NULL,"
      " password_hash TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS tokens(token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL,"
      " expires_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL)");
  return db;
}

void Accounts::addUser(const std::string& name, Role role, const std::vector<std::string>& grids,
                       const std::string& password) {
  checkNewUser(name, grids);
  checkPassword(password);
  storeUser(name, role, grids, hashPassword(password));
}

void Accounts::checkNewUser(const std::string& name, const std::vector<std::string>& grids) const {
  static const std::regex namePattern("^[A-Za-z0-9_.-]{1,64}$");
  if (!std::regex_match(name, namePattern))
    throw AccountError("a user name is 1-64 letters, digits, '.', '_' or '-' / 用户名格式不正确");
  checkGrids(grids);
  if (user(name)) throw AccountError("user " + name + " already exists / 用户已存在");
}

void Accounts::insertUser(const std::string& name, Role role, const std::vector<std::string>& grids,
                          const std::string& passwordHash) {
  checkNewUser(name, grids);
  storeUser(name, role, grids, passwordHash);
}

void Accounts::storeUser(const std::string& name, Role role, const std::vector<std::string>& grids,
                         const std::string& passwordHash) {
  m_db.cached("INSERT INTO users(name, role, grids, password_hash, created_at) VALUES(?,?,?,?,?)")
      .bind(1, name)
      .bind(2, roleName(role))
      .bind(3, Json(grids).dump())
      .bind(4, passwordHash)
      .bind(5, isoNow())
      .run();
  m_tenures.change(name, {}, grids, nowMs());
}

User Accounts::existingUser(const std::string& name) const {
  auto found = user(name);
  if (!found) throw AccountError("no user " + name + " / 用户不存在");
  return *found;
}

size_t Accounts::signOutEverywhere(const std::string& name) {
  m_db.cached("DELETE FROM tokens WHERE user_name=?").bind(1, name).run();
  return static_cast<size_t>(m_db.changes());
}

size_t Accounts::revokeUser(const std::string& name) {
  existingUser(name);
  m_db.cached("UPDATE users SET revoked=1 WHERE name=?").bind(1, name).run();
  return signOutEverywhere(name);
}

std::vector<std::string> Accounts::setGrids(const std::string& name, const std::vector<std::string>& grids) {
  const User before = existingUser(name);
  checkGrids(grids);
  m_db.cached("UPDATE users SET grids=? WHERE name=?").bind(1, Json(grids).dump()).bind(2, name).run();
  m_tenures.change(name, before.grids, grids, nowMs());
  return before.grids;
}

size_t Accounts::setPassword(const std::string& name, const std::string& password) {
  existingUser(name);
  checkPassword(password);
  m_db.cached("UPDATE users SET password_hash=? WHERE name=?").bind(1, hashPassword(password)).bind(2, name).run();
  return signOutEverywhere(name);
}

std::vector<User> Accounts::users() const {
  std::vector<User> out;
  auto st = m_db.cached("SELECT name, role, grids, revoked, created_at FROM users ORDER BY name");
  while (st.step()) out.push_back(readUser(st));
  return out;
}

std::optional<User> Accounts::user(const std::string& name) const {
  auto st = m_db.cached("SELECT name, role, grids, revoked, created_at FROM users WHERE name=?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return readUser(st);
}

std::optional<std::pair<std::string, Session>> Accounts::signIn(const std::string& name, const std::string& password,
                                                                int64_t ttlMs, int64_t nowMs) {
  auto st = m_db.cached("SELECT password_hash FROM users WHERE name=? AND revoked=0");
  st.bind(1, name);
  // Unknown users cost the same hash as known ones, so timing does not reveal names.
  static const std::string dummy = hashPassword("anju-dummy-password");
  const bool known = st.step();
  const std::string stored = known ? st.text(0) : dummy;
  if (!verifyPassword(password, stored) || !known) return std::nullopt;
  auto bytes = synccore::randomBytes(32);
  const std::string token = synccore::toHex(bytes.data(), bytes.size());
  m_db.cached("DELETE FROM tokens WHERE expires_ms < ?").bind(1, nowMs).run();
  m_db.cached("INSERT INTO tokens(token_hash, user_name, expires_ms, created_ms) VALUES(?,?,?,?)")
      .bind(1, sha256Hex(token))
      .bind(2, name)
      .bind(3, nowMs + ttlMs)
      .bind(4, nowMs)
      .run();
  return std::make_pair(token, Session{*user(name), nowMs + ttlMs});
}

std::optional<Session> Accounts::authenticate(const std::string& token, int64_t nowMs) const {
  if (token.size() != 64) return std::nullopt;
  auto st = m_db.cached(
      "SELECT u.name, u.role, u.grids, u.revoked, u.created_at, t.expires_ms FROM tokens t"
      " JOIN users u ON u.name=t.user_name WHERE t.token_hash=?");
  st.bind(1, sha256Hex(token));
  if (!st.step()) return std::nullopt;
  Session s{readUser(st), st.int64(5)};
  if (s.user.revoked || s.expiresAtMs <= nowMs) return std::nullopt;
  return s;
}

}  // namespace syncserver
