#include "grid_assignments.h"

#include "admin_actions.h"
#include "grid_directory.h"

#include <algorithm>

namespace syncserver {

namespace {

bool mayAssign(const Session& s) { return s.user.role == Role::Supervisor; }

Reply noSuchWorker(const std::string& name) {
  return Reply::error(404, "not_found", "no grid worker " + name + " in your community",
                      "您的社区中没有网格员 " + name);
}

/// The codes of `grids` that are in `community`, in their order.
std::vector<std::string> within(const std::vector<std::string>& grids, const std::set<std::string>& community) {
  std::vector<std::string> out;
  for (const auto& g : grids)
    if (community.count(g)) out.push_back(g);
  return out;
}

}  // namespace

std::set<std::string> GridAssignments::community(const Session& s) const {
  if (!s.seesAllGrids()) return {s.user.grids.begin(), s.user.grids.end()};
  std::set<std::string> codes;
  for (const auto& [code, _] : m_state.grids().all()) codes.insert(code);
  auto households = m_state.db().cached("SELECT DISTINCT grid FROM records WHERE type='household' AND grid IS NOT NULL");
  while (households.step()) codes.insert(households.text(0));
  for (const User& u : m_state.accounts().users())
    if (u.role == Role::Worker) codes.insert(u.grids.begin(), u.grids.end());
  return codes;
}

Reply GridAssignments::workers(const Session& s) {
  if (!mayAssign(s)) return forbidden();
  const auto codes = community(s);
  Json workers = Json::array();
  for (const User& u : m_state.accounts().users()) {
    if (u.role != Role::Worker || u.revoked) continue;
    const auto mine = within(u.grids, codes);
    if (mine.empty() && !u.grids.empty()) continue;  // another community's worker
    workers.push_back(Json{{"name", u.name}, {"grids", mine}, {"other_grids", u.grids.size() - mine.size()}});
  }
  Json grids = Json::array();
  for (const auto& [code, name] : m_state.grids().namesOf({codes.begin(), codes.end()}))
    grids.push_back(Json{{"code", code}, {"name", name}});
  return Reply{200, Json{{"workers", std::move(workers)}, {"grids", std::move(grids)}}};
}

Reply GridAssignments::assign(const Session& s, const std::string& worker, const Json& body) {
  if (!mayAssign(s)) return forbidden();
  if (auto bad = checkMembers(body, {"grids"})) return *bad;
  const Json& requested = body.contains("grids") ? body["grids"] : Json();
  if (!requested.is_array() || requested.size() > 100 ||
      !std::all_of(requested.begin(), requested.end(), [](const Json& g) { return g.is_string(); }))
    return Reply::error(400, "bad_request", "grids must be a list of up to 100 grid codes",
                        "grids 须为网格编号列表(最多100个)");
  const auto codes = community(s);
  std::vector<std::string> given;
  for (const auto& g : requested) {
    const std::string code = g.get<std::string>();
    if (!isGridCode(code))
      return Reply::error(400, "bad_request", "bad grid code: " + code, "网格编号格式不正确:" + code);
    if (!codes.count(code)) return outOfScope(code);
    if (std::find(given.begin(), given.end(), code) == given.end()) given.push_back(code);
  }
  const auto target = m_state.accounts().user(worker);
  if (!target || target->role != Role::Worker || target->revoked) return noSuchWorker(worker);
  const auto mine = within(target->grids, codes);
  if (mine.empty() && !target->grids.empty()) return noSuchWorker(worker);
  // Grids of other communities stay; this community's become exactly the requested ones.
  std::vector<std::string> grids;
  for (const auto& g : target->grids)
    if (!codes.count(g)) grids.push_back(g);
  grids.insert(grids.end(), given.begin(), given.end());
  // The same grids in another order are no change.
  const bool changed = std::set<std::string>(grids.begin(), grids.end()) !=
                       std::set<std::string>(target->grids.begin(), target->grids.end());
  if (changed) AdminActions(m_state, s.user.name).setGrids(worker, grids);
  return Reply{200, Json{{"name", worker}, {"grids", given}, {"other_grids", grids.size() - given.size()},
                         {"changed", changed}}};
}

}  // namespace syncserver
