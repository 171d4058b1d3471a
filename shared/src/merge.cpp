#include "synccore/merge.h"

namespace synccore {

namespace {
constexpr std::pair<ConflictKind, std::string_view> kKindNames[] = {
    {ConflictKind::None, "none"},
    {ConflictKind::ConcurrentEdit, "concurrent_edit"},
    {ConflictKind::EditVsDelete, "edit_vs_delete"},
    {ConflictKind::DeleteVsEdit, "delete_vs_edit"},
    {ConflictKind::DuplicatePerson, "duplicate_person"},
    {ConflictKind::OutOfScope, "out_of_scope"}};
}  // namespace

std::string_view conflictKindName(ConflictKind kind) {
  for (const auto& [k, name] : kKindNames)
    if (k == kind) return name;
  return "none";
}

std::optional<ConflictKind> conflictKindFromName(std::string_view name) {
  for (const auto& [k, n] : kKindNames)
    if (n == name) return k;
  return std::nullopt;
}

MergeDecision decideMerge(const ServerField& server, const IncomingField& incoming, MergePolicy policy) {
  const bool isDelete = incoming.field == "_deleted";
  if (isDelete) {
    if (!server.recordExists || server.recordDeleted) return {MergeAction::Identical};
    // The device deleted what it had seen; anything newer on the server is work it never saw.
    const bool unseenEdits = server.newestVersion && (!incoming.baseVersion || *server.newestVersion > *incoming.baseVersion);
    if (unseenEdits) return {MergeAction::ServerKeeps, ConflictKind::DeleteVsEdit, true};
    return {MergeAction::FastForward};
  }
  if (server.recordDeleted) {
    // Never "delete wins" silently: the edit is kept in the log for a supervisor to restore.
    return {MergeAction::ServerKeeps, ConflictKind::EditVsDelete, true};
  }
  if (server.version == incoming.baseVersion) return {MergeAction::FastForward};
  if (server.value == incoming.value) return {MergeAction::Identical};
  if (policy == MergePolicy::Review) return {MergeAction::ServerKeeps, ConflictKind::ConcurrentEdit, true};
  const bool incomingNewer = !server.version || incoming.hlc > *server.version;
  return {incomingNewer ? MergeAction::IncomingWins : MergeAction::ServerKeeps, ConflictKind::ConcurrentEdit, false};
}

}  // namespace synccore
