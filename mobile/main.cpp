// The grid worker's tablet app: builds the services, loads the QML UI (or checks it with --self-test).
#include "language.h"
#include "session.h"
#include "sync_controller.h"
#include "synccore/sqlite.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFont>
#include <QApplication>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Anju_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Anju_UiPlugin)

int main(int argc, char* argv[]) {
  synccore::configureSqliteProcess();
  QApplication app(argc, argv);  // QtCharts (the dashboard) needs a QApplication
  QGuiApplication::setOrganizationName(QStringLiteral("Anju"));
  QGuiApplication::setApplicationName(QStringLiteral("anju"));
  QGuiApplication::setApplicationDisplayName(QStringLiteral("安居"));
  QGuiApplication::setFont(QFont(QStringList{QStringLiteral("Noto Sans CJK SC"), QStringLiteral("Noto Sans")}));
  QQuickStyle::setStyle(QStringLiteral("Basic"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("安居 · household files for grid workers / 网格员一户一档"));
  parser.addHelpOption();
  QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("device store file / 本机数据文件"),
                              QStringLiteral("FILE"));
  QCommandLineOption serverOption(QStringLiteral("server"),
                                  QStringLiteral("server address for the first sign-in / 服务器地址"),
                                  QStringLiteral("URL"), QStringLiteral("https://"));
  QCommandLineOption selfTest(QStringLiteral("self-test"),
                              QStringLiteral("load the whole UI, report QML warnings and exit / 自检后退出"));
  QCommandLineOption grab(QStringLiteral("grab"), QStringLiteral("render the window to a PNG file and exit / 截图后退出"),
                          QStringLiteral("FILE"));
  parser.addOptions({dbOption, serverOption, selfTest, grab});
  parser.process(app);

  QString db = parser.value(dbOption);
  if (db.isEmpty()) {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    db = dir + QStringLiteral("/tablet.db");
  }

  anju::Language::instance();
  std::unique_ptr<anju::Session> session;
  try {
    session = std::make_unique<anju::Session>(db, parser.value(serverOption));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "无法打开本机数据文件 / cannot open the device store %s: %s\n", qPrintable(db), e.what());
    return 3;
  }
  anju::SyncController sync(*session);

  QQmlApplicationEngine engine;
  engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
  int warnings = 0;
  QObject::connect(&engine, &QQmlEngine::warnings, [&](const QList<QQmlError>& list) { warnings += list.size(); });
  engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Anju/Ui/Main.qml")));
  if (engine.rootObjects().isEmpty()) return 1;

  if (parser.isSet(selfTest)) {
    // Every page is also built once inside the window (not only the first screen), a few frames
    // are rendered so bindings and delegates run, then any QML error or warning fails the test.
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
    int failures = 0;
    for (const char* page : {"SignInPage", "UnlockPage", "HomePage", "WorkspacePage", "HouseholdPage", "FormPage",
                           "SettingsPage", "ConflictInboxPage", "AuditPage", "DashboardPage"}) {
      QQmlComponent component(&engine, QUrl(QStringLiteral("qrc:/qt/qml/Anju/Ui/pages/%1.qml").arg(page)));
      QObject* object = component.create();
      if (!object) {
        std::fprintf(stderr, "self-test: %s failed: %s\n", page, qPrintable(component.errorString()));
        ++failures;
        continue;
      }
      if (auto* item = qobject_cast<QQuickItem*>(object)) item->setParentItem(window->contentItem());
      QObject::connect(&app, &QCoreApplication::aboutToQuit, object, &QObject::deleteLater);
    }
    QTimer::singleShot(1500, &app, [&] {
      std::printf("self-test: UI loaded, %d page(s) failed, %d QML warning(s)\n", failures, warnings);
      app.exit(failures == 0 && warnings == 0 ? 0 : 1);
    });
  }
  if (parser.isSet(grab)) {
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
    QTimer::singleShot(1500, &app, [&, window] {
      const bool saved = window->grabWindow().save(parser.value(grab));
      if (!saved) std::fprintf(stderr, "cannot write %s\n", qPrintable(parser.value(grab)));
      app.exit(saved ? 0 : 3);
    });
  }
  return app.exec();
}
