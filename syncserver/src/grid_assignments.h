#pragma once
// Supervisors assign the grids of their community to grid workers (docs/sync-protocol.md, "Grid
// assignment"); each change is an audited user change.
#include "accounts.h"
#include "reply.h"
#include "server_state.h"

#include <set>
#include <string>

namespace syncserver {

/// Implements GET /v1/workers and POST /v1/workers/<name>/grids. A supervisor sees and changes only
/// the grids of their community (their grids, or every grid when none is listed); a worker's grids in
/// other communities are kept as they are. Not thread-safe: callers hold state.mutex().
class GridAssignments {
 public:
  explicit GridAssignments(ServerState& state) : m_state(state) {}

  /// The workers a supervisor may assign (those with a grid of the community or with none), each with
  /// the grids of the community they hold, and the community's grids with their names.
  Reply workers(const Session& session);
  /// {"grids": [codes]}: the worker's grids within the caller's community become exactly these.
  Reply assign(const Session& session, const std::string& worker, const Json& body);

 private:
  /// The grid codes the caller may give or take: listed ones, or every grid the server knows.
  std::set<std::string> community(const Session& session) const;
  ServerState& m_state;
};

}  // namespace syncserver
