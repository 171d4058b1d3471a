// App benchmark (JSON on stdout): start to a usable household list with 2,000 households, and
// filtering / searching 10,000 households in the list model. Runs offscreen; not a timed test.
#include "household_list_model.h"
#include "synccore/sqlite.h"
#include "language.h"
#include "session.h"
#include "sync_controller.h"

#include "../tests/e2e/crash_workload.h"
#include "synccore/password_hash.h"
#include "synccore/random_id.h"

#include <QDir>
#include <QElapsedTimer>
#include <QApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

Q_IMPORT_QML_PLUGIN(Anju_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Anju_UiPlugin)

namespace {

using Json = nlohmann::json;

/// Fills a device file with n households (household + head, as the crash test's workload) and a
/// signed-in worker whose password is "bench".
void fillStore(const QString& path, int households) {
  synccore::DeviceStore store(path.toStdString());
  for (int n = 0; n < households; n += 100) {
    std::vector<synccore::RecordWrite> writes;
    for (int i = n; i < std::min(households, n + 100); ++i) {
      const std::string uuid = synccore::newUuid();
      writes.push_back({"household", uuid, "", crashtest::householdFor(i), false, true});
      writes.push_back({"person", "", uuid, crashtest::headFor(i), false, false});
    }
    if (!store.save(writes).ok()) throw std::runtime_error("fill failed");
  }
  store.setSetting("token", "bench-token", true);
  store.setSetting("user", "bench");
  store.setSetting("unlock_verifier", synccore::hashPassword("bench"), true);
}

Json stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<size_t>(q * (ms.size() - 1))]; };
  return Json{{"p50_ms", at(0.5)}, {"p95_ms", at(0.95)}, {"max_ms", ms.back()}, {"n", ms.size()}};
}

/// Start of the UI on an unlocked store to the first frame showing the filled list.
double startToList(const QString& db) {
  QElapsedTimer timer;
  timer.start();
  anju::Session session(db, {});
  anju::SyncController sync(session);
  session.unlock(QStringLiteral("bench"));
  QQmlApplicationEngine engine;
  engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
  engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Anju/Ui/Main.qml")));
  auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
  bool shown = false;
  QObject::connect(window, &QQuickWindow::frameSwapped, [&] {
    auto* list = window->findChild<QObject*>(QStringLiteral("householdListView"));
    shown = list && list->property("count").toInt() > 0;
  });
  while (!shown) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
  return timer.nsecsElapsed() / 1e6;
}

}  // namespace

int main(int argc, char* argv[]) {
  synccore::configureSqliteProcess();  // as Anju's programs run (and raw SQLite alike)
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);  // QtCharts (the dashboard) needs a QApplication
  QQuickStyle::setStyle(QStringLiteral("Basic"));
  const bool quick = app.arguments().contains(QStringLiteral("--quick"));
  const int listHouseholds = quick ? 200 : 2000, filterHouseholds = quick ? 500 : 10000, runs = quick ? 2 : 5;
  QTemporaryDir dir;
  anju::Language::instance();

  std::fprintf(stderr, "filling %d and %d households...\n", listHouseholds, filterHouseholds);
  const QString small = dir.filePath(QStringLiteral("list.db")), large = dir.filePath(QStringLiteral("filter.db"));
  fillStore(small, listHouseholds);
  fillStore(large, filterHouseholds);

  std::vector<double> start;
  for (int r = 0; r < runs; ++r) start.push_back(startToList(small));

  anju::Session session(large, {});
  session.unlock(QStringLiteral("bench"));
  anju::HouseholdListModel model;
  std::vector<double> filter, search, reload;
  const QString searches[] = {QStringLiteral("户主12"), QStringLiteral("玉泉家园77"),
                              QString::fromStdString(crashtest::idNumberFor(filterHouseholds / 2))};
  int lastCount = 0;
  for (int r = 0; r < runs; ++r) {
    for (auto f : {anju::HouseholdListModel::DueRevisit, anju::HouseholdListModel::Monitored,
                   anju::HouseholdListModel::All}) {
      QElapsedTimer t;
      t.start();
      model.setFilter(f);
      filter.push_back(t.nsecsElapsed() / 1e6);
    }
    for (const auto& text : searches) {
      QElapsedTimer t;
      t.start();
      model.setSearch(text);
      search.push_back(t.nsecsElapsed() / 1e6);
      lastCount = model.rowCount();
    }
    model.setSearch({});
    QElapsedTimer t;
    t.start();
    model.reload();
    reload.push_back(t.nsecsElapsed() / 1e6);
  }
  std::string cpu;
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) { cpu = line.substr(line.find(':') + 2); break; }
  Json out{{"benchmark", "app"},
           {"machine", {{"cpu", cpu}, {"qt", qVersion()}, {"platform", "offscreen"}}},
           {"start_to_list", {{"households", listHouseholds}, {"runs", stats(start)}}},
           {"list_model", {{"households", filterHouseholds},
                           {"filter", stats(filter)},
                           {"search_name_address_id", stats(search)},
                           {"reload_after_sync", stats(reload)},
                           {"id_search_hits", lastCount}}}};
  std::printf("%s\n", out.dump(2).c_str());
  return lastCount == 1 ? 0 : 1;
}
