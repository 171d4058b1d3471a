#pragma once
// The supervisor's grid assignment: the community's workers and grids (GET /v1/workers), and a
// worker's grids changed (POST /v1/workers/<name>/grids).
#include "server_api.h"
#include "variant_list_model.h"

#include <QObject>
#include <QStringList>
#include <QVariantList>
#include <QtQml/qqml.h>

namespace anju {

/// Workers with the grids of this community they hold (codes, and "name (code)" text), the grids a
/// supervisor may give, and the change of one worker's grids with its outcome in plain words.
class GridAssignmentModel : public QObject {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(VariantListModel* workers READ workers CONSTANT)
  Q_PROPERTY(QVariantList grids READ grids NOTIFY loaded)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY busyChanged)

 public:
  explicit GridAssignmentModel(QObject* parent = nullptr);
  VariantListModel* workers() { return &m_workers; }
  QVariantList grids() const { return m_grids; }
  bool busy() const { return m_busy; }
  QString errorString() const { return m_error; }

  Q_INVOKABLE void reload();
  /// Gives `worker` exactly these grids of the community; assigned(ok, message) follows, then a reload.
  Q_INVOKABLE void assign(const QString& worker, const QStringList& codes);

 signals:
  void loaded();
  void busyChanged();
  void assigned(bool ok, const QString& message);

 private:
  void setBusy(bool busy, const QString& error = {});
  /// "玉泉一区(G01)、G02" for codes, with the names the server gave; "无" for none.
  QString gridsText(const QStringList& codes) const;
  ServerApi m_api;
  VariantListModel m_workers;
  QVariantList m_grids;
  bool m_busy = false;
  QString m_error;
};

}  // namespace anju
