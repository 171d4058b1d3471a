#pragma once
// The supervisor's conflict inbox: list with filters, one conflict's history, decide, merge duplicates.
#include "accounts.h"
#include "reply.h"
#include "server_state.h"

#include <map>
#include <optional>
#include <string>
#include <variant>

namespace syncserver {

/// Query parameters of a GET request (name -> value).
using QueryParams = std::map<std::string, std::string>;

/// Implements the conflict endpoints of docs/sync-protocol.md ("Conflicts"). Every rule about who
/// may do what is checked here, not in the app. Not thread-safe: callers hold state.mutex().
class ConflictService {
 public:
  explicit ConflictService(ServerState& state) : m_state(state) {}

  /// GET /v1/conflicts: filters status, grid, household, record, field, kind, older_than_days.
  Reply list(const Session& session, const QueryParams& query);
  /// GET /v1/conflicts/<id>/history: the conflict and every audit entry about it.
  Reply history(const Session& session, const std::string& conflictId);
  /// POST /v1/conflicts/<id>/resolve: take a side, a merged value, restore or confirm a delete; for an
  /// edit passed to the community, optionally every open one of the same record.
  Reply resolve(const Session& session, const std::string& conflictId, const Json& body);
  /// POST /v1/conflicts/<id>/merge: merges two person records with one ID number into one.
  Reply merge(const Session& session, const std::string& conflictId, const Json& body);

 private:
  /// The conflict as the inbox shows it: stored JSON plus base value, times and age.
  Json view(const Conflict& conflict) const;
  /// An open conflict the supervisor may decide, or the refusal.
  std::variant<Conflict, Reply> decidable(const Session& session, const std::string& conflictId);
  /// Writes one field as a server change (a new HLC stamp, device "server"); returns its summary.
  Json write(const std::string& actor, const RecordInfo& record, const std::string& field, const Value& value);
  /// Checks (and normalises, as a push would) a value for the conflict's field; the refusal (422) names
  /// the rule it breaks.
  std::optional<Reply> checkValue(const Conflict& conflict, Value& value) const;
  /// Takes (incoming or a value) or leaves (server) an out_of_scope conflict's edit; creates the record
  /// when the worker made it after its grid left them. Returns the final value, or the refusal.
  std::variant<Value, Reply> takeForwarded(const Session& session, const Conflict& conflict, const std::string& take,
                                           const Json& body, Json& changes);
  /// A decided household grid the supervisor does not cover is refused (403 out_of_scope), as a push of it
  /// would be: a decision cannot move a household out of the supervisor's community.
  std::optional<Reply> checkGridMove(const Session& session, const Conflict& conflict, const Value& value) const;
  /// Decides an out_of_scope conflict and, with "same_record": true, every other open one of its record
  /// that the supervisor may decide (deletes last), inside `tx`: all of them or, on a refusal, none.
  Reply resolveForwarded(const Session& session, const Conflict& conflict, const std::string& take, const Json& body,
                         synccore::Transaction& tx);
  /// Copies a record's fields into a new record under another household; returns the new uuid.
  std::string copyInto(const std::string& actor, const std::string& uuid, const RecordInfo& household,
                       const std::map<std::string, Value>& overrides, Json& changes);
  ServerState& m_state;
};

}  // namespace syncserver
