#include "lean_floor.h"

#include "bench_util.h"
#include "server_state.h"

#include "synccore/hlc.h"
#include "synccore/sqlite.h"

#include <map>
#include <stdexcept>
#include <unordered_map>

namespace peers {

namespace {

// Integer stamps: wall-clock ms and counter in one number (W's counters stay far below 2^16); the
// device is a small id of its own. Texts of 36-61 bytes in Anju's layout.
int64_t packedStamp(const synccore::Hlc& h) { return (h.wallMs << 16) | (h.counter & 0xffff); }

void bindVersion(synccore::Statement& st, int index, LeanVersions versions, const synccore::Hlc& h) {
  if (versions == LeanVersions::Integer) st.bind(index, packedStamp(h));
  else st.bind(index, h.toString());
}

}  // namespace

struct LeanFloor::Impl {
  Impl(const Workload& w, const std::string& parent, LeanVersions versions)
      : w(w), versions(versions), dir(parent, "anju-lean-floor-") {
    for (int k = 0; k < 2; ++k)
      for (const FieldSpec& f : w.fields[k]) fieldIds.emplace(f.key, static_cast<int64_t>(fieldIds.size()));
    deletedId = static_cast<int64_t>(fieldIds.size());
    fieldIds.emplace(synccore::kDeletedField, deletedId);
    seed();
  }

  void seed();
  int64_t recordId(synccore::Database& db, const synccore::Change& c, std::unordered_map<std::string, int64_t>& ids);
  Json readState(synccore::Database& db, const Oracle& oracle);

