#include "record_store.h"

#include "synccore/hlc.h"

#include <iostream>
#include <stdexcept>

namespace syncserver {

using synccore::Database;

namespace {
// Records get an integer id in the order they are stored: a household and the people recorded with it
// sit side by side, and the field rows keyed by it stay short.
const std::string kRecordsColumns =
    "(id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, type TEXT NOT NULL, parent_uuid TEXT,"
    " household_uuid TEXT NOT NULL, grid TEXT, deleted INTEGER NOT NULL DEFAULT 0)";
// The fields table's columns, keyed by record id: a changeset's fields of one household file fill a few
// neighbouring pages instead of pages spread by random uuids (docs/benchmarks.md "Where the merge time
// goes"). A version is two integers (stamp, device id: synccore/stored_version.h), not 61 bytes of text. Who wrote a
// field (author, device, change id) is in its change log row, found by seq: a merge reads and rewrites only
// what it compares.
const std::string kFieldsColumns =
    "(record_id INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, stamp INTEGER NOT NULL,"
    " stamp_device INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(record_id, field)) WITHOUT ROWID";
// Append-only (never deleted from), so plain rowids already grow monotonically; change ids are unique
// through applied_changes and the version, so they need no second index here. `device` is the device that
// sent the change (an id in table devices, like stamp_device).
const std::string kChangeLogColumns =
    "(seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL, record_id INTEGER NOT NULL, field TEXT NOT NULL,"
    " value TEXT NOT NULL, stamp INTEGER NOT NULL, stamp_device INTEGER NOT NULL, author TEXT NOT NULL,"
    " device INTEGER NOT NULL, received_ms INTEGER NOT NULL)";
// A field with its writer: FieldSide's value, the version's two columns, author, device id, change id.
// LEFT JOIN: a field whose log row is missing keeps its value.
const std::string kFieldSideColumns =
    "f.value, f.stamp, f.stamp_device, coalesce(c.author, ''), c.device, coalesce(c.change_id, '')";
const std::string kFieldsWithWriter =
    " FROM records r CROSS JOIN fields f ON f.record_id = r.id LEFT JOIN change_log c ON c.seq = f.seq";

}  // namespace

Json FieldSide::toJson() const {
  return Json{{"value", value}, {"version", version}, {"user", author}, {"device", device}, {"change_id", changeId}};
}

RecordStore::RecordStore(Database& db) : m_db(db), m_versions(db) {
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS records" + kRecordsColumns + ";"
      "CREATE TABLE IF NOT EXISTS fields" + kFieldsColumns + ";"
      "CREATE TABLE IF NOT EXISTS change_log" + kChangeLogColumns + ";"
      "CREATE TABLE IF NOT EXISTS person_ids(id_number TEXT NOT NULL, person_uuid TEXT PRIMARY KEY);"
      "CREATE INDEX IF NOT EXISTS person_ids_number ON person_ids(id_number);"
      // The grid change of a household that moved, by its change log seq: also sent to the grid it left.
      "CREATE TABLE IF NOT EXISTS grid_moves(seq INTEGER PRIMARY KEY, household_uuid TEXT NOT NULL,"
      " from_grid TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS grid_moves_household ON grid_moves(household_uuid);");
  upgradeLayout();
  if (m_db.queryInteger("SELECT count(*) FROM sqlite_schema WHERE type='index' AND name='change_log_stamp'") > 0) {
    // Until 2026-11-24 the log's versions were indexed by stamp alone.
    std::cerr << "正在重建变更日志的版本索引(仅此一次)… re-indexing the change log's versions (once)…" << std::endl;
    m_db.exec("DROP INDEX change_log_stamp");
  }
  m_db.exec(
      "CREATE INDEX IF NOT EXISTS records_household ON records(household_uuid);"
      "CREATE INDEX IF NOT EXISTS records_grid ON records(grid);"
      // By the version's device, then stamp (so a device's new rows land on the last pages of its run): a
      // change applied as sent is recognised by it, a conflict finds its base value, and the newest stamp
      // of a device is one look (a push skips the look-up for changes newer than it). An index by (record,
      // field) cost a randomly placed page per change in every changeset's commit (docs/benchmarks.md
      // "Where the merge time goes").
      "CREATE INDEX IF NOT EXISTS change_log_device_stamp ON change_log(stamp_device, stamp);");
}

