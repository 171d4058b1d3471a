#pragma once
// Supervisors' dashboard: per grid and for the whole community, the figures every plan tracks.
#include "accounts.h"
#include "conflict_service.h"
#include "reply.h"
#include "server_state.h"
#include "synccore/civil_date.h"

#include <optional>
#include <string>
#include <vector>

namespace syncserver {

/// The figures of one grid, or of the community (grid "*"), on one day.
struct DashboardRow {
  std::string grid;
  int64_t households = 0, people = 0;
  int64_t visitedThisMonth = 0;   // households with a visit dated in the month of the day
  int64_t monitored = 0;          // households under poverty-return monitoring
  int64_t monitoredOverdue = 0;   // of those, past their monthly revisit
  int64_t labourHouseholds = 0;   // households with at least one member able to work
  int64_t stableWorkHouseholds = 0;  // of those, with a member in stable work
  int64_t openConflicts = 0;
  std::string gridName;  // as administrators named it (GridDirectory); the code when unnamed
  Json toJson() const;
  void add(const DashboardRow& other);
};

/// Computes the dashboard from the stored records (docs/sync-protocol.md, "Dashboard").
std::vector<DashboardRow> computeDashboard(ServerState& state, bool allGrids, const std::vector<std::string>& grids,
                                           const synccore::CivilDate& today);

/// GET /v1/dashboard?grid=&date=&format=json|csv|xlsx (supervisor, admin). Not thread-safe.
class DashboardService {
 public:
  explicit DashboardService(ServerState& state) : m_state(state) {}
  Reply figures(const Session& session, const QueryParams& query);

 private:
  ServerState& m_state;
};

}  // namespace syncserver
