#pragma once
// A small read-only list model over maps, for short lists (members, visits, notices) with named roles.
#include <QAbstractListModel>
#include <QVariantMap>
#include <QtQml/qqml.h>

namespace anju {

/// Rows are QVariantMaps; the role names are fixed at construction and read from each map.
class VariantListModel : public QAbstractListModel {
  Q_OBJECT
  QML_ANONYMOUS
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  explicit VariantListModel(QList<QByteArray> roles, QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  void setRows(QList<QVariantMap> rows);
  const QList<QVariantMap>& rows() const { return m_rows; }

 signals:
  void countChanged();

 private:
  QList<QByteArray> m_roles;
  QList<QVariantMap> m_rows;
};

}  // namespace anju
