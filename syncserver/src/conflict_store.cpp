#include "conflict_store.h"

#include "synccore/random_id.h"

namespace syncserver {

namespace {
constexpr const char* kColumns =
    "id, kind, status, policy, record_uuid, record_type, household_uuid, grid, field, base_version, server_side,"
    " incoming_side, provisional, decision, created_at";

Conflict readConflict(const synccore::Statement& st) {
  Conflict c;
  c.id = st.text(0);
  c.kind = st.text(1);
  c.status = st.text(2);
  c.policy = st.text(3);
  c.recordUuid = st.text(4);
  c.recordType = st.text(5);
  c.household = st.text(6);
  c.grid = st.text(7);
  c.field = st.text(8);
  c.baseVersion = st.isNull(9) ? Json() : Json(st.text(9));
  c.serverSide = Json::parse(st.text(10));
  c.incomingSide = Json::parse(st.text(11));
  c.provisional = Json::parse(st.text(12));
  c.decision = st.isNull(13) ? Json() : Json::parse(st.text(13));
  c.createdAt = st.text(14);
  return c;
}
}  // namespace

Json Conflict::toJson() const {
  return Json{{"id", id},
              {"kind", kind},
              {"status", status},
              {"policy", policy},
              {"record", recordUuid},
              {"record_type", recordType},
              {"household", household},
              {"grid", grid},
              {"field", field},
              {"base_version", baseVersion},
              {"server", serverSide},
              {"incoming", incomingSide},
              {"provisional_value", provisional},
              {"decision", decision},
              {"created_at", createdAt}};
}

Conflict conflictAbout(const synccore::Change& change, const RecordInfo& record, const FieldSide& incoming) {
  Conflict c;
  c.recordUuid = change.record;
  c.recordType = change.recordType;
  c.household = record.household;
  c.grid = record.grid;
  c.field = change.field;
  c.baseVersion = change.baseVersion ? Json(*change.baseVersion) : Json();
  c.incomingSide = incoming.toJson();
  c.incomingSide["received_at"] = utcNowIso();
  return c;
}

ConflictStore::ConflictStore(synccore::Database& db, AuditLog& audit) : m_db(db), m_audit(audit) {
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS conflicts(id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL,"
      " policy TEXT NOT NULL, record_uuid TEXT NOT NULL, record_type TEXT NOT NULL, household_uuid TEXT NOT NULL,"
      " grid TEXT NOT NULL, field TEXT NOT NULL, base_version TEXT, server_side TEXT NOT NULL,"
      " incoming_side TEXT NOT NULL, provisional TEXT NOT NULL, decision TEXT, created_at TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS conflicts_status ON conflicts(status, grid);"
      // Refused changes passed to the community as out_of_scope conflicts, by the change's id.
      "CREATE TABLE IF NOT EXISTS forwarded_changes(change_id TEXT PRIMARY KEY, conflict_id TEXT NOT NULL);");
}

Conflict ConflictStore::add(Conflict c, const std::string& actor) {
  c.id = synccore::newUuid();
  c.createdAt = utcNowIso();
  auto st = m_db.cached(std::string("INSERT INTO conflicts(") + kColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, c.id).bind(2, c.kind).bind(3, c.status).bind(4, c.policy).bind(5, c.recordUuid).bind(6, c.recordType)
      .bind(7, c.household).bind(8, c.grid).bind(9, c.field);
  if (c.baseVersion.is_string()) st.bind(10, c.baseVersion.get<std::string>()); else st.bind(10, nullptr);
  st.bind(11, c.serverSide.dump()).bind(12, c.incomingSide.dump()).bind(13, c.provisional.dump());
  if (c.decision.is_null()) st.bind(14, nullptr); else st.bind(14, c.decision.dump());
  st.bind(15, c.createdAt).run();
  m_audit.append("conflict", actor, c.toJson(), c.id, c.recordUuid);
  return c;
}

Conflict ConflictStore::forward(Conflict conflict, const std::string& changeId, const std::string& actor) {
  auto known = m_db.cached("SELECT conflict_id FROM forwarded_changes WHERE change_id=?");
  known.bind(1, changeId);
  if (known.step()) {
    const std::string id = known.text(0);
    known.reset();
    return *get(id);
  }
  known.reset();
  Conflict added = add(std::move(conflict), actor);
  m_db.cached("INSERT INTO forwarded_changes(change_id, conflict_id) VALUES(?,?)").bind(1, changeId).bind(2, added.id).run();
  return added;
}

std::optional<Conflict> ConflictStore::get(const std::string& id) const {
  auto st = m_db.prepare(std::string("SELECT ") + kColumns + " FROM conflicts WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readConflict(st);
}

std::vector<Conflict> ConflictStore::list(const ConflictFilter& f) const {
  std::string sql = std::string("SELECT ") + kColumns + " FROM conflicts WHERE 1=1";
  std::vector<std::string> args;
  const auto eq = [&](const std::string& value, const char* column) {
    if (value.empty()) return;
    sql += std::string(" AND ") + column + "=?";
    args.push_back(value);
  };
  eq(f.status, "status");
  eq(f.grid, "grid");
  eq(f.kind, "kind");
  eq(f.field, "field");
  eq(f.record, "record_uuid");
  eq(f.household, "household_uuid");
  if (!f.createdBefore.empty()) {
    sql += " AND created_at < ?";
    args.push_back(f.createdBefore);
  }
  if (!f.allGrids) {
    sql += " AND grid IN (NULL";
    for (const auto& g : f.grids) {
      sql += ",?";
      args.push_back(g);
    }
    sql += ")";
  }
  sql += " ORDER BY created_at, id LIMIT " + std::to_string(f.limit);
  auto st = m_db.prepare(sql);
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i) + 1, args[i]);
  std::vector<Conflict> out;
  while (st.step()) out.push_back(readConflict(st));
  return out;
}

void ConflictStore::decide(const std::string& id, const Json& decision, const std::string& actor) {
  m_db.prepare("UPDATE conflicts SET status='resolved', decision=? WHERE id=?").bind(1, decision.dump()).bind(2, id).run();
  auto c = get(id);
  m_audit.append("decision", actor, Json{{"conflict", c->toJson()}, {"decision", decision}}, id, c->recordUuid);
}

std::vector<Conflict> ConflictStore::openDuplicatesOf(const std::string& person) const {
  auto st = m_db.prepare(std::string("SELECT ") + kColumns +
                         " FROM conflicts WHERE status='open' AND kind='duplicate_person'"
                         " AND (record_uuid=?1 OR json_extract(server_side, '$.person')=?1) ORDER BY created_at, id");
  st.bind(1, person);
  std::vector<Conflict> out;
  while (st.step()) out.push_back(readConflict(st));
  return out;
}

size_t ConflictStore::openCount() const {
  auto st = m_db.prepare("SELECT count(*) FROM conflicts WHERE status='open'");
  st.step();
  return static_cast<size_t>(st.int64(0));
}

}  // namespace syncserver
