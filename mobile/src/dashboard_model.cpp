#include "dashboard_model.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace anju {

using synccore::Json;

DashboardModel::DashboardModel(QObject* parent)
    : QObject(parent),
      m_grids({"grid", "gridName", "households", "people", "visited", "visitedPct", "monitored", "overdue", "labourHouseholds",
               "stableWork", "stableWorkPct", "openConflicts"}) {}

QVariantMap DashboardModel::rowFor(const Json& g) {
  auto number = [&](const char* key) -> QVariant {
    const Json v = g.value(key, Json());
    return v.is_number() ? QVariant(v.get<double>()) : QVariant();
  };
  const std::string grid = g.value("grid", "");
  return {{"grid", QString::fromStdString(grid)},
          {"gridName", QString::fromStdString(g.value("grid_name", grid))},  // servers before names: the code
          {"households", number("households")},
          {"people", number("people")},
          {"visited", number("visited_this_month")},
          {"visitedPct", number("visited_this_month_pct")},
          {"monitored", number("monitored")},
          {"overdue", number("monitored_overdue")},
          {"labourHouseholds", number("labour_households")},
          {"stableWork", number("stable_work_households")},
          {"stableWorkPct", number("stable_work_pct")},
          {"openConflicts", number("open_conflicts")}};
}

QVariantList DashboardModel::column(const QString& key) const {
  QVariantList out;
  for (const auto& row : m_grids.rows()) out << row.value(key);
  return out;
}

void DashboardModel::reload() {
  m_busy = true;
  emit busyChanged();
  m_api.get("/v1/dashboard", {{"format", "json"}}, [this](const synccore::HttpResult& result) {
    m_busy = false;
    m_error = result.ok() ? QString() : ServerApi::errorText(result);
    if (result.ok()) {
      QList<QVariantMap> rows;
      for (const auto& g : result.json.value("grids", Json::array())) rows << rowFor(g);
      m_grids.setRows(rows);
      m_community = rowFor(result.json.value("community", Json::object()));
      m_month = QString::fromStdString(result.json.value("month", ""));
      emit loaded();
    }
    emit busyChanged();
  });
}

void DashboardModel::exportAs(const QString& format) {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  const QString path = dir + QStringLiteral("/anju-dashboard-%1.%2").arg(QDate::currentDate().toString(Qt::ISODate), format);
  m_api.download("/v1/dashboard", {{"format", format.toStdString()}}, [this, dir, path](const synccore::HttpResult& result) {
    if (!result.ok()) {
      emit exported(false, ServerApi::errorText(result));
      return;
    }
    QDir().mkpath(dir);
    QFile file(path);
    const bool ok = file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                    file.write(result.body.data(), static_cast<qint64>(result.body.size())) ==
                        static_cast<qint64>(result.body.size());
    emit exported(ok, ok ? path : tr("无法写入 %1").arg(path));
  });
}

}  // namespace anju