void RecordStore::upgradeLayout() {
  // Until 2026-11 records had no id and field rows were keyed by record uuid (before that, every field
  // row also repeated its writer, which the change log row at its seq holds). Until 2026-11-24 versions,
  // record uuids and sending devices were text in fields and the change log. Runs inside the caller's
  // transaction: a failure leaves the database as it was.
  const bool recordsWithoutId = !m_db.hasColumn("records", "id");
  const bool fieldsByUuid = m_db.hasColumn("fields", "record_uuid");
  const bool fieldsWithText = m_db.hasColumn("fields", "version");
  const bool logWithText = m_db.hasColumn("change_log", "version");
  if (!recordsWithoutId && !fieldsByUuid && !fieldsWithText && !logWithText) return;
  // One pass over every record, field and change log row: a large database takes a while, so say so.
  std::cerr << "正在升级记录表、字段表和变更日志(仅此一次)… upgrading the records, fields and change log tables (once)…"
            << std::endl;
  if (recordsWithoutId)
    m_db.exec(
        "CREATE TABLE records_with_id" + kRecordsColumns + ";"
        "INSERT INTO records_with_id(id, uuid, type, parent_uuid, household_uuid, grid, deleted)"
        " SELECT rowid, uuid, type, parent_uuid, household_uuid, grid, deleted FROM records ORDER BY rowid;"
        "DROP TABLE records;"
        "ALTER TABLE records_with_id RENAME TO records;");
  if (fieldsWithText) upgradeFields(fieldsByUuid);
  if (logWithText) upgradeChangeLog();
  std::cerr << "记录表、字段表和变更日志已升级 records, fields and change log tables upgraded" << std::endl;
}

void RecordStore::requireStorableVersions(const std::string& table) {
  if (m_db.queryInteger("SELECT count(*) FROM " + table + " WHERE NOT " + VersionCodec::storableSql("version")) > 0)
    throw std::runtime_error("some versions in table " + table +
                             " are not HLC stamps; the database was left unchanged / 表 " + table +
                             " 中有版本号格式不正确,数据库未作改动");
}

void RecordStore::upgradeFields(bool byUuid) {
  const int64_t before = m_db.queryInteger("SELECT count(*) FROM fields");
  const std::string withRecord =
      std::string(" FROM fields f JOIN records r ON ") + (byUuid ? "r.uuid = f.record_uuid" : "r.id = f.record_id");
  if (m_db.queryInteger("SELECT count(*)" + withRecord) != before)
    throw std::runtime_error(
        "some field rows belong to no record; the database was left unchanged / 部分字段找不到所属记录,数据库未作改动");
  requireStorableVersions("fields");
  m_db.exec(
      "INSERT OR IGNORE INTO devices(name) SELECT DISTINCT " + VersionCodec::deviceSql("version") + " FROM fields;"
      "CREATE TABLE fields_compact" + kFieldsColumns + ";"
      "INSERT INTO fields_compact(record_id, field, value, stamp, stamp_device, seq)"
      " SELECT r.id, f.field, f.value, " + VersionCodec::stampSql("f.version") + ", d.id, f.seq" + withRecord +
      " JOIN devices d ON d.name = " + VersionCodec::deviceSql("f.version") + " ORDER BY r.id, f.field;"
      "DROP TABLE fields; ALTER TABLE fields_compact RENAME TO fields;");
}

