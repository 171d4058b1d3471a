#pragma once
// The field-level three-way merge rule: what the server does with one incoming field change.
#include "synccore/survey_definition.h"

#include <optional>
#include <string>

namespace synccore {

/// What happens to the incoming value.
enum class MergeAction {
  FastForward,   // the server still had the base version: apply
  Identical,     // the server already holds the same value: nothing to do, no conflict
  IncomingWins,  // conflict under policy auto, incoming stamp is newer: apply, log the loser
  ServerKeeps,   // conflict the server's value survives (auto: older incoming; review: pending)
};

/// The kind of conflict logged, if any.
/// OutOfScope: an edit from a worker whose grids no longer hold the record, passed to the community.
enum class ConflictKind { None, ConcurrentEdit, EditVsDelete, DeleteVsEdit, DuplicatePerson, OutOfScope };

std::string_view conflictKindName(ConflictKind kind);
std::optional<ConflictKind> conflictKindFromName(std::string_view name);

/// The outcome of the rule for one field change.
struct MergeDecision {
  MergeAction action = MergeAction::FastForward;
  ConflictKind conflict = ConflictKind::None;
  bool needsReview = false;  // the conflict stays open until a supervisor decides
  bool applies() const { return action == MergeAction::FastForward || action == MergeAction::IncomingWins; }
};

/// The server's side of one field (or of a record, for deletes).
struct ServerField {
  bool recordExists = false;
  bool recordDeleted = false;
  std::optional<std::string> version;  // HLC of the write that set the field, if any
  Value value;                         // null when unset
  std::optional<std::string> newestVersion;  // newest HLC of any field of the record
};

/// One incoming field change (or "_deleted" tombstone), as a device sent it.
struct IncomingField {
  std::string field;
  Value value;
  std::optional<std::string> baseVersion;  // for a delete: the newest version the device had seen
  std::string hlc;
};

/// Decides a field change by the rules in docs/sync-protocol.md ("Merge").
MergeDecision decideMerge(const ServerField& server, const IncomingField& incoming, MergePolicy policy);

}  // namespace synccore
