// DeviceStore's part of keeping only the households of the signed-in user's grids: the grids the
// pulled records cover, a full pull when the user sees more, and removal of households they no
// longer see (docs/device-store.md, "Grids of the signed-in user").
#include "synccore/device_store.h"

namespace synccore {

namespace {
constexpr const char* kPulledScopeKey = "pulled_scope";
constexpr const char* kOwnChangesKey = "pull_own_changes";
}  // namespace

std::optional<GridScope> DeviceStore::pulledScope() const {
  std::lock_guard lock(m_mutex);
  return GridScope::fromJson(Json::parse(metaGet(kPulledScopeKey), nullptr, false));
}

void DeviceStore::setPulledScope(const GridScope& scope) {
  std::lock_guard lock(m_mutex);
  const std::string text = scope.toJson().dump();
  const bool fullPull = !metaGet(kOwnChangesKey).empty();
  if (metaGet(kPulledScopeKey) == text && !fullPull) return;  // most syncs: nothing to write
  Transaction tx(*m_db);
  metaSet(kPulledScopeKey, text);
  if (fullPull) m_db->cached("DELETE FROM meta WHERE key=?").bind(1, std::string(kOwnChangesKey)).run();
  tx.commit();
}

void DeviceStore::restartPull(const GridScope& scope) {
  std::lock_guard lock(m_mutex);
  Transaction tx(*m_db);
  metaSet("pull_cursor", "0");
  metaSet("review_cursor", "0");
  metaSet(kOwnChangesKey, "1");
  metaSet(kPulledScopeKey, scope.toJson().dump());
  tx.commit();
}

bool DeviceStore::pullsOwnChanges() const {
  std::lock_guard lock(m_mutex);
  return metaGet(kOwnChangesKey) == "1";
}

size_t DeviceStore::removeHouseholdsOutside(const GridScope& scope) {
  if (scope.allGrids) return 0;
  std::lock_guard lock(m_mutex);
  Transaction tx(*m_db);
  size_t removed = 0;
  for (const RecordTypeDef& top : m_definition.records()) {
    if (!top.parent.empty() || !top.field("grid")) continue;
    const std::string table = quoteIdentifier(top.type);
    // The household and its members and visits, by uuid (a notice names the record it is about).
    std::string records = "SELECT h.uuid";
    for (const RecordTypeDef& child : m_definition.records())
      if (child.parent == top.type)
        records += " UNION ALL SELECT uuid FROM " + quoteIdentifier(child.type) + " WHERE parent_uuid=h.uuid";
    // A household without a grid is one the device knows only in part: no grid says it is another's.
    // A notice (a refused value, a conflict) stays on the household's page until the worker dismisses it.
    auto candidates = m_db->prepare(
        "SELECT h.uuid, h.grid FROM " + table + " h WHERE h.grid IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_uuid=h.uuid OR o.parent_uuid=h.uuid)"
        " AND NOT EXISTS (SELECT 1 FROM household_reviews r WHERE r.household_uuid=h.uuid AND r.resubmit_pending=1)"
        " AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.record_uuid IN (" + records + "))");
    std::vector<std::string> leaving;
    while (candidates.step())
      if (!scope.contains(candidates.text(1))) leaving.push_back(candidates.text(0));
    for (const std::string& uuid : leaving) {
      for (const RecordTypeDef& child : m_definition.records())
        if (child.parent == top.type)
          m_db->cached("DELETE FROM " + quoteIdentifier(child.type) + " WHERE parent_uuid=?").bind(1, uuid).run();
      m_db->cached("DELETE FROM " + table + " WHERE uuid=?").bind(1, uuid).run();
      m_db->cached("DELETE FROM household_reviews WHERE household_uuid=?").bind(1, uuid).run();
      ++removed;
    }
  }
  tx.commit();
  return removed;
}

}  // namespace synccore
