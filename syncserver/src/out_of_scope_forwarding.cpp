#include "out_of_scope_forwarding.h"

#include <algorithm>

namespace syncserver {

namespace {

/// Whether the record was the user's before the change was made: its household was, at some moment no
/// later than the change's stamp, in a grid the user held at that moment (the worker may have edited it
/// offline after the grid or the household left them). A household the push would create is in the grid
/// it names.
bool wasTheirsBy(ServerState& state, const Session& session, const RecordInfo& record, int64_t byMs) {
  auto spans = state.records().householdGridSpans(record.household);
  if (spans.empty()) spans.push_back({record.grid, 0, GridSpan::kOpen});
  const auto& tenures = state.accounts().tenures();
  return std::any_of(spans.begin(), spans.end(), [&](const GridSpan& span) {
    return tenures.heldDuring(session.user.name, span.grid, span.sinceMs, span.untilMs, byMs);
  });
}

}  // namespace

std::optional<Conflict> forwardOutOfScope(ServerState& state, const Session& session, const std::string& device,
                                          const synccore::Change& change, const synccore::Value& value,
                                          const RecordInfo& record) {
  if (record.deleted || record.type != change.recordType) return std::nullopt;
  // Only the user's own work: a write into a grid that was never theirs is refused and changes nothing.
  const auto stamp = synccore::Hlc::parse(change.hlc);
  if (!stamp || !wasTheirsBy(state, session, record, stamp->wallMs)) return std::nullopt;
  // The server's side with its writer: none for a field never set, or a record the push would create.
  const auto server = record.id != 0 ? state.records().field(change.record, change.field) : std::nullopt;
  Conflict conflict =
      conflictAbout(change, record, FieldSide{value, change.hlc, session.user.name, device, change.changeId});
  conflict.kind = "out_of_scope";
  conflict.status = "open";
  conflict.policy = "review";
  conflict.serverSide = server ? server->toJson() : Json();
  conflict.incomingSide["record_stored"] = record.id != 0;  // false: taking it creates the record
  conflict.provisional = server ? server->value : Json();
  return state.conflicts().forward(std::move(conflict), change.changeId, "system");
}

void markForwarded(Json& refusal, const Conflict& conflict) {
  refusal["forwarded"] = true;
  refusal["conflict_id"] = conflict.id;
  refusal["message"] = "grid " + conflict.grid + " is not assigned to you; the edit was passed to the community to decide";
  refusal["message_zh"] = "网格 " + conflict.grid + " 不在您的负责范围内,此修改已转交社区审核";
}

}  // namespace syncserver
