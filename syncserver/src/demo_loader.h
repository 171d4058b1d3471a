#pragma once
// Loads a generated demo community into a server database the way devices would: accounts
// through Accounts, records as the grid workers' changesets through SyncService (so devices
// pull them like any accepted change), and the `syncserver demo` command around it.
#include "accounts.h"
#include "demo_community.h"
#include "server_state.h"

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace syncserver {

/// A demo account and its generated password (printed once, kept in the accounts file).
struct DemoAccount {
  std::string name;
  Role role = Role::Worker;
  std::vector<std::string> grids;
  std::string password;
};

/// Thrown when the database already holds records or one of the demo accounts; nothing was changed.
class DemoRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What loading wrote.
struct DemoLoadResult {
  std::vector<DemoAccount> accounts;
  size_t changes = 0;
  size_t changesets = 0;
};

/// The device id the demo's changesets and HLC stamps carry.
inline constexpr const char* kDemoDevice = "demo";

/// A demo grid's name: its area without spaces, then 网格 (e.g. 玉泉家园一区1号楼网格).
std::string demoGridName(const DemoGrid& grid);
/// A worker for every two grids (worker01: G01, G02; ...), a supervisor of all grids, an
/// auditor and an admin, each with a fresh random password.
std::vector<DemoAccount> demoAccounts(const std::vector<DemoGrid>& grids);

/// Loads the community into `state`, in this order:
/// 1. refuses (DemoRefused) when the database holds any accepted change or any demo account;
/// 2. checks every record with the server's Validator (record rules, one head, unique ID
///    numbers); a failure is a generator bug (std::logic_error) and nothing is written;
/// 3. adds the accounts (Accounts::addUser) and writes them to `accountsFile` (mode 0600) in
///    one transaction;
/// 4. pushes every household with its members and visits through SyncService::push as the
///    grid's worker from device "demo", in changesets of at most 2,000 changes.
/// Progress lines go to `progress`. Throws std::runtime_error when a changeset is not applied
/// in full; the database then holds part of the community (the message says so).
DemoLoadResult loadDemoCommunity(ServerState& state, const DemoCommunity& community, const std::string& accountsFile,
                                 std::ostream& progress);

/// The accounts as a table: user, role, grids, password (the password is the last column).
void printDemoAccounts(std::ostream& out, const std::vector<DemoAccount>& accounts);
/// The per-grid indicators as a table.
void printDemoGrids(std::ostream& out, const std::vector<DemoGridSummary>& grids);

/// `syncserver demo`: opens (or creates) the database, generates and loads the community,
/// prints the summary and the accounts to `out`, progress to `err`. Returns 0 when done, 1 when
/// refused; other failures throw.
int runDemoCommand(const std::string& db, const std::string& signingKey, const DemoOptions& options,
                   std::ostream& out, std::ostream& err);

}  // namespace syncserver
