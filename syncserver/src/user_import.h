#pragma once
// Many accounts at once from the administrator's CSV file, each with a generated password.
#include "server_state.h"
#include "user_csv.h"

#include <functional>
#include <string>
#include <vector>

namespace syncserver {

/// Problems of rows the accounts would refuse: a name's form, a grid code, a name already taken.
std::vector<AccountRowProblem> checkAgainstAccounts(const Accounts& accounts, const std::vector<AccountRow>& rows);

/// A fresh password: 12 characters from letters and digits that cannot be mistaken for each other
/// (no 0/O, 1/l/I), about 69 bits.
std::string generatePassword();

/// Writes the generated passwords for handing over: a new file (never over an existing one), readable by
/// its owner only (0600), UTF-8 CSV with a BOM (name, role, grids, password), flushed to disk. Throws
/// std::runtime_error naming the problem.
void writePasswordsFile(const std::string& path, const std::vector<AccountRow>& rows,
                        const std::vector<std::string>& passwords);

/// Hashes each password (scrypt: the slow part), telling `progress(done, total)` as it goes.
std::vector<std::string> hashPasswords(const std::vector<std::string>& passwords,
                                       const std::function<void(size_t, size_t)>& progress);

/// `syncserver user import`: reads the accounts file, checks every row (all problems reported, row by
/// row, nothing added), generates and hashes the passwords with progress on `err`, writes them to
/// `passwordsOut`, then adds all users in one transaction (AdminActions::addUsers; the passwords file is
/// removed again if that fails). Returns the exit code: 0, 1 refused (nothing added).
int runUserImport(ServerState& state, const std::string& actor, const std::string& file,
                  const std::string& passwordsOut, std::ostream& out, std::ostream& err);

}  // namespace syncserver