  const Workload& w;
  const LeanVersions versions;
  TempDir dir;
  std::map<std::string, int64_t> fieldIds;  // field key -> id (both record kinds; "_deleted" last)
  int64_t deletedId = 0;
  LeanRows lastRows = LeanRows::LogAndFields;
};

void LeanFloor::Impl::seed() {
  synccore::Database db(dir.file("template.db"));
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF");
  db.exec(
      "CREATE TABLE records(id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, deleted INTEGER NOT NULL DEFAULT 0);"
      "CREATE TABLE change_log(seq INTEGER PRIMARY KEY, record_id INTEGER NOT NULL, field_id INTEGER NOT NULL,"
      " value TEXT NOT NULL, version NOT NULL, device_id INTEGER NOT NULL, author_id INTEGER NOT NULL,"
      " received_ms INTEGER NOT NULL);"
      "CREATE INDEX change_log_version ON change_log(version);"
      "CREATE TABLE fields(record_id INTEGER NOT NULL, field_id INTEGER NOT NULL, value TEXT NOT NULL,"
      " version NOT NULL, device_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
      " PRIMARY KEY(record_id, field_id)) WITHOUT ROWID;"
      "CREATE TABLE changesets(id TEXT PRIMARY KEY, author_id INTEGER NOT NULL, digest TEXT NOT NULL,"
      " start_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, received_ms INTEGER NOT NULL)");
  const synccore::Hlc seedStamp{synccore::HybridClock::systemWallMs() - 24 * 3600 * 1000, 0, "0000seed"};
  synccore::Transaction tx(db);
  for (int k = 0; k < 2; ++k)
    for (const Record& r : w.base[k]) {
      db.cached("INSERT INTO records(uuid) VALUES(?)").bind(1, r.uuid).run();
      const int64_t id = db.lastInsertRowId();
      for (size_t f = 0; f < r.values.size(); ++f) {
        const int64_t field = fieldIds.at(w.fields[k][f].key);
        const std::string value = r.values[f].dump();
        auto log = db.cached("INSERT INTO change_log(record_id, field_id, value, version, device_id, author_id,"
                             " received_ms) VALUES(?,?,?,?,0,0,0)");
        log.bind(1, id).bind(2, field).bind(3, value);
        bindVersion(log, 4, versions, seedStamp);
        log.run();
        auto row = db.cached("INSERT INTO fields VALUES(?,?,?,?,0,?)");
        row.bind(1, id).bind(2, field).bind(3, value).bind(5, db.lastInsertRowId());
        bindVersion(row, 4, versions, seedStamp);
        row.run();
      }
    }
  tx.commit();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

int64_t LeanFloor::Impl::recordId(synccore::Database& db, const synccore::Change& c,
                                  std::unordered_map<std::string, int64_t>& ids) {
  const auto known = ids.find(c.record);
  if (known != ids.end()) return known->second;
  auto st = db.cached("SELECT id FROM records WHERE uuid=?");
  if (st.bind(1, c.record).step()) return ids[c.record] = st.int64(0);
  if (c.baseVersion) throw std::runtime_error("lean floor: unknown record " + c.record);
  db.cached("INSERT INTO records(uuid) VALUES(?)").bind(1, c.record).run();  // a new person
  return ids[c.record] = db.lastInsertRowId();
}

Json LeanFloor::Impl::readState(synccore::Database& db, const Oracle& oracle) {
  // Each field's value: its row, or (log only) its last log row; the tombstone is the `_deleted` field.
  if (lastRows == LeanRows::LogOnly)
    db.exec("CREATE INDEX IF NOT EXISTS change_log_field ON change_log(record_id, field_id, seq)");
  auto st = db.prepare(
      lastRows == LeanRows::LogOnly
          ? "SELECT r.uuid, g.field_id, g.value FROM records r JOIN (SELECT record_id, field_id, value, max(seq)"
            " FROM change_log GROUP BY record_id, field_id) g ON g.record_id = r.id ORDER BY r.id"
          : "SELECT r.uuid, f.field_id, f.value FROM records r JOIN fields f ON f.record_id = r.id ORDER BY r.id");
  std::vector<std::string> keys(fieldIds.size());
  for (const auto& [key, id] : fieldIds) keys[static_cast<size_t>(id)] = key;
  StateChecker checker(w, oracle);
  std::string current;
  bool deleted = false;
  Json fields = Json::object();
  auto flush = [&] {
    if (!current.empty()) checker.record(current, deleted, fields);
    deleted = false;
    fields = Json::object();
  };
  while (st.step()) {
    if (st.text(0) != current) {
      flush();
      current = st.text(0);
    }
    Json v = Json::parse(st.text(2));
    if (st.int64(1) == deletedId) deleted = v == true;
    else if (!v.is_null()) fields[keys[static_cast<size_t>(st.int64(1))]] = std::move(v);
  }
  flush();
  return checker.finish();
}

LeanFloor::LeanFloor(const Workload& w, const std::string& dir, LeanVersions versions)
    : m_impl(std::make_unique<Impl>(w, dir, versions)) {}
LeanFloor::~LeanFloor() = default;

double LeanFloor::write(const std::vector<SentChangeset>& changesets, LeanRows rows) {
  Impl& m = *m_impl;
  const std::string path = m.dir.file("run.db");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  fs::copy_file(m.dir.file("template.db"), path);
  synccore::Database db(path);
  syncserver::applyServerConnectionSettings(db);
  m.lastRows = rows;
  std::unordered_map<std::string, int64_t> devices, authors;
  const auto smallId = [](std::unordered_map<std::string, int64_t>& ids, const std::string& text) {
    return ids.emplace(text, static_cast<int64_t>(ids.size()) + 1).first->second;
  };
  const auto t0 = Clock::now();
  for (const auto& [user, cs] : changesets) {
    synccore::Transaction tx(db);
    std::unordered_map<std::string, int64_t> ids;  // record ids, looked up once per record and changeset
    const int64_t author = smallId(authors, user), device = smallId(devices, cs.device);
    int64_t startSeq = 0, lastSeq = 0;
    for (const synccore::Change& c : cs.changes) {
      const int64_t record = m.recordId(db, c, ids);
      const int64_t field = m.fieldIds.at(c.field);
      const auto hlc = synccore::Hlc::parse(c.hlc);
      if (!hlc) throw std::runtime_error("lean floor: bad stamp " + c.hlc);
      const std::string value = c.value.dump();
      auto log = db.cached("INSERT INTO change_log(record_id, field_id, value, version, device_id, author_id,"
                           " received_ms) VALUES(?,?,?,?,?,?,?)");
      log.bind(1, record).bind(2, field).bind(3, value).bind(5, device).bind(6, author)
          .bind(7, synccore::HybridClock::systemWallMs());
      bindVersion(log, 4, m.versions, *hlc);
      log.run();
      lastSeq = db.lastInsertRowId();
      if (!startSeq) startSeq = lastSeq;
      if (rows == LeanRows::LogOnly) continue;
      if (field == m.deletedId) db.cached("UPDATE records SET deleted=1 WHERE id=?").bind(1, record).run();
      auto row = db.cached("INSERT INTO fields VALUES(?,?,?,?,?,?) ON CONFLICT(record_id, field_id) DO UPDATE SET"
                           " value=excluded.value, version=excluded.version, device_id=excluded.device_id, seq=excluded.seq");
      row.bind(1, record).bind(2, field).bind(3, value).bind(5, device).bind(6, lastSeq);
      bindVersion(row, 4, m.versions, *hlc);
      row.run();
    }
    db.cached("INSERT INTO changesets VALUES(?,?,?,?,?,?)")
        .bind(1, cs.id).bind(2, author).bind(3, cs.digest()).bind(4, startSeq).bind(5, lastSeq)
        .bind(6, synccore::HybridClock::systemWallMs()).run();
    tx.commit();
  }
  // Raw SQLite's one large commit copies its WAL into the file (the default auto-checkpoint); Anju's
  // server does it on another thread. Here it is timed too, so no work is left out.
  if (!db.checkpoint()) throw std::runtime_error("lean floor: the WAL could not be checkpointed");
  return msSince(t0);
}

Json LeanFloor::checkState(const Oracle& oracle) {
  synccore::Database db(m_impl->dir.file("run.db"));
  return m_impl->readState(db, oracle);
}

}  // namespace peers
