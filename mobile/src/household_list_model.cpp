#include "household_list_model.h"

#include "display_format.h"
#include "session.h"

namespace anju {

HouseholdListModel::HouseholdListModel(QObject* parent) : QAbstractListModel(parent) {
  if (Session* session = Session::instance())
    connect(session, &Session::dataChanged, this, &HouseholdListModel::reload);
  reload();
}

int HouseholdListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QHash<int, QByteArray> HouseholdListModel::roleNames() const {
  return {{UuidRole, "uuid"},
          {HeadNameRole, "headName"},
          {AddressRole, "address"},
          {GridRole, "grid"},
          {GridNameRole, "gridName"},
          {ResidenceRole, "residence"},
          {MemberCountRole, "memberCount"},
          {MonitoringRole, "monitoring"},
          {MonitoredRole, "monitored"},
          {LastVisitRole, "lastVisit"},
          {VisitedThisMonthRole, "visitedThisMonth"},
          {DueRevisitRole, "dueRevisit"},
          {PendingChangesRole, "pendingChanges"},
          {NoticesRole, "notices"},
          {ReturnedRole, "returned"},
          {MovedAwayRole, "movedAway"}};
}

QVariant HouseholdListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const auto& h = m_rows[static_cast<size_t>(index.row())];
  const auto& household = Session::instance()->store().definition().requireRecord("household");
  auto optionLabel = [&](const char* key, const std::string& code) {
    const auto* field = household.field(key);
    return field && !code.empty() ? DisplayFormat::text(*field, code) : QString();
  };
  switch (role) {
    case UuidRole: return QString::fromStdString(h.uuid);
    case HeadNameRole: return QString::fromStdString(h.headName);
    case AddressRole: return QString::fromStdString(h.address);
    case GridRole: return QString::fromStdString(h.grid);
    case GridNameRole: return Session::instance()->gridName(QString::fromStdString(h.grid));
    case ResidenceRole: return optionLabel("residence_status", h.residenceStatus);
    case MemberCountRole: return static_cast<int>(h.memberCount);
    case MonitoringRole: return isMonitored(h) ? optionLabel("monitoring_category", h.monitoringCategory) : QString();
    case MonitoredRole: return isMonitored(h);
    case LastVisitRole: return QString::fromStdString(h.lastVisitDate);
    case VisitedThisMonthRole: return visitedThisMonth(h);
    case DueRevisitRole: return dueRevisit(h);
    case PendingChangesRole: return static_cast<int>(h.pendingChanges);
    case NoticesRole: return static_cast<int>(h.notices);
    case ReturnedRole: return h.reviewState == "returned";
    case MovedAwayRole: return movedAway(h);
    default: return {};
  }
}

void HouseholdListModel::setSearch(const QString& search) {
  if (search == m_search) return;
  m_search = search;
  emit searchChanged();
  loadMatches();
}

void HouseholdListModel::setFilter(Filter filter) {
  if (filter == m_filter) return;
  m_filter = filter;
  emit filterChanged();
  applyFilter();
}

void HouseholdListModel::setMonitoringCategory(const QString& code) {
  if (code == m_category) return;
  m_category = code;
  emit filterChanged();
  applyFilter();
}

void HouseholdListModel::setToday(QDate today) {
  m_today = today;
  reload();
}

bool HouseholdListModel::isMonitored(const synccore::HouseholdSummary& h) {
  return !h.monitoringCategory.empty() && h.monitoringCategory != "none";
}

bool HouseholdListModel::visitedThisMonth(const synccore::HouseholdSummary& h) const {
  const QDate today = m_today.isValid() ? m_today : QDate::currentDate();
  const QDate last = QDate::fromString(QString::fromStdString(h.lastVisitDate), Qt::ISODate);
  return last.isValid() && last.year() == today.year() && last.month() == today.month();
}

bool HouseholdListModel::dueRevisit(const synccore::HouseholdSummary& h) const {
  if (visitedThisMonth(h) || movedAway(h)) return false;
  // Monitored households are revisited every month; others when their last visit said so.
  if (isMonitored(h)) return true;
  const QDate today = m_today.isValid() ? m_today : QDate::currentDate();
  const QDate due = QDate::fromString(QString::fromStdString(h.nextVisitDue), Qt::ISODate);
  return due.isValid() && due <= QDate(today.year(), today.month(), today.daysInMonth());
}

bool HouseholdListModel::movedAway(const synccore::HouseholdSummary& h) const {
  return !m_scope.contains(h.grid);
}

bool HouseholdListModel::needsAttention(const synccore::HouseholdSummary& h) {
  return h.notices > 0 || h.reviewState == "returned";
}

void HouseholdListModel::reload() {
  Session* session = Session::instance();
  if (!session) return;
  m_scope = session->scope();
  const auto all = session->store().listHouseholds();
  m_households = m_people = m_visited = m_due = m_attention = 0;
  for (const auto& h : all) {
    m_attention += needsAttention(h) ? 1 : 0;  // refused edits of a moved household still need the worker
    if (movedAway(h)) continue;
    ++m_households;
    m_people += static_cast<int>(h.memberCount);
    m_visited += visitedThisMonth(h) ? 1 : 0;
    m_due += dueRevisit(h) ? 1 : 0;
  }
  emit totalsChanged();
  if (m_search.trimmed().isEmpty()) {
    m_matches = all;
    applyFilter();
  } else {
    loadMatches();
  }
}

void HouseholdListModel::loadMatches() {
  Session* session = Session::instance();
  if (!session) return;
  m_matches = session->store().listHouseholds(m_search.trimmed().toStdString());
  applyFilter();
}

bool HouseholdListModel::matchesFilter(const synccore::HouseholdSummary& h) const {
  switch (m_filter) {
    case DueRevisit: return dueRevisit(h);
    case Monitored:
      return isMonitored(h) && (m_category.isEmpty() || h.monitoringCategory == m_category.toStdString());
    case NeedsAttention: return needsAttention(h);
    case All: break;
  }
  return true;
}

void HouseholdListModel::applyFilter() {
  beginResetModel();
  m_rows.clear();
  for (const auto& h : m_matches)
    if (matchesFilter(h)) m_rows.push_back(h);
  endResetModel();
  emit countChanged();
}

}  // namespace anju
