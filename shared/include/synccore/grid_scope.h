#pragma once
// Which households a signed-in user sees: every grid, or the grids of a list.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace synccore {

/// The grids whose households a user may see, one rule for the server (its Session scopes every
/// request) and the device (it keeps only those households): administrators, auditors and supervisors
/// without a grid list see every grid; everyone else sees the grids of their list, and a worker
/// without grids sees none.
struct GridScope {
  bool allGrids = false;
  std::vector<std::string> grids;  // sorted, without repeats; empty when allGrids

  /// The scope of a role ("worker", "supervisor", …) with its grid list. A device that never learnt
  /// the role (signed in before it was kept) reads an empty list as every grid, as it always did.
  static GridScope forRole(const std::string& role, std::vector<std::string> grids);
  /// The rule alone: whether a role with (or without) a grid list sees every grid.
  static bool seesEveryGrid(std::string_view role, bool hasGrids);
  bool contains(const std::string& grid) const;
  /// Whether every household `other` sees is seen here too.
  bool covers(const GridScope& other) const;
  bool operator==(const GridScope& other) const { return allGrids == other.allGrids && grids == other.grids; }

  nlohmann::json toJson() const;
  /// nullopt when `j` is not a scope written by toJson.
  static std::optional<GridScope> fromJson(const nlohmann::json& j);
};

}  // namespace synccore
