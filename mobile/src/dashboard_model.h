#pragma once
// The supervisor's dashboard: the indicators per grid and for the community, from GET /v1/dashboard.
#include "server_api.h"
#include "variant_list_model.h"

#include <QObject>
#include <QVariantMap>
#include <QtQml/qqml.h>

namespace anju {

/// Per-grid figures (households, people, visited this month, overdue monitored households, stable work,
/// open conflicts) and their export to CSV or XLSX.
class DashboardModel : public QObject {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(VariantListModel* grids READ grids CONSTANT)
  Q_PROPERTY(QVariantMap community READ community NOTIFY loaded)
  Q_PROPERTY(QString month READ month NOTIFY loaded)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY busyChanged)

 public:
  explicit DashboardModel(QObject* parent = nullptr);
  VariantListModel* grids() { return &m_grids; }
  QVariantMap community() const { return m_community; }
  QString month() const { return m_month; }
  bool busy() const { return m_busy; }
  QString errorString() const { return m_error; }

  Q_INVOKABLE void reload();
  /// One figure for every grid, in grid order (for charts); null where the server gave none.
  Q_INVOKABLE QVariantList column(const QString& key) const;
  /// Downloads the table as "csv" or "xlsx" into the documents folder; exported(ok, pathOrError) follows.
  Q_INVOKABLE void exportAs(const QString& format);

 signals:
  void loaded();
  void busyChanged();
  void exported(bool ok, const QString& message);

 private:
  static QVariantMap rowFor(const synccore::Json& grid);
  ServerApi m_api;
  VariantListModel m_grids;
  QVariantMap m_community;
  QString m_month;
  bool m_busy = false;
  QString m_error;
};

}  // namespace anju
