#pragma once
// The auditor's read-only view of the conflict/audit log: entries with filters and the chain's verification.
#include "server_api.h"

#include <QAbstractListModel>
#include <QVariantMap>
#include <QtQml/qqml.h>

namespace anju {

/// Audit entries from GET /v1/audit, newest first, and whether the hash chain verified.
class AuditLogModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString from READ from WRITE setFrom NOTIFY filtersChanged)
  Q_PROPERTY(QString to READ to WRITE setTo NOTIFY filtersChanged)
  Q_PROPERTY(QString kind READ kind WRITE setKind NOTIFY filtersChanged)
  Q_PROPERTY(QString actor READ actor WRITE setActor NOTIFY filtersChanged)
  Q_PROPERTY(QString conflict READ conflict WRITE setConflict NOTIFY filtersChanged)
  Q_PROPERTY(QString grid READ grid WRITE setGrid NOTIFY filtersChanged)
  Q_PROPERTY(QString field READ field WRITE setField NOTIFY filtersChanged)
  Q_PROPERTY(QString decision READ decision WRITE setDecision NOTIFY filtersChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY busyChanged)
  Q_PROPERTY(bool chainOk READ chainOk NOTIFY countChanged)
  Q_PROPERTY(QString chainText READ chainText NOTIFY countChanged)

 public:
  enum Role { EntryRole = Qt::UserRole + 1 };
  explicit AuditLogModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override { return {{EntryRole, "entry"}}; }

  QString from() const { return m_from; }
  void setFrom(const QString& v) { setFilter(m_from, v); }
  QString to() const { return m_to; }
  void setTo(const QString& v) { setFilter(m_to, v); }
  QString kind() const { return m_kind; }
  void setKind(const QString& v) { setFilter(m_kind, v); }
  QString actor() const { return m_actor; }
  void setActor(const QString& v) { setFilter(m_actor, v); }
  QString conflict() const { return m_conflict; }
  /// One conflict's whole history (its detection and every decision).
  void setConflict(const QString& v) { setFilter(m_conflict, v); }
  QString grid() const { return m_grid; }
  void setGrid(const QString& v) { setFilter(m_grid, v); }
  QString field() const { return m_field; }
  void setField(const QString& v) { setFilter(m_field, v); }
  QString decision() const { return m_decision; }
  /// "server", "incoming", "value" (a merged value) or empty for any.
  void setDecision(const QString& v) { setFilter(m_decision, v); }
  bool busy() const { return m_busy; }
  QString errorString() const { return m_error; }
  bool chainOk() const { return m_chainOk; }
  QString chainText() const { return m_chainText; }

  Q_INVOKABLE void reload();
  /// Writes the listed entries as CSV (UTF-8 with BOM so spreadsheet programs read Chinese) to path, or to
  /// the documents folder when path is empty. Returns {ok, path, error}.
  Q_INVOKABLE QVariantMap exportCsv(const QString& path) const;

 signals:
  void filtersChanged();
  void countChanged();
  void busyChanged();

 private:
  void setFilter(QString& member, const QString& value);
  ServerApi m_api;
  QVariantMap rowFor(const synccore::Json& entry) const;
  QString m_from, m_to, m_kind, m_actor, m_conflict, m_grid, m_field, m_decision;
  bool m_busy = false;
  QString m_error;
  bool m_chainOk = false;
  QString m_chainText;
  QList<QVariantMap> m_rows;
};

}  // namespace anju
