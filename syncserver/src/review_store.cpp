#include "review_store.h"

#include "audit_log.h"

namespace syncserver {

namespace {
constexpr const char* kSelect =
    "SELECT v.household_uuid, coalesce(h.grid, ''), v.state, v.comments, v.worker, v.updated_by, v.updated_at,"
    " v.note, v.seq FROM reviews v LEFT JOIN records h ON h.uuid = v.household_uuid";

HouseholdReview readReview(const synccore::Statement& st) {
  return HouseholdReview{st.text(0), st.text(1), st.text(2), Json::parse(st.text(3)), st.text(4),
                         st.text(5), st.text(6), st.text(7), st.int64(8)};
}
}  // namespace

Json HouseholdReview::toJson() const {
  return Json{{"household", household}, {"grid", grid},         {"state", state},
              {"comments", comments},   {"worker", worker},     {"updated_by", updatedBy},
              {"updated_at", updatedAt}, {"note", note},        {"seq", seq}};
}

ReviewStore::ReviewStore(synccore::Database& db) : m_db(db) {
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS reviews(household_uuid TEXT PRIMARY KEY, state TEXT NOT NULL,"
      " comments TEXT NOT NULL, worker TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,"
      " note TEXT NOT NULL, seq INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS reviews_seq ON reviews(seq);"
      "CREATE TABLE IF NOT EXISTS review_history(id INTEGER PRIMARY KEY AUTOINCREMENT, household_uuid TEXT NOT NULL,"
      " action TEXT NOT NULL, state TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, comments TEXT NOT NULL,"
      " note TEXT NOT NULL, audit_seq INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS review_history_household ON review_history(household_uuid);");
}

std::optional<HouseholdReview> ReviewStore::get(const std::string& household) const {
  auto st = m_db.cached(std::string(kSelect) + " WHERE v.household_uuid=?");
  st.bind(1, household);
  if (!st.step()) return std::nullopt;
  return readReview(st);
}

HouseholdReview ReviewStore::set(HouseholdReview r, const std::string& action, int64_t auditSeq) {
  auto next = m_db.cached("SELECT coalesce(max(seq), 0) + 1 FROM reviews");
  next.step();
  r.seq = next.int64(0);
  next.reset();
  m_db.cached(
          "INSERT INTO reviews(household_uuid, state, comments, worker, updated_by, updated_at, note, seq)"
          " VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(household_uuid) DO UPDATE SET state=excluded.state,"
          " comments=excluded.comments, worker=excluded.worker, updated_by=excluded.updated_by,"
          " updated_at=excluded.updated_at, note=excluded.note, seq=excluded.seq")
      .bind(1, r.household).bind(2, r.state).bind(3, r.comments.dump()).bind(4, r.worker).bind(5, r.updatedBy)
      .bind(6, r.updatedAt).bind(7, r.note).bind(8, r.seq).run();
  m_db.cached(
          "INSERT INTO review_history(household_uuid, action, state, actor, at, comments, note, audit_seq)"
          " VALUES(?,?,?,?,?,?,?,?)")
      .bind(1, r.household).bind(2, action).bind(3, r.state).bind(4, r.updatedBy).bind(5, r.updatedAt)
      .bind(6, r.comments.dump()).bind(7, r.note).bind(8, auditSeq).run();
  return r;
}

Json ReviewStore::history(const std::string& household) const {
  auto st = m_db.cached(
      "SELECT action, state, actor, at, comments, note, audit_seq FROM review_history WHERE household_uuid=?"
      " ORDER BY id");
  st.bind(1, household);
  Json out = Json::array();
  while (st.step())
    out.push_back(Json{{"action", st.text(0)}, {"state", st.text(1)}, {"by", st.text(2)}, {"at", st.text(3)},
                       {"comments", Json::parse(st.text(4))}, {"note", st.text(5)}, {"audit_seq", st.int64(6)}});
  return out;
}

std::vector<HouseholdReview> ReviewStore::changedAfter(int64_t after, size_t limit, bool allGrids,
                                                       const std::vector<std::string>& grids,
                                                       const std::string& state) const {
  std::string sql = std::string(kSelect) + " WHERE v.seq > ?";
  if (!state.empty()) sql += " AND v.state = ?";
  if (!allGrids) {
    sql += " AND h.grid IN (NULL";
    for (size_t i = 0; i < grids.size(); ++i) sql += ",?";
    sql += ")";
  }
  sql += " ORDER BY v.seq LIMIT ?";
  auto st = m_db.prepare(sql);
  int i = 1;
  st.bind(i++, after);
  if (!state.empty()) st.bind(i++, state);
  if (!allGrids)
    for (const auto& g : grids) st.bind(i++, g);
  st.bind(i, static_cast<int64_t>(limit));
  std::vector<HouseholdReview> out;
  while (st.step()) out.push_back(readReview(st));
  return out;
}

void ReviewStore::reannounce(const std::string& household) {
  m_db.cached("UPDATE reviews SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM reviews) WHERE household_uuid=?")
      .bind(1, household).run();
}

std::string ReviewStore::lastWorker(const std::string& household) const {
  auto st = m_db.cached(
      // The author of the household's newest standing field (not the server's), by receipt time: a
      // household's move copies its changes with new seqs but their own receipt times.
      "SELECT c.author FROM records r CROSS JOIN fields f ON f.record_id = r.id"
      " CROSS JOIN change_log c ON c.seq = f.seq"
      " WHERE r.household_uuid=? AND c.device<>'server' ORDER BY c.received_ms DESC, c.seq DESC LIMIT 1");
  st.bind(1, household);
  return st.step() ? st.text(0) : std::string();
}

}  // namespace syncserver
