// Qt Quick Test runner for tests/qml: builds a temporary tablet (device store, Session, Sync)
// with known households before any QML engine exists, and publishes their ids as TestData.
#include "../qt/app_fixture.h"
#include "language.h"

#include <QQmlEngine>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

#include <functional>
#include <memory>

Q_IMPORT_QML_PLUGIN(Anju_BackendPlugin)
Q_IMPORT_QML_PLUGIN(Anju_UiPlugin)

/// What the QML tests may rely on: the seeded households (see applicationAvailable).
class TestData : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString headHousehold MEMBER m_headHousehold CONSTANT)
  Q_PROPERTY(QString liIdNumber MEMBER m_liIdNumber CONSTANT)
  Q_PROPERTY(QString returnedHousehold MEMBER m_returnedHousehold CONSTANT)

 public:
  explicit TestData(std::function<apptest::TempTablet&()> tablet) : m_tablet(std::move(tablet)) {}
  /// A new household of G01, for a test that changes it (the seeded ones are shared by every file).
  Q_INVOKABLE QString addHousehold(const QString& head) {
    return QString::fromStdString(m_tablet().addHousehold(head.toStdString(), "金凤小区12号"));
  }
  /// Gone from the tablet as after a sync (deleted on the server, or no longer the worker's), views told.
  Q_INVOKABLE void removeHousehold(const QString& uuid) { m_tablet().removeHousehold(uuid.toStdString()); }
  QString m_headHousehold, m_liIdNumber, m_returnedHousehold;

 private:
  std::function<apptest::TempTablet&()> m_tablet;
};

/// Called by Qt Quick Test around the QML engines it creates (one per tst_*.qml file).
class Setup : public QObject {
  Q_OBJECT

 public slots:
  void applicationAvailable() {
    QStandardPaths::setTestModeEnabled(true);
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    anju::Language::instance()->setCode(QStringLiteral("zh_CN"));
    m_tablet = std::make_unique<apptest::TempTablet>();
    seed();
    qmlRegisterSingletonInstance("AnjuTest", 1, 0, "TestData", &m_data);
  }
  void qmlEngineAvailable(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/qt/qml")); }
  void cleanupTestCase() { m_tablet.reset(); }

 private:
  /// Five households in grid G01 (as in tst_household_list.cpp): visited this month, monitored
  /// and due, monitored and visited, overdue, and one with a refused change that the supervisor
  /// also returned with a comment (as a synced review state).
  void seed() {
    auto& t = *m_tablet;
    const std::string today = QDate::currentDate().toString(Qt::ISODate).toStdString();
    const std::string ma = t.addHousehold("马文明", "玉泉家园1号楼101");
    t.addPerson(ma, {{"name", "马文明"}, {"relation", "head"}, {"id_number", apptest::idNumber("19700101", "011")}});
    t.addVisit(ma, today);
    const std::string liId = apptest::idNumber("19801212", "021");
    const std::string li = t.addHousehold("李四", "玉泉家园2号楼202", "unstable");
    t.addPerson(li, {{"name", "李四"}, {"relation", "head"}, {"id_number", liId}});
    const std::string zhao = t.addHousehold("赵六", "金凤小区5号", "marginal");
    t.addVisit(zhao, today);
    const std::string sun = t.addHousehold("孙七", "金凤小区8号");
    t.addVisit(sun, apptest::monthsAgo(12), apptest::monthsAgo(11));
    const std::string zhou = t.addHousehold("周八", "金凤小区9号");
    t.refuse(zhou, "address", "该网格不属于你");
    synccore::ReviewState returned;
    returned.household = zhou;
    returned.grid = "G01";
    returned.state = "returned";
    returned.comments = synccore::Json::array({{{"record", zhou}, {"field", "address"}, {"comment", "门牌号与实际不符"}}});
    returned.worker = "wang";
    returned.updatedBy = "sun";
    returned.note = "请本周内核实";
    returned.seq = 1;
    t.store().applyReviews({returned}, 1);
    m_data.m_returnedHousehold = QString::fromStdString(zhou);
    m_data.m_headHousehold = QString::fromStdString(ma);
    m_data.m_liIdNumber = QString::fromStdString(liId);
  }

  std::unique_ptr<apptest::TempTablet> m_tablet;
  TestData m_data{[this]() -> apptest::TempTablet& { return *m_tablet; }};
};

QUICK_TEST_MAIN_WITH_SETUP(anju_qml, Setup)

#include "qml_test_main.moc"
