// Qt Quick Test runner for the supervisor's and the returned worker's screens against a real
// syncserver on 127.0.0.1: before any QML engine exists it builds a community with surveyctl
// devices (a review conflict on an address, a duplicate person, a returned household) and signs a
// temporary tablet in as ANJU_TEST_USER (default "sun", the supervisor). Run once per tst_*.qml
// with -input.
#include "../e2e/harness.h"
#include "../qt/app_fixture.h"
#include "language.h"

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QDate>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtQuickTest>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

Q_IMPORT_QML_PLUGIN(Anju_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Anju_UiPlugin)

/// The name the community's grid G01 gets on the server (tst_conflict_inbox.qml, tst_dashboard.qml,
/// tst_audit.qml).
constexpr const char* kGridName = "玉泉家园一区1号楼网格";

/// What the QML tests may rely on (the community built in RoleSetup::applicationAvailable), and
/// a look at the server through the supervisor's surveyctl device, to check what the UI claims.
class RoleData : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString user MEMBER m_user CONSTANT)
  Q_PROPERTY(QString conflictHousehold MEMBER m_conflictHousehold CONSTANT)
  Q_PROPERTY(QString returnedHousehold MEMBER m_returnedHousehold CONSTANT)
  Q_PROPERTY(QString documentsDir MEMBER m_documentsDir CONSTANT)
  Q_PROPERTY(QString gridName READ gridName CONSTANT)

 public:
  static QString gridName() { return QString::fromUtf8(kGridName); }
  /// `surveyctl conflicts --json --status STATUS` as the supervisor: the server's list.
  Q_INVOKABLE QVariantList serverConflicts(const QString& status) const {
    return json(m_supervisor->ok({"conflicts", "--json", "--status", status.toStdString()}))
        .toList();
  }
  /// `surveyctl review HOUSEHOLD --json` as the supervisor: {review, history} on the server.
  Q_INVOKABLE QVariantMap serverReview(const QString& household) const {
    return json(m_supervisor->ok({"review", household.toStdString(), "--json"})).toMap();
  }
  /// A downloaded file: {exists, bom (starts with EF BB BF), text (UTF-8 after the BOM)}.
  Q_INVOKABLE QVariantMap readFile(const QString& path) const {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {{"exists", false}};
    QByteArray bytes = file.readAll();
    const bool bom = bytes.startsWith("\xEF\xBB\xBF");
    if (bom) bytes.remove(0, 3);
    return {{"exists", true}, {"bom", bom}, {"text", QString::fromUtf8(bytes)}};
  }

  QString m_user, m_conflictHousehold, m_returnedHousehold, m_documentsDir;
  std::optional<e2e::Device> m_supervisor;

 private:
  static QVariant json(const std::string& text) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).toVariant();
  }
};

/// Called by Qt Quick Test around the QML engine it creates for the -input file.
class RoleSetup : public QObject {
  Q_OBJECT

 public slots:
  void applicationAvailable() {
    try {
      prepare();
    } catch (const std::exception& e) {
      // Without its community no test of this run means anything; qFatal skips destructors, so the
      // server process is stopped first.
      m_tablet.reset();
      m_community.reset();
      qFatal("qml_role_tests setup failed: %s", e.what());
    }
  }
  void qmlEngineAvailable(QQmlEngine* engine) {
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
  }
  void cleanupTestCase() {
    m_tablet.reset();
    m_community.reset();
  }

 private:
  void prepare() {
    // The dashboard's export writes into the documents folder: make that a temporary one.
    if (!m_home.isValid()) throw std::runtime_error("no temporary directory");
    qputenv("HOME", QFile::encodeName(m_home.path()));
    qunsetenv("XDG_CONFIG_HOME");
    QStandardPaths::setTestModeEnabled(true);
    m_data.m_documentsDir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (!m_data.m_documentsDir.startsWith(m_home.path()))
      throw std::runtime_error("the documents folder is not the temporary one: " +
                               m_data.m_documentsDir.toStdString());

    QQuickStyle::setStyle(QStringLiteral("Basic"));
    anju::Language::instance()->setCode(QStringLiteral("zh_CN"));
    m_data.m_user = qEnvironmentVariable("ANJU_TEST_USER", QStringLiteral("sun"));

    buildCommunity();
    // tst_forwarded_inbox.qml's run: a worker's edits passed to the community, before the tablet's first sync.
    if (qEnvironmentVariable("ANJU_TEST_SCENARIO") == QLatin1String("forwarded")) forwardEdits();
    signInTablet();
    // Returned after the tablet's first sync: the worker's test sees it arrive with the next one.
    m_data.m_supervisor->ok({"return", m_data.m_returnedHousehold.toStdString(), "--comment",
                             "address=门牌号与实际不符", "--note", "请本周内核实"});
    qmlRegisterSingletonInstance("AnjuTest", 1, 0, "RoleData", &m_data);
  }

