#pragma once
// Administrators' changes to users and grid names, each recorded in the audit log.
#include "accounts.h"
#include "server_state.h"
#include "user_csv.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace syncserver {

/// Users and grid names changed by an administrator (or a worker's grids by a supervisor, through
/// GridAssignments). Each change commits together with its audit entry (kind "user" or "grid",
/// docs/audit-log.md), so auditors see who gave or took whose access, and when. Passwords and their
/// hashes never reach the log. A refused change throws (AccountError, GridError) and leaves neither the
/// change nor an entry. Not thread-safe: where the state is shared, callers hold state.mutex().
class AdminActions {
 public:
  /// `actor` is recorded as the entry's actor (commandLineActor() for the command line, the user name
  /// of a supervisor).
  AdminActions(ServerState& state, std::string actor);

  void addUser(const std::string& name, Role role, const std::vector<std::string>& grids, const std::string& password);
  /// Adds every row's user with its password hash (same order), all in one transaction with one audit
  /// entry each (marked "via": "import"): all of them or, when any is refused (AccountError), none.
  void addUsers(const std::vector<AccountRow>& rows, const std::vector<std::string>& passwordHashes);
  void revokeUser(const std::string& name);
  /// Replaces a user's grids; returns the grids they had.
  std::vector<std::string> setGrids(const std::string& name, const std::vector<std::string>& grids);
  /// Sets a new password; the user is signed out on every device.
  void resetPassword(const std::string& name, const std::string& password);
  /// Names or renames a grid; returns the name as stored.
  std::string nameGrid(const std::string& code, const std::string& name);

  /// The audit entry bodies of an added user and of a named grid, for callers that make these changes
  /// inside a transaction of their own (the demo community's accounts).
  static Json userAdded(const std::string& name, Role role, const std::vector<std::string>& grids);
  static Json gridNamed(const std::string& code, const std::string& name, const std::optional<std::string>& previous);

 private:
  /// Runs `change` and appends an entry of `kind` with the body it returns, in one transaction.
  void logged(const std::string& kind, const std::function<Json()>& change);
  ServerState& m_state;
  std::string m_actor;
};

/// The actor the command line records: "admin-cli:" and the operating-system account that ran it
/// (sudo's caller when run through sudo).
std::string commandLineActor();

}  // namespace syncserver
