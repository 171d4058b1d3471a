#include "storage_floor.h"

#include "bench_util.h"
#include "server_state.h"

#include "synccore/hlc.h"
#include "synccore/sqlite.h"

#include <map>
#include <stdexcept>

namespace peers {

namespace {

/// Record ids by uuid, found once per record and changeset (as the merge's record cache does).
using RecordIds = std::map<std::string, int64_t>;

/// The reads a merge makes before writing a change (their results are not used: the floor always writes).
void mergeReads(synccore::Database& db, const syncserver::RecordStore& records, const synccore::Change& c,
                RecordIds& ids) {
  auto seen = db.cached("SELECT outcome FROM applied_changes WHERE change_id=?");
  seen.bind(1, c.changeId).step();
  records.firstLogSeq(c.hlc, c.changeId);
  if (!ids.count(c.record)) {
    auto record = db.cached(
        "SELECT r.type, r.parent_uuid, r.household_uuid, h.grid, r.deleted, r.id FROM records r"
        " JOIN records h ON h.uuid = r.household_uuid WHERE r.uuid=?");
    if (record.bind(1, c.record).step()) ids[c.record] = record.int64(5);
  }
  auto field = db.cached("SELECT value, stamp, stamp_device FROM fields WHERE record_id=? AND field=?");
  field.bind(1, ids.count(c.record) ? ids[c.record] : 0).bind(2, c.field).step();
}

/// The record's id, creating the record for the first change of a new person.
int64_t recordId(synccore::Database& db, const synccore::Change& c, RecordIds& ids) {
  auto known = ids.find(c.record);
  if (known != ids.end()) return known->second;
  if (!c.baseVersion && !c.parent.empty()) {  // a new person's record may come with an earlier changeset
    db.cached("INSERT OR IGNORE INTO records(uuid, type, parent_uuid, household_uuid, grid) VALUES(?,?,?,?,NULL)")
        .bind(1, c.record).bind(2, c.recordType).bind(3, c.parent).bind(4, c.parent).run();
    if (db.changes() > 0) return ids[c.record] = db.lastInsertRowId();
  }
  auto st = db.cached("SELECT id FROM records WHERE uuid=?");
  if (!st.bind(1, c.record).step()) throw std::runtime_error("storage floor: unknown record " + c.record);
  return ids[c.record] = st.int64(0);
}

/// Returns the change's change log seq.
int64_t writeChange(synccore::Database& db, synccore::VersionCodec& versions, const synccore::Changeset& cs,
                    const synccore::Change& c, const std::string& author, RecordIds& ids) {
  const int64_t id = recordId(db, c, ids);
  if (c.field == synccore::kDeletedField)
    db.cached("UPDATE records SET deleted=1 WHERE id=?").bind(1, id).run();
  const std::string value = c.value.dump();
  const auto version = versions.store(c.hlc);
  db.cached("INSERT INTO change_log(change_id, record_id, field, value, stamp, stamp_device, author, device, received_ms)"
            " VALUES(?,?,?,?,?,?,?,?,?)")
      .bind(1, c.changeId).bind(2, id).bind(3, c.field).bind(4, value).bind(5, version.stamp).bind(6, version.device)
      .bind(7, author).bind(8, versions.deviceId(cs.device)).bind(9, synccore::HybridClock::systemWallMs()).run();
  const int64_t seq = db.lastInsertRowId();
  db.cached("INSERT INTO fields(record_id, field, value, stamp, stamp_device, seq) VALUES(?,?,?,?,?,?)"
            " ON CONFLICT(record_id, field) DO UPDATE SET value=excluded.value, stamp=excluded.stamp,"
            " stamp_device=excluded.stamp_device, seq=excluded.seq")
      .bind(1, id).bind(2, c.field).bind(3, value).bind(4, version.stamp).bind(5, version.device).bind(6, seq).run();
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
    RecordIds ids;
    const int64_t startSeq = state.records().lastSeq();
    int64_t lastSeq = 0;
    for (const auto& c : cs.changes) {
      if (withReads) mergeReads(db, state.records(), c, ids);
      lastSeq = writeChange(db, state.records().versions(), cs, c, user, ids);
    }
    db.cached("INSERT INTO changesets(id, user_name, digest, start_seq, last_seq, received_ms) VALUES(?,?,?,?,?,?)")
        .bind(1, cs.id).bind(2, user).bind(3, cs.digest()).bind(4, startSeq).bind(5, lastSeq)
        .bind(6, synccore::HybridClock::systemWallMs()).run();
    tx.commit();
  }
  return msSince(t0);
}

}  // namespace peers
