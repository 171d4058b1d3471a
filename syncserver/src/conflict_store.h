#pragma once
// Conflicts found by the merge: their current state (open or decided), each change of state
// also appended to the tamper-evident audit log.
#include "audit_log.h"
#include "record_store.h"
#include "synccore/changeset.h"
#include "synccore/sqlite.h"
#include "synccore/survey_definition.h"

#include <optional>
#include <string>
#include <vector>

namespace syncserver {

using synccore::Json;

/// One conflict: where, both sides, the value in effect, and the decision once made.
struct Conflict {
  std::string id;
  std::string kind;    // concurrent_edit, edit_vs_delete, delete_vs_edit, duplicate_person, out_of_scope
  std::string status;  // open, auto_resolved, resolved
  std::string policy;  // auto or review
  std::string recordUuid;
  std::string recordType;
  std::string household;
  std::string grid;
  std::string field;
  Json baseVersion;   // null when the field was new to the device
  Json serverSide;    // {value, version, user, device, change_id}
  Json incomingSide;  // {value, version, user, device, change_id, received_at}
  Json provisional;   // the value in effect while the conflict is open
  Json decision;      // null until decided: {by, at, reason, take, final_value}
  std::string createdAt;
  Json toJson() const;
};

/// A conflict about one change to a record: where it is (record, household, grid, field, base) and the
/// change's side as it arrived now; kind, status, policy, the server's side and the value in effect are
/// the caller's to set.
Conflict conflictAbout(const synccore::Change& change, const RecordInfo& record, const FieldSide& incoming);

/// Filters for listing conflicts; empty members do not filter.
struct ConflictFilter {
  std::string status, grid, kind, field, record, household;
  std::string createdBefore;  // ISO time: only conflicts created before it (the "age" filter)
  std::vector<std::string> grids;  // the caller's scope; empty with allGrids = everything
  bool allGrids = true;
  size_t limit = 500;
};

/// The conflicts table; calls run inside the caller's transaction.
class ConflictStore {
 public:
  ConflictStore(synccore::Database& db, AuditLog& audit);
  /// Records a new conflict (a fresh id is assigned) and appends it to the audit log.
  Conflict add(Conflict conflict, const std::string& actor);
  /// Records an out_of_scope conflict for a refused change once: a change sent again (the same refused
  /// changeset) gets the conflict it was first given.
  Conflict forward(Conflict conflict, const std::string& changeId, const std::string& actor);
  std::optional<Conflict> get(const std::string& id) const;
  std::vector<Conflict> list(const ConflictFilter& filter) const;
  /// Stores the decision, marks the conflict resolved and appends the decision to the audit log.
  void decide(const std::string& id, const Json& decision, const std::string& actor);
  /// Open duplicate_person conflicts naming the person on either side.
  std::vector<Conflict> openDuplicatesOf(const std::string& person) const;
  size_t openCount() const;

 private:
  synccore::Database& m_db;
  AuditLog& m_audit;
};

}  // namespace syncserver