void RecordStore::upgradeChangeLog() {
  const int64_t before = m_db.queryInteger("SELECT count(*) FROM change_log");
  requireStorableVersions("change_log");
  m_db.exec(
      "INSERT OR IGNORE INTO devices(name) SELECT " + VersionCodec::deviceSql("version") +
      " FROM change_log UNION SELECT device FROM change_log;"
      "CREATE TABLE change_log_compact" + kChangeLogColumns + ";"
      "INSERT INTO change_log_compact(seq, change_id, record_id, field, value, stamp, stamp_device, author, device,"
      " received_ms) SELECT c.seq, c.change_id, r.id, c.field, c.value, " + VersionCodec::stampSql("c.version") +
      ", v.id, c.author, d.id, c.received_ms FROM change_log c JOIN records r ON r.uuid = c.record_uuid"
      " JOIN devices v ON v.name = " + VersionCodec::deviceSql("c.version") +
      " JOIN devices d ON d.name = c.device ORDER BY c.seq;");
  if (m_db.queryInteger("SELECT count(*) FROM change_log_compact") != before)
    throw std::runtime_error(
        "some change log rows belong to no record; the database was left unchanged / 部分变更日志找不到所属记录,数据库未作改动");
  // Its indexes by version (and, in older files, by record) go with the old table.
  m_db.exec("DROP TABLE change_log; ALTER TABLE change_log_compact RENAME TO change_log;");
}

int64_t RecordStore::idOf(const RecordInfo& record) const {
  if (record.id) return record.id;
  auto st = m_db.cached("SELECT id FROM records WHERE uuid=?");
  st.bind(1, record.uuid);
  return st.step() ? st.int64(0) : 0;
}

FieldSide RecordStore::fieldSide(const synccore::Statement& st, int first) const {
  FieldSide side;
  side.value = Json::parse(st.text(first));
  side.version = m_versions.text({st.int64(first + 1), st.int64(first + 2)});
  side.author = st.text(first + 3);
  if (!st.isNull(first + 4)) side.device = m_versions.deviceName(st.int64(first + 4));
  side.changeId = st.text(first + 5);
  return side;
}

std::optional<RecordInfo> RecordStore::record(const std::string& uuid) const {
  auto st = m_db.cached(
      "SELECT r.type, r.parent_uuid, r.household_uuid, h.grid, r.deleted, t.stamp, r.id, t.stamp_device FROM records r"
      " JOIN records h ON h.uuid = r.household_uuid"
      " LEFT JOIN fields t ON t.record_id = r.id AND t.field = '_deleted' WHERE r.uuid=?");
  st.bind(1, uuid);
  if (!st.step()) return std::nullopt;
  std::optional<std::string> tombstone;
  if (!st.isNull(5)) tombstone = m_versions.text({st.int64(5), st.int64(7)});
  return RecordInfo{uuid, st.text(0), st.optionalText(1).value_or(""), st.text(2), st.optionalText(3).value_or(""),
                    st.int64(4) != 0, std::move(tombstone), st.int64(6)};
}

void RecordStore::createRecord(RecordInfo& info) {
  auto st = m_db.cached("INSERT INTO records(uuid, type, parent_uuid, household_uuid, grid) VALUES(?,?,?,?,?)");
  st.bind(1, info.uuid).bind(2, info.type);
  if (info.parent.empty()) st.bind(3, nullptr); else st.bind(3, info.parent);
  st.bind(4, info.household);
  if (info.type == "household") st.bind(5, info.grid); else st.bind(5, nullptr);
  st.run();
  info.id = m_db.lastInsertRowId();
}

std::optional<FieldSide> RecordStore::field(const std::string& uuid, const std::string& field) const {
  auto st = m_db.cached("SELECT " + kFieldSideColumns + kFieldsWithWriter + " WHERE r.uuid=? AND f.field=?");
  st.bind(1, uuid).bind(2, field);
  if (!st.step()) return std::nullopt;
  return fieldSide(st, 0);
}

std::optional<FieldSide> RecordStore::fieldValue(const RecordInfo& record, const std::string& field) const {
  const int64_t id = idOf(record);
  if (!id) return std::nullopt;
  auto st = m_db.cached("SELECT value, stamp, stamp_device FROM fields WHERE record_id=? AND field=?");
  st.bind(1, id).bind(2, field);
  if (!st.step()) return std::nullopt;
  FieldSide side;
  side.value = Json::parse(st.text(0));
  side.version = m_versions.text({st.int64(1), st.int64(2)});
  return side;
}

