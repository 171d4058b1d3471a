// Renders each main screen of the app offscreen to PNG (docs/screenshots): sign-in, list, household
// file, form with a validation message, visit, sync in progress, conflict shown. Drives the real UI
// against a real server; see scripts/screenshots.sh.
#include "language.h"
#include "session.h"
#include "sync_controller.h"

#include <QCommandLineParser>
#include <QDate>
#include <QDir>
#include <QElapsedTimer>
#include <QFont>
#include <QApplication>
#include <QQmlApplicationEngine>
#include <QAbstractItemModel>
#include <QQmlProperty>
#include <QQuickItem>
#include <QQuickStyle>
#include <QProcess>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>
#include <functional>

Q_IMPORT_QML_PLUGIN(Anju_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Anju_UiPlugin)

namespace {

/// Steps through the app's screens and saves a picture of each.
class Tour {
 public:
  Tour(QQuickWindow* window, QString outDir) : m_window(window), m_out(std::move(outDir)) {}

  bool waitFor(const std::function<bool()>& ready, int timeoutMs = 30000) {
    QElapsedTimer timer;
    timer.start();
    while (!ready()) {
      if (timer.elapsed() > timeoutMs) return false;
      QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
  }

  void settle(int ms = 400) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  }

  bool shoot(const QString& name, bool settleFirst = true) {
    if (settleFirst) settle();
    const QString path = m_out + QLatin1Char('/') + name + QStringLiteral(".png");
    const bool ok = m_window->grabWindow().save(path);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(path));
    return ok;
  }

  QObject* find(const char* objectName) { return m_window->findChild<QObject*>(QString::fromLatin1(objectName)); }

 private:
  QQuickWindow* m_window;
  QString m_out;
};

int fail(const char* what) {
  std::fprintf(stderr, "tour failed: %s\n", what);
  return 1;
}

}  // namespace