  /// wang (G01) registers 王五 (visited today; head with an ID number) and 周八 (monitored, never
  /// visited); li, not knowing of them, registers 李四's household whose head has the same ID
  /// number: one open duplicate_person conflict. Then wang and li change 王五's address (a review
  /// field) from the same base: one open concurrent_edit conflict. Community: 3 households, 2
  /// people, 1 visited, 1 overdue, 2 conflicts.
  void buildCommunity() {
    m_community = std::make_unique<e2e::Community>();
    if (m_community->server({"grid", "name", "--code", "G01", "--name", kGridName}).exitCode != 0)
      throw std::runtime_error("cannot name grid G01");
    e2e::Device wang = m_community->device("wang-ctl", "wang");
    e2e::Device li = m_community->device("li-ctl", "li");
    m_data.m_supervisor = m_community->device("sun-ctl", "sun");

    const std::string idNumber = e2e::idNumber("19700101", "011");
    // li registers the duplicate before knowing of wang's 王五 (a device refuses a known ID
    // number).
    const std::string lisi = li.ok(e2e::householdArgs("G01", "李四"));
    li.ok({"member", "add", lisi, "name=王五", "relation=head", "id_number=" + idNumber});
    const std::string wangwu =
        wang.ok(e2e::householdArgs("G01", "王五"));  // address 玉泉家园王五号
    wang.ok({"member", "add", wangwu, "name=王五", "relation=head", "id_number=" + idNumber});
    wang.ok({"visit", "add", wangwu,
             "visit_date=" + QDate::currentDate().toString(Qt::ISODate).toStdString(),
             "kind=revisit", "notes=入户走访"});
    const std::string zhouba =
        wang.ok({"household", "add", "grid=G01", "address=金凤小区9号", "head_name=周八",
                 "residence_status=resident", "monitoring_category=unstable"});
    syncOk(wang);
    syncOk(li);  // the duplicate person
    if (m_data.serverConflicts(QStringLiteral("open")).size() != 1)
      throw std::runtime_error("no duplicate conflict");

    wang.ok({"household", "set", wangwu, "address=甲地址"});
    li.ok({"household", "set", wangwu, "address=乙地址"});
    syncOk(wang);
    syncOk(li);

    const QVariantList open = m_data.serverConflicts(QStringLiteral("open"));
    if (open.size() != 2)
      throw std::runtime_error("expected 2 open conflicts, the server has " +
                               std::to_string(open.size()));
    m_data.m_conflictHousehold = QString::fromStdString(wangwu);
    m_data.m_returnedHousehold = QString::fromStdString(zhouba);
  }

  /// wang records a visit to 王五 and corrects its phone number offline; meanwhile the community gives G01
  /// to someone else: wang's sync has those edits refused and passed to the community (5 out_of_scope
  /// conflicts: the visit's 4 fields and the phone number).
  void forwardEdits() {
    e2e::Device wang = m_community->device("wang-forwarding", "wang");
    syncOk(wang);
    const std::string household = m_data.m_conflictHousehold.toStdString();
    wang.ok({"visit", "add", household, "visit_date=" + QDate::currentDate().toString(Qt::ISODate).toStdString(),
             "kind=revisit", "met=户主本人", "notes=反映楼道灯坏了"});
    wang.ok({"household", "set", household, "phone=13900000009"});
    if (m_community->server({"user", "grids", "--name", "wang", "--grid", "G02"}).exitCode != 0)
      throw std::runtime_error("cannot take G01 from wang");
    const e2e::Json refused = wang.sync();
    if (refused.value("forwarded", 0) != 5)
      throw std::runtime_error("expected 5 edits passed to the community: " + refused.dump());
  }

  void signInTablet() {
    apptest::TempTablet::Options options;
    options.signedIn = false;
    options.server = QString::fromStdString(m_community->process().url());
    m_tablet = std::make_unique<apptest::TempTablet>(options);
    anju::Session& session = m_tablet->session();
    session.signIn(options.server, m_data.m_user, QStringLiteral("password-") + m_data.m_user);
    if (!QTest::qWaitFor([&] { return !session.busy(); }, 30000))
      throw std::runtime_error("sign-in hangs");
    if (session.state() != anju::Session::Unlocked)
      throw std::runtime_error("sign-in failed: " + session.errorString().toStdString());
    // Signing in starts the first sync (not for an auditor: their tablet reads the log online).
    if (session.role() == QLatin1String("auditor")) return;
    auto& sync = m_tablet->sync();
    if (!QTest::qWaitFor([&] { return sync.state() != anju::SyncController::Syncing; }, 60000))
      throw std::runtime_error("the first sync hangs");
    if (sync.state() != anju::SyncController::Idle || !sync.lastSyncAt().isValid())
      throw std::runtime_error("the first sync failed: " + sync.errorString().toStdString());
  }

  static void syncOk(const e2e::Device& device) {
    const e2e::Json summary = device.sync();
    if (summary.value("ok", false) != true)
      throw std::runtime_error("surveyctl sync failed: " + summary.dump());
  }

  QTemporaryDir m_home;
  std::unique_ptr<e2e::Community> m_community;
  std::unique_ptr<apptest::TempTablet> m_tablet;
  RoleData m_data;
};

int main(int argc, char** argv) {
  // QtCharts (the dashboard) needs a QApplication; Qt Quick Test only makes a QGuiApplication
  // when none exists yet.
  QApplication app(argc, argv);
  bool hasInput = false;
  for (int i = 1; i < argc; ++i) hasInput = hasInput || qstrcmp(argv[i], "-input") == 0;
  if (!hasInput) {
    // Each file needs its own signed-in user, and tests/qml holds qml_tests' files too.
    std::fputs("usage: qml_role_tests -input tst_FILE.qml (ANJU_TEST_USER=sun|wang)\n", stderr);
    return 2;
  }
  RoleSetup setup;
  return quick_test_main_with_setup(argc, argv, "anju_qml_roles", QUICK_TEST_SOURCE_DIR, &setup);
}

#include "qml_role_main.moc"
