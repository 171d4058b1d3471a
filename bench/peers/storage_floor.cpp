#include "storage_floor.h"

#include "bench_util.h"
#include "server_state.h"

#include "synccore/hlc.h"
#include "synccore/sqlite.h"

#include <set>

namespace peers {

namespace {

/// The reads a merge makes before writing a change (their results are not used: the floor always writes).
void mergeReads(synccore::Database& db, const synccore::Change& c, std::set<std::string>& recordsRead) {
  auto seen = db.cached("SELECT outcome FROM applied_changes WHERE change_id=?");
  seen.bind(1, c.changeId).step();
  if (recordsRead.insert(c.record).second) {
    auto record = db.cached(
        "SELECT r.type, r.parent_uuid, r.household_uuid, h.grid, r.deleted FROM records r"
        " JOIN records h ON h.uuid = r.household_uuid WHERE r.uuid=?");
    record.bind(1, c.record).step();
  }
  auto field = db.cached("SELECT value, version FROM fields WHERE record_uuid=? AND field=?");
  field.bind(1, c.record).bind(2, c.field).step();
}

/// Returns the change's change log seq.
int64_t writeChange(synccore::Database& db, const synccore::Changeset& cs, const synccore::Change& c,
                 const std::string& author) {
  if (!c.baseVersion && !c.parent.empty())  // the first change of a new person creates its record
    db.cached("INSERT OR IGNORE INTO records(uuid, type, parent_uuid, household_uuid, grid) VALUES(?,?,?,?,NULL)")
        .bind(1, c.record).bind(2, c.recordType).bind(3, c.parent).bind(4, c.parent).run();
  if (c.field == synccore::kDeletedField)
    db.cached("UPDATE records SET deleted=1 WHERE uuid=?").bind(1, c.record).run();
  const std::string value = c.value.dump();
  db.cached("INSERT INTO change_log(change_id, record_uuid, field, value, version, author, device, received_ms)"
            " VALUES(?,?,?,?,?,?,?,?)")
      .bind(1, c.changeId).bind(2, c.record).bind(3, c.field).bind(4, value).bind(5, c.hlc).bind(6, author)
      .bind(7, cs.device).bind(8, synccore::HybridClock::systemWallMs()).run();
  const int64_t seq = db.lastInsertRowId();
  db.cached("INSERT INTO fields(record_uuid, field, value, version, seq) VALUES(?,?,?,?,?)"
            " ON CONFLICT(record_uuid, field) DO UPDATE SET value=excluded.value, version=excluded.version, seq=excluded.seq")
      .bind(1, c.record).bind(2, c.field).bind(3, value).bind(4, c.hlc).bind(5, seq).run();
  db.cached("INSERT INTO applied_changes(change_id, outcome, changeset_id) VALUES(?, '', ?)")
      .bind(1, c.changeId).bind(2, cs.id).run();
  return seq;
}

}  // namespace

double writeStorageFloor(syncserver::ServerState& state, const std::vector<SentChangeset>& changesets,
                         bool withReads) {
  std::lock_guard lock(state.mutex());
  synccore::Database& db = state.db();
  const auto t0 = Clock::now();
  for (const auto& [user, cs] : changesets) {
    synccore::Transaction tx(db);
    std::set<std::string> recordsRead;
    int64_t lastSeq = 0;
    for (const auto& c : cs.changes) {
      if (withReads) mergeReads(db, c, recordsRead);
      lastSeq = writeChange(db, cs, c, user);
    }
    db.cached("INSERT INTO changesets(id, user_name, digest, last_seq, received_ms) VALUES(?,?,?,?,?)")
        .bind(1, cs.id).bind(2, user).bind(3, cs.digest()).bind(4, lastSeq)
        .bind(5, synccore::HybridClock::systemWallMs()).run();
    tx.commit();
  }
  return msSince(t0);
}

}  // namespace peers