std::optional<std::string> RecordStore::newestVersion(const RecordInfo& record) const {
  // The HLC's order: stamp, then device name (ids are given in arrival order, not name order).
  auto st = m_db.cached(
      "SELECT f.stamp, f.stamp_device FROM fields f JOIN devices d ON d.id = f.stamp_device WHERE f.record_id=?"
      " ORDER BY f.stamp DESC, d.name DESC LIMIT 1");
  st.bind(1, idOf(record));
  if (!st.step()) return std::nullopt;
  return m_versions.text({st.int64(0), st.int64(1)});
}

int64_t RecordStore::apply(const RecordInfo& record, const std::string& field, const FieldSide& side, bool stored) {
  const int64_t id = idOf(record);
  if (!id) throw std::logic_error("RecordStore::apply: record " + record.uuid + " is not stored");
  const std::string value = side.value.dump();
  const StoredVersion version = m_versions.store(side.version);
  m_db.cached(
          "INSERT INTO change_log(change_id, record_id, field, value, stamp, stamp_device, author, device, received_ms)"
          " VALUES(?,?,?,?,?,?,?,?,?)")
      .bind(1, side.changeId).bind(2, id).bind(3, field).bind(4, value).bind(5, version.stamp).bind(6, version.device)
      .bind(7, side.author).bind(8, m_versions.deviceId(side.device)).bind(9, synccore::HybridClock::systemWallMs()).run();
  const int64_t seq = m_db.lastInsertRowId();
  // The row known to exist, a plain UPDATE finds it once; an upsert first tries the insert.
  m_db.cached(stored ? "UPDATE fields SET value=?3, stamp=?4, stamp_device=?5, seq=?6 WHERE record_id=?1 AND field=?2"
                     : "INSERT INTO fields(record_id, field, value, stamp, stamp_device, seq) VALUES(?1,?2,?3,?4,?5,?6)"
                       " ON CONFLICT(record_id, field) DO UPDATE SET value=excluded.value, stamp=excluded.stamp,"
                       " stamp_device=excluded.stamp_device, seq=excluded.seq")
      .bind(1, id).bind(2, field).bind(3, value).bind(4, version.stamp).bind(5, version.device).bind(6, seq).run();
  if (field == synccore::kDeletedField) {
    const bool deleted = side.value == true;
    m_db.cached("UPDATE records SET deleted=? WHERE id=?").bind(1, deleted ? 1 : 0).bind(2, id).run();
    if (record.type == "person" && deleted)
      m_db.cached("DELETE FROM person_ids WHERE person_uuid=?").bind(1, record.uuid).run();
  } else if (record.type == "household" && field == "grid" && side.value.is_string()) {
    m_db.cached("UPDATE records SET grid=? WHERE id=?").bind(1, side.value.get<std::string>()).bind(2, id).run();
    if (!record.grid.empty() && record.grid != side.value.get<std::string>()) {
      reannounce(record.uuid);
      m_db.cached("INSERT INTO grid_moves(seq, household_uuid, from_grid)"
                  " SELECT seq, ?, ? FROM fields WHERE record_id=? AND field='grid'")
          .bind(1, record.uuid).bind(2, record.grid).bind(3, id).run();
      if (m_moved) m_moved(record.uuid);
    }
  } else if (record.type == "person" && field == "id_number") {
    m_db.cached("DELETE FROM person_ids WHERE person_uuid=?").bind(1, record.uuid).run();
    if (side.value.is_string())
      m_db.cached("INSERT INTO person_ids(id_number, person_uuid) VALUES(?,?)")
          .bind(1, side.value.get<std::string>()).bind(2, record.uuid).run();
  }
  return seq;
}

