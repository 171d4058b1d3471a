// HouseholdListModel: "my households" searched by name, ID number and address, filtered, and counted.
#include "app_fixture.h"
#include "household_list_model.h"
#include "test_suites.h"

#include <QSignalSpy>
#include <QtTest>

using anju::HouseholdListModel;
using apptest::idNumber;

namespace {

QStringList heads(const HouseholdListModel& model) {
  QStringList out;
  for (int row = 0; row < model.rowCount(); ++row)
    out << model.data(model.index(row), HouseholdListModel::HeadNameRole).toString();
  out.sort();
  return out;
}

}  // namespace

/// Five households: visited this month, monitored and due, monitored and visited, overdue, refused.
class HouseholdListTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    m_tablet = std::make_unique<apptest::TempTablet>();
    auto& t = *m_tablet;
    const std::string today = QDate::currentDate().toString(Qt::ISODate).toStdString();
    const std::string ma = t.addHousehold("马文明", "玉泉家园1号楼101");
    t.addPerson(ma, {{"name", "马文明"}, {"relation", "head"}, {"id_number", idNumber("19700101", "011")}});
    t.addPerson(ma, {{"name", "马小军"}, {"relation", "child"}, {"id_number", idNumber("19990505", "031")}});
    t.addVisit(ma, today);
    const std::string li = t.addHousehold("李四", "玉泉家园2号楼202", "unstable");
    t.addPerson(li, {{"name", "李四"}, {"relation", "head"}, {"id_number", m_liId}});
    const std::string zhao = t.addHousehold("赵六", "金凤小区5号", "marginal");
    t.addPerson(zhao, {{"name", "赵六"}, {"relation", "head"}, {"id_number", idNumber("19650808", "051")}});
    t.addVisit(zhao, today);
    m_sun = t.addHousehold("孙七", "金凤小区8号");
    t.addVisit(m_sun, apptest::monthsAgo(12), apptest::monthsAgo(11));
    m_zhou = t.addHousehold("周八", "金凤小区9号");
    t.refuse(m_zhou, "address", "该网格不属于你");
    m_model = std::make_unique<HouseholdListModel>();
  }
  void cleanup() {
    m_model.reset();
    m_tablet.reset();
  }

  void countsOverAllHouseholds() {
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->households(), 5);
    QCOMPARE(m_model->people(), 4);
    QCOMPARE(m_model->visitedThisMonth(), 2);
    QCOMPARE(m_model->dueThisMonth(), 2);
    QCOMPARE(m_model->needingAttention(), 1);
    // Totals stay those of all households while searching.
    m_model->setSearch(QStringLiteral("马"));
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->households(), 5);
  }

  void rowsCarryWhatTheListShows() {
    m_model->setSearch(QStringLiteral("李四"));
    QCOMPARE(m_model->rowCount(), 1);
    const QModelIndex row = m_model->index(0);
    QCOMPARE(m_model->data(row, HouseholdListModel::AddressRole).toString(), QStringLiteral("玉泉家园2号楼202"));
    QCOMPARE(m_model->data(row, HouseholdListModel::MemberCountRole).toInt(), 1);
    QCOMPARE(m_model->data(row, HouseholdListModel::MonitoringRole).toString(), QStringLiteral("脱贫不稳定户"));
    QCOMPARE(m_model->data(row, HouseholdListModel::ResidenceRole).toString(), QStringLiteral("常住户"));
    QVERIFY(m_model->data(row, HouseholdListModel::DueRevisitRole).toBool());
    QVERIFY(m_model->data(row, HouseholdListModel::PendingChangesRole).toInt() > 0);
  }

  void searchesByNameIdNumberAndAddress() {
    QSignalSpy countChanged(m_model.get(), &HouseholdListModel::countChanged);
    m_model->setSearch(QStringLiteral("马小军"));  // a member, not the head
    QCOMPARE(heads(*m_model), QStringList{QStringLiteral("马文明")});
    m_model->setSearch(QString::fromStdString(m_liId));
    QCOMPARE(heads(*m_model), QStringList{QStringLiteral("李四")});
    m_model->setSearch(QString::fromStdString(m_liId.substr(0, 10)));  // ID numbers match whole
    QCOMPARE(m_model->rowCount(), 0);
    m_model->setSearch(QStringLiteral("金凤小区"));
    QCOMPARE(heads(*m_model), (QStringList{QStringLiteral("周八"), QStringLiteral("孙七"), QStringLiteral("赵六")}));
    m_model->setSearch(QStringLiteral("  "));
    QCOMPARE(m_model->rowCount(), 5);
    QVERIFY(countChanged.count() >= 5);
  }

  void filtersDueMonitoredCategoryAndAttention() {
    m_model->setFilter(HouseholdListModel::DueRevisit);
    QCOMPARE(heads(*m_model), (QStringList{QStringLiteral("孙七"), QStringLiteral("李四")}));
    m_model->setFilter(HouseholdListModel::Monitored);
    QCOMPARE(heads(*m_model), (QStringList{QStringLiteral("李四"), QStringLiteral("赵六")}));
    m_model->setMonitoringCategory(QStringLiteral("marginal"));
    QCOMPARE(heads(*m_model), QStringList{QStringLiteral("赵六")});
    m_model->setMonitoringCategory(QStringLiteral("sudden_hardship"));
    QCOMPARE(m_model->rowCount(), 0);
    m_model->setMonitoringCategory({});
    m_model->setFilter(HouseholdListModel::NeedsAttention);
    QCOMPARE(heads(*m_model), QStringList{QStringLiteral("周八")});
    m_model->setFilter(HouseholdListModel::All);
    QCOMPARE(m_model->rowCount(), 5);
  }

  void searchAndFilterCombine() {
    m_model->setFilter(HouseholdListModel::Monitored);
    m_model->setSearch(QStringLiteral("金凤"));
    QCOMPARE(heads(*m_model), QStringList{QStringLiteral("赵六")});
    m_model->setFilter(HouseholdListModel::DueRevisit);
    QCOMPARE(heads(*m_model), QStringList{QStringLiteral("孙七")});
  }

  void followsSavedData() {
    QSignalSpy totals(m_model.get(), &HouseholdListModel::totalsChanged);
    m_tablet->addHousehold("吴九", "金凤小区10号", "sudden_hardship");
    QVERIFY(totals.count() > 0);
    QCOMPARE(m_model->households(), 6);
    QCOMPARE(m_model->dueThisMonth(), 3);
    QCOMPARE(m_model->rowCount(), 6);
  }

  /// A supervisor moved 孙七 (overdue) to grid G02: the sync brings the grid change.
  void householdMovedToAnotherGridIsFlaggedNotCounted() {
    m_tablet->pullGridMove(m_sun, "G02");
    m_model->reload();
    QCOMPARE(m_model->households(), 4);
    QCOMPARE(m_model->dueThisMonth(), 1);
    QCOMPARE(m_model->needingAttention(), 1);
    QCOMPARE(m_model->rowCount(), 5);  // still listed, with its notice
    int moved = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
      const auto index = m_model->index(row);
      const bool away = m_model->data(index, HouseholdListModel::MovedAwayRole).toBool();
      moved += away ? 1 : 0;
      QCOMPARE(away, m_model->data(index, HouseholdListModel::UuidRole).toString() == QString::fromStdString(m_sun));
      if (away) QVERIFY(!m_model->data(index, HouseholdListModel::DueRevisitRole).toBool());
    }
    QCOMPARE(moved, 1);
    m_model->setFilter(HouseholdListModel::DueRevisit);
    QCOMPARE(heads(*m_model), QStringList{QStringLiteral("李四")});
  }

  void gridsShowTheirNamesOrTheirCodes() {
    // As a sign-in or sync keeps them (synccore::SyncClient): G01 is named, G02 is not.
    m_tablet->store().setSetting("grid_names", R"({"G01": "玉泉家园一区1号楼网格"})");
    m_tablet->pullGridMove(m_sun, "G02");
    m_tablet->session().notifyDataChanged();  // as the app does after a sync
    m_model->reload();
    for (int row = 0; row < m_model->rowCount(); ++row) {
      const auto index = m_model->index(row);
      const bool moved = m_model->data(index, HouseholdListModel::UuidRole).toString() == QString::fromStdString(m_sun);
      QCOMPARE(m_model->data(index, HouseholdListModel::GridNameRole).toString(),
               moved ? QStringLiteral("G02") : QStringLiteral("玉泉家园一区1号楼网格"));
    }
    QCOMPARE(m_tablet->session().grids(), QStringList{QStringLiteral("G01")});
    QCOMPARE(m_tablet->session().gridNames(), QStringList{QStringLiteral("玉泉家园一区1号楼网格")});
  }

 private:
  std::unique_ptr<apptest::TempTablet> m_tablet;
  std::unique_ptr<HouseholdListModel> m_model;
  std::string m_zhou, m_sun;
  const std::string m_liId = idNumber("19801212", "021");
};

int runHouseholdListTests(int argc, char** argv) {
  HouseholdListTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_household_list.moc"
