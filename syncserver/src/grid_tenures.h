#pragma once
// Which grids each user held when: the history behind "was this record the worker's when they edited it?".
#include "synccore/sqlite.h"

#include <cstdint>
#include <string>
#include <vector>

namespace syncserver {

/// Table grid_tenures: one row per user and grid for each span the user held it (until NULL: holds it now).
/// Kept by Accounts as grids are given and taken; users from before the table hold theirs since time 0.
class GridTenures {
 public:
  /// Creates the table; when it is new (a file from before it), every user holds their grids since time 0.
  explicit GridTenures(synccore::Database& db);
  /// Ends the spans of grids no longer held and opens spans for new ones, at `nowMs`.
  void change(const std::string& user, const std::vector<std::string>& before, const std::vector<std::string>& after,
              int64_t nowMs);
  /// Whether the user held the grid at some moment of [sinceMs, untilMs) no later than `byMs`.
  bool heldDuring(const std::string& user, const std::string& grid, int64_t sinceMs, int64_t untilMs,
                  int64_t byMs) const;

 private:
  synccore::Database& m_db;
};

}  // namespace syncserver
