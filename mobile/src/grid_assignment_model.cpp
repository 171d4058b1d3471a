#include "grid_assignment_model.h"

#include "display_format.h"

namespace anju {

using synccore::Json;

GridAssignmentModel::GridAssignmentModel(QObject* parent)
    : QObject(parent), m_workers({"name", "grids", "gridsText", "otherGrids"}) {}

void GridAssignmentModel::setBusy(bool busy, const QString& error) {
  m_busy = busy;
  m_error = error;
  emit busyChanged();
}

QString GridAssignmentModel::gridsText(const QStringList& codes) const {
  if (codes.isEmpty()) return tr("无");
  QStringList parts;
  for (const QString& code : codes) {
    QString name;
    for (const QVariant& g : m_grids)
      if (g.toMap().value("code").toString() == code) name = g.toMap().value("name").toString();
    parts << (name.isEmpty() || name == code ? code : tr("%1(%2)").arg(name, code));
  }
  return parts.join(tr("、"));
}

void GridAssignmentModel::reload() {
  setBusy(true);
  m_api.get("/v1/workers", {}, [this](const synccore::HttpResult& result) {
    if (!result.ok()) return setBusy(false, ServerApi::errorText(result));
    m_grids.clear();
    for (const Json& g : result.json.value("grids", Json::array()))
      if (g.is_object())
        m_grids << QVariantMap{{"code", QString::fromStdString(g.value("code", ""))},
                               {"name", QString::fromStdString(g.value("name", ""))}};
    QList<QVariantMap> rows;
    for (const Json& w : result.json.value("workers", Json::array())) {
      if (!w.is_object()) continue;
      const QStringList codes = DisplayFormat::texts(w.value("grids", Json::array()));
      rows << QVariantMap{{"name", QString::fromStdString(w.value("name", ""))},
                          {"grids", codes},
                          {"gridsText", gridsText(codes)},
                          {"otherGrids", w.value("other_grids", 0)}};
    }
    m_workers.setRows(rows);
    emit loaded();
    setBusy(false);
  });
}

void GridAssignmentModel::assign(const QString& worker, const QStringList& codes) {
  Json grids = Json::array();
  for (const QString& code : codes) grids.push_back(code.toStdString());
  setBusy(true);
  m_api.post("/v1/workers/" + worker.toStdString() + "/grids", Json{{"grids", grids}},
             [this, worker, codes](const synccore::HttpResult& result) {
               setBusy(false);
               if (!result.ok()) {
                 emit assigned(false, ServerApi::errorText(result));
                 return;
               }
               emit assigned(true, tr("%1 的网格已改为:%2。下次同步时生效。").arg(worker, gridsText(codes)));
               reload();
             });
}

}  // namespace anju
