#pragma once
// The sync protocol's operations (sign-in, push, pull, conflicts, resolve, audit), independent of HTTP.
#include "accounts.h"
#include "server_state.h"

#include <string>

namespace syncserver {

/// A reply: HTTP status and JSON body. Errors have {code, message, message_zh}.
struct Reply {
  int status = 200;
  Json body;
  static Reply error(int status, const std::string& code, const std::string& messageEn,
                     const std::string& messageZh, Json extra = Json::object());
};

/// Implements protocol v1 (docs/sync-protocol.md) on the server state. Not thread-safe: callers
/// hold state.mutex().
class SyncService {
 public:
  static constexpr int64_t kDefaultTokenTtlMs = 12LL * 3600 * 1000;
  static constexpr size_t kMaxPullPage = 1000;

  explicit SyncService(ServerState& state, int64_t tokenTtlMs = kDefaultTokenTtlMs);

  Reply signIn(const Json& body);
  /// The session for a bearer token, or nullopt (expired, revoked, unknown).
  std::optional<Session> authenticate(const std::string& token);
  Reply push(const Session& session, const Json& body);
  Reply pull(const Session& session, int64_t after, size_t limit);
  Reply listConflicts(const Session& session, ConflictFilter filter);
  Reply resolve(const Session& session, const std::string& conflictId, const Json& body);
  Reply auditEntries(const Session& session, const AuditFilter& filter);
  Reply snapshot(const Session& session);

 private:
  struct Pending;
  Json applyChange(const Session& session, const std::string& device, const synccore::Change& change,
                   Pending& pending);
  std::optional<Json> checkChange(const Session& session, const synccore::Change& change, Pending& pending);
  Json currentState(const RecordInfo& record, const std::string& field);
  ServerState& m_state;
  int64_t m_tokenTtlMs;
};

}  // namespace syncserver