int main(int argc, char* argv[]) {
  QApplication app(argc, argv);  // QtCharts (the dashboard) needs a QApplication
  QGuiApplication::setOrganizationName(QStringLiteral("AnjuTour"));
  QGuiApplication::setFont(QFont(QStringList{QStringLiteral("Noto Sans CJK SC"), QStringLiteral("Noto Sans")}));
  QQuickStyle::setStyle(QStringLiteral("Basic"));
  QCommandLineParser parser;
  parser.addHelpOption();
  parser.addOptions({{"db", "device store", "FILE"},
                     {"server", "server URL", "URL"},
                     {"user", "worker", "NAME"},
                     {"password", "password (test accounts only)", "TEXT"},
                     {"mode", "worker (default), supervisor, auditor or clock (a tablet whose date is wrong)", "MODE"},
                     {"clock-offset-ms", "the tablet's clock against the system's (mode clock)", "MS"},
                     {"conflict-household", "the household whose address another device changes", "UUID"},
                     {"other-device", "command run after the first sync: another device changes that address", "CMD"},
                     {"moved-household", "a household the other device's command moves out of the worker's grids", "UUID"},
                     {"out", "directory for the PNG files", "DIR"}});
  parser.process(app);
  QDir().mkpath(parser.value("out"));

  anju::Language::instance();
  synccore::DeviceStore::Options storeOptions;
  if (parser.isSet("clock-offset-ms"))
    storeOptions.wallClock = synccore::HybridClock::offsetWall(parser.value("clock-offset-ms").toLongLong());
  anju::Session session(parser.value("db"), parser.value("server"), nullptr, std::move(storeOptions));
  anju::SyncController sync(session);
  QQmlApplicationEngine engine;
  engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
  engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Anju/Ui/Main.qml")));
  if (engine.rootObjects().isEmpty()) return fail("UI did not load");
  auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
  Tour tour(window, parser.value("out"));

  // 1. Sign-in, filled in as a worker would.
  QQmlProperty::write(tour.find("userField"), "text", parser.value("user"));
  QQmlProperty::write(tour.find("passwordField"), "text", parser.value("password"));
  if (!tour.shoot("01-sign-in")) return 1;

  // 2. Sign in online; the first sync brings the worker's households.
  session.signIn(parser.value("server"), parser.value("user"), parser.value("password"));
  if (!tour.waitFor([&] { return session.state() == anju::Session::Unlocked; })) return fail("sign-in");
  const QString mode = parser.value("mode");
  const bool holdsFiles = mode != QLatin1String("auditor");
  if (!tour.waitFor([&] { return sync.state() == anju::SyncController::Idle && (!holdsFiles || sync.lastSyncAt().isValid()); },
                    120000))
    return fail("first sync");
  tour.settle(800);
  if (mode == QLatin1String("supervisor")) {
    // The conflict inbox with an open conflict of one kind selected.
    QQmlProperty::write(tour.find("roleTabs"), "currentIndex", 1);
    QObject* inboxPage = tour.find("conflictInbox");
    auto* inbox = inboxPage ? inboxPage->findChild<QAbstractItemModel*>() : nullptr;
    const auto select = [&](const QString& kind, const QString& recordType = {}) {
      for (int row = 0; inbox && row < inbox->rowCount(); ++row) {
        const QVariant conflict = inbox->data(inbox->index(row, 0), Qt::UserRole + 1);
        if (conflict.toMap().value(QStringLiteral("kind")).toString() != kind) continue;
        if (!recordType.isEmpty() && conflict.toMap().value(QStringLiteral("recordType")).toString() != recordType) continue;
        QQmlProperty::write(inboxPage, "current", conflict);
        return true;
      }
      return false;
    };
    if (!inbox || !tour.waitFor([&] { return inbox->rowCount() > 1; })) return fail("no open conflicts in the inbox");
    if (!select(QStringLiteral("concurrent_edit"))) return fail("no concurrent edit in the inbox");
    QQmlProperty::write(tour.find("reasonField"), "text", QStringLiteral("已电话核实户主,以门牌为准"));
    if (!tour.shoot("10-conflict-inbox")) return 1;
    // 18. The worker's visit to the household moved to G03, passed to the community instead of lost:
    // one of its fields, to be taken with the rest of the visit.
    if (!select(QStringLiteral("out_of_scope"), QStringLiteral("visit"))) return fail("no forwarded visit in the inbox");
    QQmlProperty::write(tour.find("reasonField"), "text", QStringLiteral("已与新网格员核实,走访属实"));
    if (!tour.shoot("18-forwarded-edit")) return 1;
    // The dashboard: indicators per grid, as a chart and a table.
    QQmlProperty::write(tour.find("roleTabs"), "currentIndex", 2);
    QObject* chart = nullptr;
    if (!tour.waitFor([&] { return (chart = tour.find("dashboardChart")) != nullptr; })) return fail("no dashboard");
    tour.settle(1500);
    if (!tour.shoot("12-dashboard")) return 1;
    // Grid assignment: the community's workers with their grids, one of them opened for a change.
    QQmlProperty::write(tour.find("roleTabs"), "currentIndex", 3);
    QObject* workers = nullptr;
    if (!tour.waitFor([&] { return (workers = tour.find("workerList")) && workers->property("count").toInt() > 1; }))
      return fail("no workers to assign");
    tour.settle(500);
    const QStringList worker02Grids{QStringLiteral("G03"), QStringLiteral("G04")};
    if (QObject* page = tour.find("gridAssignmentPage"))
      QMetaObject::invokeMethod(page, "edit", Q_ARG(QVariant, QStringLiteral("worker02")), Q_ARG(QVariant, worker02Grids));
    tour.settle(500);
    if (!tour.shoot("16-grid-assignment")) return 1;
    // A household file as the supervisor sees it: return it to the worker with a comment, or approve.
    QQmlProperty::write(tour.find("roleTabs"), "currentIndex", 0);
    const auto list = session.store().listHouseholds();
    if (list.empty()) return fail("the supervisor has no households");
    QMetaObject::invokeMethod(tour.find("workspace"), "openHousehold",
                              Q_ARG(QVariant, QString::fromStdString(list.front().uuid)));
    tour.settle(800);
    QQmlProperty::write(tour.find("commentText"), "text", QStringLiteral("门牌号与实际不符,请核实"));
    return tour.shoot("13-supervisor-review") ? 0 : 1;
  }
  if (mode == QLatin1String("clock")) {
    // 17. The first sync found the tablet's clock off: the result says so, and the bar keeps saying it.
    if (sync.clockWarning().isEmpty()) return fail("no clock warning after the sync");
    return tour.shoot("17-clock-warning", false) ? 0 : 1;
  }
  if (mode == QLatin1String("auditor")) {
    QObject* auditList = tour.find("auditList");
    if (!auditList || !tour.waitFor([&] { return auditList->property("count").toInt() > 0; }))
      return fail("the audit log stayed empty");
    return tour.shoot("11-audit-log") ? 0 : 1;
  }
  if (!tour.shoot("02-household-list")) return 1;
  if (parser.isSet("other-device") &&
      QProcess::execute(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), parser.value("other-device")}) != 0)
    return fail("the other device's command");

  // 3. A household file: the one another device changed, else the first in the list.
  QObject* workspace = tour.find("workspace");
  if (!workspace) return fail("workspace");
  QString household = parser.value("conflict-household");
  if (household.isEmpty()) {
    const auto list = session.store().listHouseholds();
    if (list.empty()) return fail("no households were pulled");
    household = QString::fromStdString(list.front().uuid);
  }
  QMetaObject::invokeMethod(workspace, "openHousehold", Q_ARG(QVariant, household));
  if (!tour.shoot("03-household-file")) return 1;

  // 4. A new member with a mistyped ID number: the message appears under the question.
  QVariant formPage;
  QMetaObject::invokeMethod(workspace, "openForm", Q_RETURN_ARG(QVariant, formPage), Q_ARG(QVariant, "person"),
                            Q_ARG(QVariant, ""), Q_ARG(QVariant, household), Q_ARG(QVariant, ""));
  QObject* form = qvariant_cast<QObject*>(formPage)->property("form").value<QObject*>();
  QMetaObject::invokeMethod(form, "setText", Q_ARG(QString, "name"), Q_ARG(QString, "马小花"));
  QMetaObject::invokeMethod(form, "setText", Q_ARG(QString, "id_number"), Q_ARG(QString, "64010419920315002"));
  QMetaObject::invokeMethod(form, "setChoice", Q_ARG(QString, "relation"), Q_ARG(QString, "child"));
  if (!tour.shoot("04-form-validation")) return 1;
  QMetaObject::invokeMethod(qvariant_cast<QObject*>(formPage), "done", Q_ARG(QString, ""));

  // 5. Logging a visit: date defaults to today.
  QMetaObject::invokeMethod(workspace, "openForm", Q_RETURN_ARG(QVariant, formPage), Q_ARG(QVariant, "visit"),
                            Q_ARG(QVariant, ""), Q_ARG(QVariant, household), Q_ARG(QVariant, ""));
  form = qvariant_cast<QObject*>(formPage)->property("form").value<QObject*>();
  QMetaObject::invokeMethod(form, "setText", Q_ARG(QString, "met"), Q_ARG(QString, "户主及配偶"));
  QMetaObject::invokeMethod(form, "setText", Q_ARG(QString, "notes"), Q_ARG(QString, "家中一切正常,长子已在银川务工"));
  QMetaObject::invokeMethod(form, "setText", Q_ARG(QString, "problems"), Q_ARG(QString, "希望参加电焊技能培训"));
  if (!tour.shoot("05-visit")) return 1;
  QString saved;
  QMetaObject::invokeMethod(form, "save", Q_RETURN_ARG(QString, saved));
  if (saved.isEmpty()) return fail("visit not saved");
  QMetaObject::invokeMethod(qvariant_cast<QObject*>(formPage), "done", Q_ARG(QString, saved));

  // 6. The same field another device already changed: edit the address (a field supervisors review), then sync.
  QMetaObject::invokeMethod(workspace, "openForm", Q_RETURN_ARG(QVariant, formPage), Q_ARG(QVariant, "household"),
                            Q_ARG(QVariant, household), Q_ARG(QVariant, ""), Q_ARG(QVariant, "basic"));
  form = qvariant_cast<QObject*>(formPage)->property("form").value<QObject*>();
  const auto stored = session.store().load(household.toStdString());
  const QString address = QString::fromStdString(stored->values.at("address").get<std::string>());
  QMetaObject::invokeMethod(form, "setText", Q_ARG(QString, "address"), Q_ARG(QString, address + "(东户)"));
  QMetaObject::invokeMethod(form, "save", Q_RETURN_ARG(QString, saved));
  if (saved.isEmpty()) return fail("address not saved");
  QMetaObject::invokeMethod(qvariant_cast<QObject*>(formPage), "done", Q_ARG(QString, saved));
  // The worker also corrected the household a supervisor has just moved out of their grids (the tablet
  // does not know yet): the server refuses that edit and passes it to the community (screenshot 18), and
  // the household stays on the tablet, read only, with a notice saying so until the worker has read it
  // (screenshots 14 and 15).
  if (parser.isSet("moved-household")) {
    const std::string moved = parser.value("moved-household").toStdString();
    const std::string today = QDate::currentDate().toString(Qt::ISODate).toStdString();
    const auto result = session.store().save(
        {{"household", moved, "", {{"address", "玉泉家园5号楼1单元102室"}}},
         {"visit", "", moved, {{"visit_date", today}, {"kind", "revisit"}, {"met", "户主本人"}, {"notes", "户主在家,反映楼道灯坏了"}}}});
    if (!result.ok()) return fail("the edit of the moved household");
  }
  sync.syncNow();
  if (!tour.waitFor([&] { return sync.state() == anju::SyncController::Syncing; })) return fail("sync start");
  if (!tour.shoot("06-sync-in-progress", false)) return 1;
  if (!tour.waitFor([&] { return sync.state() != anju::SyncController::Syncing; }, 120000)) return fail("sync end");
  QMetaObject::invokeMethod(workspace, "openHousehold", Q_ARG(QVariant, household));
  if (!tour.shoot("07-conflict-shown")) return 1;

  // 8. Portrait: the list alone, then the household file alone.
  window->resize(800, 1280);
  QMetaObject::invokeMethod(workspace, "showList");
  if (!tour.shoot("08-portrait-list")) return 1;
  // 14. A household a supervisor moved to another grid, kept for its forwarded edit: found by its head's
  // name, flagged, not counted.
  if (parser.isSet("moved-household")) {
    const auto moved = session.store().load(parser.value("moved-household").toStdString());
    QObject* search = tour.find("searchField");
    if (!moved || !search) return fail("the moved household or the search field");
    search->setProperty("text", QString::fromStdString(moved->values.at("head_name").get<std::string>()));
    if (!tour.shoot("14-moved-household")) return 1;
    search->setProperty("text", QString());
    // 15. Its file: read only, with the notice that the edit went to the community, and where the household went.
    QMetaObject::invokeMethod(workspace, "openHousehold", Q_ARG(QVariant, parser.value("moved-household")));
    if (!tour.shoot("15-moved-household-file")) return 1;
  }
  QMetaObject::invokeMethod(workspace, "openHousehold", Q_ARG(QVariant, household));
  if (!tour.shoot("09-portrait-household")) return 1;
  return 0;
}
