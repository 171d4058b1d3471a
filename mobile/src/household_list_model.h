#pragma once
// "My households": the worker's households with search, filters and the counts on top.
#include "synccore/device_store.h"

#include <QAbstractListModel>
#include <QDate>
#include <QtQml/qqml.h>

namespace anju {

/// The household list: search by name, ID number or address; filters; totals over all households.
class HouseholdListModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
  Q_PROPERTY(Filter filter READ filter WRITE setFilter NOTIFY filterChanged)
  Q_PROPERTY(QString monitoringCategory READ monitoringCategory WRITE setMonitoringCategory NOTIFY filterChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(int households READ households NOTIFY totalsChanged)
  Q_PROPERTY(int people READ people NOTIFY totalsChanged)
  Q_PROPERTY(int visitedThisMonth READ visitedThisMonth NOTIFY totalsChanged)
  Q_PROPERTY(int dueThisMonth READ dueThisMonth NOTIFY totalsChanged)
  Q_PROPERTY(int needingAttention READ needingAttention NOTIFY totalsChanged)

 public:
  enum Filter { All, DueRevisit, Monitored, NeedsAttention };
  Q_ENUM(Filter)
  enum Role {
    UuidRole = Qt::UserRole + 1,
    HeadNameRole,
    AddressRole,
    GridRole,
    GridNameRole,  // the grid's name, or its code when unnamed
    ResidenceRole,
    MemberCountRole,
    MonitoringRole,
    MonitoredRole,
    LastVisitRole,
    VisitedThisMonthRole,
    DueRevisitRole,
    PendingChangesRole,
    NoticesRole,
    ReturnedRole,
    MovedAwayRole,
  };

  explicit HouseholdListModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  QString search() const { return m_search; }
  void setSearch(const QString& search);
  Filter filter() const { return m_filter; }
  void setFilter(Filter filter);
  QString monitoringCategory() const { return m_category; }
  /// With the Monitored filter: one category code, or empty for every monitored household.
  void setMonitoringCategory(const QString& code);
  /// Totals over the households of the user's grids (moved-away ones left out).
  int households() const { return m_households; }
  int people() const { return m_people; }
  int visitedThisMonth() const { return m_visited; }
  int dueThisMonth() const { return m_due; }
  int needingAttention() const { return m_attention; }

  /// Re-reads the store (called when stored data changed).
  Q_INVOKABLE void reload();
  /// The day "this month" is judged by (today unless a test sets it).
  void setToday(QDate today);

  static bool isMonitored(const synccore::HouseholdSummary& h);
  bool visitedThisMonth(const synccore::HouseholdSummary& h) const;
  bool dueRevisit(const synccore::HouseholdSummary& h) const;
  static bool needsAttention(const synccore::HouseholdSummary& h);
  /// The household moved to a grid the signed-in user does not cover (a supervisor reassigned it):
  /// still listed, with a notice, but no longer counted or due.
  bool movedAway(const synccore::HouseholdSummary& h) const;

 signals:
  void searchChanged();
  void filterChanged();
  void countChanged();
  void totalsChanged();

 private:
  /// Runs the search (the whole list when it is empty) and applies the filter.
  void loadMatches();
  void applyFilter();
  bool matchesFilter(const synccore::HouseholdSummary& h) const;

  QString m_search;
  Filter m_filter = All;
  QString m_category;
  QDate m_today;
  synccore::GridScope m_scope;  // the households the signed-in user sees
  std::vector<synccore::HouseholdSummary> m_matches;  // search results, before the filter
  std::vector<synccore::HouseholdSummary> m_rows;
  int m_households = 0, m_people = 0, m_visited = 0, m_due = 0, m_attention = 0;
};

}  // namespace anju
