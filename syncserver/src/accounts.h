#pragma once
// Users, roles, grids, password hashes and expiring bearer tokens of the sync server.
#include "grid_tenures.h"
#include "synccore/grid_scope.h"
#include "synccore/password_hash.h"
#include "synccore/sqlite.h"
#include "synccore/survey_definition.h"

#include <optional>
#include <string>
#include <vector>

namespace syncserver {

using synccore::Json;

enum class Role { Worker, Supervisor, Auditor, Admin };
std::string_view roleName(Role role);
std::optional<Role> roleFromName(std::string_view name);

/// A server account. Workers see only their grids; supervisors their community (their grids,
/// or every grid when none is listed); auditors read the audit log; admins manage accounts.
struct User {
  std::string name;
  Role role = Role::Worker;
  std::vector<std::string> grids;
  bool revoked = false;
  std::string createdAt;
  Json toJson() const;
};

/// The signed-in user behind a token.
struct Session {
  User user;
  int64_t expiresAtMs = 0;
  /// True when the user may see records of this grid.
  bool mayAccessGrid(const std::string& grid) const;
  /// The rule devices apply too (synccore::GridScope::seesEveryGrid).
  bool seesAllGrids() const;
};

using synccore::hashPassword;
using synccore::verifyPassword;

/// Thrown for account operations that cannot be done (duplicate user, unknown user, bad role).
class AccountError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The users and tokens tables. Tokens are stored only as SHA-256 hashes. Changes run inside the
/// caller's transaction, if any (AdminActions logs them with it); a refused one throws AccountError
/// before it writes anything.
class Accounts {
 public:
  explicit Accounts(synccore::Database& db);

  void addUser(const std::string& name, Role role, const std::vector<std::string>& grids,
               const std::string& password);
  /// Throws AccountError unless a user of that name could be added with these grids (the name's form,
  /// the grid codes, not taken yet).
  void checkNewUser(const std::string& name, const std::vector<std::string>& grids) const;
  /// Adds a user whose password was hashed beforehand (synccore::hashPassword): an import hashes
  /// outside its transaction. Checks as checkNewUser.
  void insertUser(const std::string& name, Role role, const std::vector<std::string>& grids,
                  const std::string& passwordHash);
  /// Revokes a user and deletes their tokens; returns how many tokens that ended.
  size_t revokeUser(const std::string& name);
  /// Replaces a user's grids (scopes are read per request, so this holds from their next request on);
  /// returns the grids they had.
  std::vector<std::string> setGrids(const std::string& name, const std::vector<std::string>& grids);
  /// Sets a new password and deletes the user's tokens; returns how many tokens that ended.
  size_t setPassword(const std::string& name, const std::string& password);
  std::vector<User> users() const;
  /// Which grids each user held when (kept by addUser and setGrids).
  const GridTenures& tenures() const { return m_tenures; }
  std::optional<User> user(const std::string& name) const;
  /// A new token when the name and password are right and the user is not revoked.
  std::optional<std::pair<std::string, Session>> signIn(const std::string& name, const std::string& password,
                                                        int64_t ttlMs, int64_t nowMs);
  /// The session of a token; nullopt when unknown, expired or the user is revoked.
  std::optional<Session> authenticate(const std::string& token, int64_t nowMs) const;

 private:
  /// Creates the users and tokens tables (before the grid history, which starts from users).
  static synccore::Database& createTables(synccore::Database& db);
  /// Writes a checked new user and starts their grid history.
  void storeUser(const std::string& name, Role role, const std::vector<std::string>& grids,
                 const std::string& passwordHash);
  User existingUser(const std::string& name) const;
  size_t signOutEverywhere(const std::string& name);
  synccore::Database& m_db;
  GridTenures m_tenures;
};

}  // namespace syncserver
