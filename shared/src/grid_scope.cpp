#include "synccore/grid_scope.h"

#include <algorithm>

namespace synccore {

GridScope GridScope::forRole(const std::string& role, std::vector<std::string> grids) {
  GridScope scope;
  scope.allGrids = seesEveryGrid(role, !grids.empty());
  if (scope.allGrids) return scope;
  std::sort(grids.begin(), grids.end());
  grids.erase(std::unique(grids.begin(), grids.end()), grids.end());
  scope.grids = std::move(grids);
  return scope;
}

bool GridScope::seesEveryGrid(std::string_view role, bool hasGrids) {
  return role == "admin" || role == "auditor" || (!hasGrids && (role == "supervisor" || role.empty()));
}

bool GridScope::contains(const std::string& grid) const {
  return allGrids || std::binary_search(grids.begin(), grids.end(), grid);
}

bool GridScope::covers(const GridScope& other) const {
  if (allGrids) return true;
  if (other.allGrids) return false;
  return std::includes(grids.begin(), grids.end(), other.grids.begin(), other.grids.end());
}

nlohmann::json GridScope::toJson() const {
  return allGrids ? nlohmann::json{{"all_grids", true}} : nlohmann::json{{"all_grids", false}, {"grids", grids}};
}

std::optional<GridScope> GridScope::fromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("all_grids") || !j["all_grids"].is_boolean()) return std::nullopt;
  if (j["all_grids"].get<bool>()) return GridScope{true, {}};
  const auto grids = j.find("grids");
  if (grids == j.end() || !grids->is_array()) return std::nullopt;
  std::vector<std::string> list;
  for (const auto& g : *grids) {
    if (!g.is_string()) return std::nullopt;
    list.push_back(g.get<std::string>());
  }
  return forRole("worker", std::move(list));
}

}  // namespace synccore