void RecordStore::reannounce(const std::string& household) {
  const int64_t from = lastSeq();
  m_db.cached(
          "INSERT INTO change_log(change_id, record_id, field, value, stamp, stamp_device, author, device, received_ms)"
          // The copy keeps the original's receipt time: it is the same write, sent again.
          " SELECT c.change_id, f.record_id, f.field, f.value, f.stamp, f.stamp_device, c.author, c.device, c.received_ms"
          " FROM records r CROSS JOIN fields f ON f.record_id = r.id CROSS JOIN change_log c ON c.seq = f.seq"
          " WHERE r.household_uuid = ? ORDER BY f.seq")
      .bind(1, household).run();
  // The copies are the rows after `from`: each field now points at its copy.
  m_db.cached(
          "UPDATE fields SET seq = copy.seq FROM (SELECT c.record_id, c.field, max(c.seq) AS seq"
          " FROM change_log c WHERE c.seq > ? GROUP BY c.record_id, c.field) AS copy"
          " WHERE fields.record_id = copy.record_id AND fields.field = copy.field")
      .bind(1, from).run();
}

std::vector<GridSpan> RecordStore::householdGridSpans(const std::string& household) const {
  const auto info = record(household);
  if (!info) return {};
  // Each move ends a span in the grid it left, at the move's receipt on the server.
  auto moves = m_db.cached(
      "SELECT m.from_grid, c.received_ms FROM grid_moves m JOIN change_log c ON c.seq = m.seq"
      " WHERE m.household_uuid = ? ORDER BY m.seq");
  moves.bind(1, household);
  std::vector<GridSpan> spans;
  int64_t since = 0;
  while (moves.step()) {
    spans.push_back({moves.text(0), since, moves.int64(1)});
    since = moves.int64(1);
  }
  spans.push_back({info->grid, since, GridSpan::kOpen});
  return spans;
}

