#include "grid_tenures.h"

#include <algorithm>

namespace syncserver {

GridTenures::GridTenures(synccore::Database& db) : m_db(db) {
  const bool fresh = m_db.queryInteger("SELECT count(*) FROM sqlite_schema WHERE name='grid_tenures'") == 0;
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS grid_tenures(user_name TEXT NOT NULL, grid TEXT NOT NULL, since_ms INTEGER NOT NULL,"
      " until_ms INTEGER);"
      "CREATE INDEX IF NOT EXISTS grid_tenures_user ON grid_tenures(user_name, grid);");
  // A file from before the history: every user has held their grids since time 0.
  if (fresh)
    m_db.exec("INSERT INTO grid_tenures(user_name, grid, since_ms) SELECT u.name, g.value, 0 FROM users u, json_each(u.grids) g");
}

void GridTenures::change(const std::string& user, const std::vector<std::string>& before,
                         const std::vector<std::string>& after, int64_t nowMs) {
  const auto has = [](const std::vector<std::string>& list, const std::string& grid) {
    return std::find(list.begin(), list.end(), grid) != list.end();
  };
  for (const auto& grid : before)
    if (!has(after, grid))
      m_db.cached("UPDATE grid_tenures SET until_ms=? WHERE user_name=? AND grid=? AND until_ms IS NULL")
          .bind(1, nowMs).bind(2, user).bind(3, grid).run();
  for (const auto& grid : after)
    if (!has(before, grid))
      m_db.cached("INSERT INTO grid_tenures(user_name, grid, since_ms) VALUES(?,?,?)")
          .bind(1, user).bind(2, grid).bind(3, nowMs).run();
}

bool GridTenures::heldDuring(const std::string& user, const std::string& grid, int64_t sinceMs, int64_t untilMs,
                             int64_t byMs) const {
  // The two spans overlap, and the overlap has begun by `byMs`.
  auto st = m_db.cached(
      "SELECT 1 FROM grid_tenures WHERE user_name=?1 AND grid=?2"
      " AND max(since_ms, ?3) < min(coalesce(until_ms, ?4), ?4) AND max(since_ms, ?3) <= ?5");
  st.bind(1, user).bind(2, grid).bind(3, sinceMs).bind(4, untilMs).bind(5, byMs);
  return st.step();
}

}  // namespace syncserver
