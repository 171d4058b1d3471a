#include "variant_list_model.h"

namespace anju {

VariantListModel::VariantListModel(QList<QByteArray> roles, QObject* parent)
    : QAbstractListModel(parent), m_roles(std::move(roles)) {}

int VariantListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant VariantListModel::data(const QModelIndex& index, int role) const {
  const int column = role - Qt::UserRole - 1;
  if (!index.isValid() || index.row() >= m_rows.size() || column < 0 || column >= m_roles.size()) return {};
  return m_rows[index.row()].value(QString::fromLatin1(m_roles[column]));
}

QHash<int, QByteArray> VariantListModel::roleNames() const {
  QHash<int, QByteArray> names;
  for (int i = 0; i < m_roles.size(); ++i) names.insert(Qt::UserRole + 1 + i, m_roles[i]);
  return names;
}

void VariantListModel::setRows(QList<QVariantMap> rows) {
  const bool countChanges = rows.size() != m_rows.size();
  beginResetModel();
  m_rows = std::move(rows);
  endResetModel();
  if (countChanges) emit countChanged();
}

}  // namespace anju
