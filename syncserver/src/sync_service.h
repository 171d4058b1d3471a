#pragma once
// The sync protocol's operations (sign-in, push, pull, snapshot), independent of HTTP. Audit: audit_service.h;
// conflicts: conflict_service.h; reviews: review_service.h; dashboards: dashboard.h.
#include "accounts.h"
#include "reply.h"
#include "server_state.h"
#include "synccore/changeset.h"

#include <string>
#include <variant>

namespace syncserver {

/// A push body decoded without the server state (so without its lock): its changeset, wire format and
/// content digest.
struct DecodedPush {
  synccore::Changeset changeset;
  bool columns = false;
  std::string digest;
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
  /// Decodes a push body; a 400 reply when it is malformed. Touches no state: runs before the lock.
  static std::variant<DecodedPush, Reply> decodePush(const Json& body);
  /// Decodes and merges a push body.
  Reply push(const Session& session, const Json& body);
  /// Merges a decoded push (one sent `after` another only when that one is stored).
  Reply push(const Session& session, DecodedPush push);
  /// Accepted changes after a cursor; a device naming itself gets none of its own (it has them).
  /// One page of changes after a cursor; in columns (format 2) when `columns`.
  Reply pull(const Session& session, int64_t after, size_t limit, const std::string& exceptDevice = {},
             bool columns = false);
  Reply snapshot(const Session& session);
  /// The names of the grids the user sees (any role): {"grids": [{"code", "name"}]}.
  Reply gridNames(const Session& session);

 private:
  struct Pending;
  struct FirstSeen;
  /// Merges one checked change; `value` is the change's value as the check normalised it. Returns
  /// the change's answer, or nothing when it was applied exactly as sent (synccore::plainPushResult).
  std::optional<Json> applyChange(const Session& session, const synccore::Changeset& changeset, const synccore::Change& change,
                   const Value& value, Pending& pending);
  /// How a change was first answered, or nullopt when the server has never seen it. With the push in
  /// progress, a change newer than every logged version of its device skips the change log's look-up.
  std::optional<FirstSeen> firstSeen(const synccore::Change& change, Pending* pending = nullptr);
  /// Whether the change's version is newer than every change log row of its device as this push began:
  /// then no row of it was ever logged, so it was never applied as sent.
  bool newerThanLog(const synccore::Change& change, Pending& pending);
  /// The answer a stored changeset got, rebuilt from each change's first answer. Its own change log
  /// rows are those after `startSeq` up to `lastSeq` (no `startSeq`: stored before 2026-11-23, when every
  /// change kept an answer row).
  Json firstAnswer(const synccore::Changeset& changeset, std::optional<int64_t> startSeq, int64_t lastSeq);
  /// Why a change is refused, or nullopt; normalises `value` in place.
  std::optional<Json> checkChange(const Session& session, const synccore::Change& change, Value& value,
                                  Pending& pending);
  /// The server's state of a refused change's field ("current", as answers carry it), for the device
  /// to return to; nullopt unless the record is stored, of the change's type and in the caller's grids.
  std::optional<Json> refusedFieldState(const Session& session, const synccore::Change& change, Pending& pending);
  ServerState& m_state;
  int64_t m_tokenTtlMs;
};

}  // namespace syncserver
