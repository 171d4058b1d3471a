#pragma once
// The names of grids (网格), which administrators set; records, users and scopes keep grid codes.
#include "synccore/sqlite.h"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace syncserver {

/// A grid code or name that cannot be stored; the message is in English and Chinese.
class GridError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A grid code: 1-32 letters, digits, '_' or '-' (as users, records and scopes name grids).
bool isGridCode(const std::string& code);

/// Table grids: a display name per grid code. A grid without a name is shown by its code; naming a
/// grid changes no record, user or scope. All calls run inside the caller's transaction, if any.
class GridDirectory {
 public:
  explicit GridDirectory(synccore::Database& db);

  /// Names or renames a grid and returns the name as stored (trimmed of spaces). Throws GridError for a
  /// bad code, or a name that is empty, longer than 40 characters, not UTF-8 or holds control characters.
  std::string name(const std::string& code, const std::string& name);
  /// Every named grid, by code.
  std::map<std::string, std::string> all() const;
  /// The names of these grids, by code (a grid without a name: its code).
  std::map<std::string, std::string> namesOf(const std::vector<std::string>& codes) const;
  /// What a user sees: every named grid when `allGrids`, else the names of `grids`.
  std::map<std::string, std::string> visible(bool allGrids, const std::vector<std::string>& grids) const {
    return allGrids ? all() : namesOf(grids);
  }

 private:
  synccore::Database& m_db;
};

}  // namespace syncserver