std::vector<std::string> RecordStore::personsWithIdNumber(const std::string& idNumber, const std::string& except) const {
  auto st = m_db.cached(
      "SELECT p.person_uuid FROM person_ids p JOIN records r ON r.uuid=p.person_uuid"
      " WHERE p.id_number=? AND p.person_uuid<>? AND r.deleted=0 ORDER BY p.person_uuid");
  st.bind(1, idNumber).bind(2, except);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

namespace {
std::string gridList(size_t count) {
  std::string sql = "(";
  for (size_t i = 0; i < count; ++i) sql += i ? ",?" : "?";
  return sql + (count == 0 ? "NULL)" : ")");
}
std::string gridFilter(bool allGrids, const std::vector<std::string>& grids, const char* column) {
  return allGrids ? "" : std::string(" AND ") + column + " IN " + gridList(grids.size());
}
}  // namespace

std::vector<synccore::PulledChange> RecordStore::changesAfter(int64_t after, size_t limit, bool allGrids,
                                                               const std::vector<std::string>& grids,
                                                               const std::string& exceptDevice) const {
  auto st = m_db.cached(
      std::string("SELECT c.seq, c.change_id, r.type, r.uuid, r.parent_uuid, c.field, c.value, c.stamp,"
                  " c.stamp_device, c.author, c.device"
                  // CROSS JOIN keeps change_log the outer loop, read in seq order from the cursor: a page stops at
                  // LIMIT instead of collecting and sorting every change of the grids (quadratic over a first pull).
                  " FROM change_log c CROSS JOIN records r ON r.id=c.record_id") +
      // The household's grid only when the pull is limited to grids.
      (allGrids ? "" : " CROSS JOIN records h ON h.uuid=r.household_uuid") +
      // Only changes still current: one overwritten later reaches the device as the later one.
      " CROSS JOIN fields f ON f.record_id=c.record_id AND f.field=c.field"
      " WHERE c.seq > ? AND f.seq = c.seq" +
      (exceptDevice.empty() ? "" : " AND c.device <> ?") +
      // A household's move is also sent to the grid it left, so those tablets see where it went.
      (allGrids ? "" : " AND (h.grid IN " + gridList(grids.size()) +
                           " OR EXISTS (SELECT 1 FROM grid_moves m WHERE m.seq = c.seq AND m.from_grid IN " +
                           gridList(grids.size()) + "))") +
      " ORDER BY c.seq LIMIT ?");
  int i = 1;
  st.bind(i++, after);
  // A device the server has never seen sent none of the changes: no id matches -1.
  if (!exceptDevice.empty()) st.bind(i++, m_versions.knownDeviceId(exceptDevice).value_or(-1));
  if (!allGrids)
    for (int copy = 0; copy < 2; ++copy)
      for (const auto& g : grids) st.bind(i++, g);
  st.bind(i, static_cast<int64_t>(limit));
  std::vector<synccore::PulledChange> out;
  while (st.step()) {
    synccore::PulledChange p;
    p.seq = st.int64(0);
    p.change.changeId = st.text(1);
    p.change.recordType = st.text(2);
    p.change.record = st.text(3);
    p.change.parent = st.optionalText(4).value_or("");
    p.change.field = st.text(5);
    p.change.value = Json::parse(st.text(6));
    p.version = m_versions.text({st.int64(7), st.int64(8)});
    p.change.hlc = p.version;
    p.author = st.text(9);
    p.device = m_versions.deviceName(st.int64(10));
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<int64_t> RecordStore::firstLogSeq(const std::string& version, const std::string& changeId) const {
  const auto stored = m_versions.find(version);
  if (!stored) return std::nullopt;
  auto st = m_db.cached("SELECT min(seq) FROM change_log WHERE stamp=? AND stamp_device=? AND change_id=?");
  st.bind(1, stored->stamp).bind(2, stored->device).bind(3, changeId);
  if (!st.step() || st.isNull(0)) return std::nullopt;
  return st.int64(0);
}

int64_t RecordStore::newestLoggedStamp(int64_t device) const {
  auto st = m_db.cached("SELECT coalesce(max(stamp), 0) FROM change_log WHERE stamp_device=?");
  st.bind(1, device);
  st.step();
  return st.int64(0);
}

int64_t RecordStore::lastSeq() const {
  auto st = m_db.cached("SELECT coalesce(max(seq), 0) FROM change_log");
  st.step();
  return st.int64(0);
}

std::optional<Value> RecordStore::valueAtVersion(const std::string& uuid, const std::string& field,
                                                 const std::string& version) const {
  const auto stored = m_versions.find(version);
  if (!stored) return std::nullopt;
  auto st = m_db.cached(
      "SELECT value FROM change_log WHERE stamp=? AND stamp_device=? AND field=?"
      " AND record_id=(SELECT id FROM records WHERE uuid=?) LIMIT 1");
  st.bind(1, stored->stamp).bind(2, stored->device).bind(3, field).bind(4, uuid);
  if (!st.step()) return std::nullopt;
  return Json::parse(st.text(0));
}

std::map<std::string, FieldSide> RecordStore::fields(const std::string& uuid) const {
  auto st = m_db.cached("SELECT " + kFieldSideColumns + ", f.field" + kFieldsWithWriter +
                        " WHERE r.uuid=? AND f.field<>'_deleted'");
  st.bind(1, uuid);
  std::map<std::string, FieldSide> out;
  while (st.step()) out[st.text(6)] = fieldSide(st, 0);
  return out;
}

std::vector<std::string> RecordStore::liveChildren(const std::string& household, const std::string& type) const {
  auto st = m_db.cached(
      "SELECT uuid FROM records WHERE household_uuid=? AND type=? AND uuid<>household_uuid AND deleted=0 ORDER BY uuid");
  st.bind(1, household).bind(2, type);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

Json RecordStore::snapshot(bool allGrids, const std::vector<std::string>& grids) const {
  auto st = m_db.cached(
      "SELECT r.uuid, r.type, r.deleted, f.field, f.value FROM records r JOIN records h ON h.uuid=r.household_uuid"
      " JOIN fields f ON f.record_id=r.id WHERE f.field<>'_deleted'" + gridFilter(allGrids, grids, "h.grid") +
      " ORDER BY r.uuid, f.field");
  int i = 1;
  if (!allGrids)
    for (const auto& g : grids) st.bind(i++, g);
  Json out = Json::object();
  while (st.step()) {
    Json& rec = out[st.text(0)];
    rec["type"] = st.text(1);
    rec["deleted"] = st.int64(2) != 0;
    Json v = Json::parse(st.text(4));
    if (!v.is_null()) rec["fields"][st.text(3)] = v;
  }
  return out;
}

}  // namespace syncserver
