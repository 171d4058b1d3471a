#pragma once
// The supervisor's conflict inbox: conflicts of their community from the server, filtered, and decided.
#include "server_api.h"

#include <QAbstractListModel>
#include <QVariantMap>
#include <QtQml/qqml.h>

namespace anju {

/// Conflicts listed by the server (GET /v1/conflicts) as rows with both sides side by side.
class ConflictInboxModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString status READ status WRITE setStatus NOTIFY filtersChanged)
  Q_PROPERTY(QString grid READ grid WRITE setGrid NOTIFY filtersChanged)
  Q_PROPERTY(QString kind READ kind WRITE setKind NOTIFY filtersChanged)
  Q_PROPERTY(QString field READ field WRITE setField NOTIFY filtersChanged)
  Q_PROPERTY(QString household READ household WRITE setHousehold NOTIFY filtersChanged)
  Q_PROPERTY(int olderThanDays READ olderThanDays WRITE setOlderThanDays NOTIFY filtersChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY busyChanged)

 public:
  enum Role { ConflictRole = Qt::UserRole + 1 };
  explicit ConflictInboxModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override { return {{ConflictRole, "conflict"}}; }

  QString status() const { return m_status; }
  void setStatus(const QString& v) { setFilter(m_status, v); }
  QString grid() const { return m_grid; }
  void setGrid(const QString& v) { setFilter(m_grid, v); }
  QString kind() const { return m_kind; }
  void setKind(const QString& v) { setFilter(m_kind, v); }
  QString field() const { return m_field; }
  void setField(const QString& v) { setFilter(m_field, v); }
  QString household() const { return m_household; }
  void setHousehold(const QString& v) { setFilter(m_household, v); }
  int olderThanDays() const { return m_olderThanDays; }
  void setOlderThanDays(int days);
  bool busy() const { return m_busy; }
  QString errorString() const { return m_error; }

  Q_INVOKABLE void reload();
  /// Decides one conflict: take "local" (the server's value), "remote" (the reported one), "restore" or
  /// "confirm_delete", or a merged value typed as text, with a reason.
  /// The answer arrives as resolved(); afterwards the list reloads and a sync fetches the decision.
  Q_INVOKABLE void resolve(const QString& conflictId, const QString& take, const QString& valueText,
                           const QString& reason);
  /// Takes ("remote") or leaves ("local") an edit passed to the community together with every other
  /// listed open one of the same record (a visit recorded after its household left the worker).
  Q_INVOKABLE void resolveWholeRecord(const QString& conflictId, const QString& take, const QString& reason);
  /// How many other listed open edits passed to the community belong to that conflict's record.
  Q_INVOKABLE int otherForwardedOfRecord(const QString& conflictId) const;
  /// Merges the two persons of a duplicate_person conflict: keep "local" (registered first) or "remote",
  /// optionally joining the duplicate's household into the kept one.
  Q_INVOKABLE void merge(const QString& conflictId, const QString& keep, bool mergeHouseholds, const QString& reason);

 signals:
  void filtersChanged();
  void countChanged();
  void busyChanged();
  void resolved(bool ok, const QString& message);

 private:
  void setFilter(QString& member, const QString& value);
  void setBusy(bool busy, const QString& error = {});
  void decide(const QString& conflictId, const char* action, const synccore::Json& body);
  QVariantMap rowFor(const synccore::Json& conflict) const;
  /// Rows from the last answer, with household names and labels as the device store knows them now.
  void rebuildRows();

  ServerApi m_api;
  QString m_status = QStringLiteral("open"), m_grid, m_kind, m_field, m_household;
  int m_olderThanDays = 0;
  bool m_busy = false;
  QString m_error;
  synccore::Json m_conflicts = synccore::Json::array();  // the server's last answer
  QList<QVariantMap> m_rows;
};

}  // namespace anju
