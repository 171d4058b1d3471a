#pragma once
// The auditor's read-only view of the conflict/audit log: filtered entries, verification, export.
#include "accounts.h"
#include "conflict_service.h"
#include "reply.h"
#include "server_state.h"

namespace syncserver {

/// Implements GET /v1/audit, /v1/audit/verify and /v1/audit/export. Auditors and admins read the
/// whole log; supervisors only entries of their community's grids. Nothing here writes.
class AuditService {
 public:
  explicit AuditService(ServerState& state) : m_state(state) {}
  /// Filters: from, to, kind, actor, user, conflict, record, grid, field, decision, after, limit.
  Reply entries(const Session& session, const QueryParams& query);
  Reply verify(const Session& session);
  /// format=csv|json plus the filters of entries(); a file download.
  Reply exportLog(const Session& session, const QueryParams& query);

 private:
  std::variant<AuditFilter, Reply> filter(const Session& session, const QueryParams& query, bool allowFormat);
  ServerState& m_state;
};

}  // namespace syncserver
