// HouseholdFile: one household's file as read on the tablet (members, facts, notices, pending changes).
#include "app_fixture.h"
#include "display_format.h"
#include "household_file.h"
#include "test_suites.h"

#include <QSignalSpy>
#include <QtTest>

using anju::HouseholdFile;
using apptest::idNumber;

namespace {

QString factText(const HouseholdFile& file, const QString& label) {
  for (const auto& f : file.facts())
    if (f.toMap().value("label").toString() == label) return f.toMap().value("text").toString();
  return QStringLiteral("<missing>");
}

bool factSensitive(const HouseholdFile& file, const QString& label) {
  for (const auto& f : file.facts())
    if (f.toMap().value("label").toString() == label) return f.toMap().value("sensitive").toBool();
  return false;
}

}  // namespace

/// A household of three whose child was entered before the head.
class HouseholdFileTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    m_tablet = std::make_unique<apptest::TempTablet>();
    auto& t = *m_tablet;
    m_household = t.addHousehold("马文明", "玉泉家园1号楼101", "none",
                                 {{"phone", "13900000001"}, {"income_wages", 30000.0}, {"income_transfer", 6000.0}});
    const auto people = t.addPeople(
        m_household,
        {{{"name", "马小军"}, {"relation", "child"}, {"id_number", idNumber("20100505", "031")}},
         {{"name", "马文明"}, {"relation", "head"}, {"id_number", m_headId}, {"labour_capacity", "full"},
          {"employment_status", "county"}, {"months_worked", 8}},
         {{"name", "李梅"}, {"relation", "spouse"}, {"id_number", idNumber("19720303", "022")},
          {"labour_capacity", "weak"}}});
    m_child = people.at(0);
    m_head = people.at(1);
    t.addVisit(m_household, apptest::monthsAgo(2));
    m_file = std::make_unique<HouseholdFile>();
    m_file->setUuid(QString::fromStdString(m_household));
  }
  void cleanup() {
    m_file.reset();
    m_tablet.reset();
  }

  void movedToAnotherGridIsReadOnly() {
    QVERIFY(!m_file->movedAway());
    QSignalSpy loaded(m_file.get(), &HouseholdFile::loaded);
    m_tablet->pullGridMove(m_household, "G02");
    QVERIFY(loaded.count() > 0);  // the file follows the pulled change
    QVERIFY(m_file->movedAway());
    QCOMPARE(m_file->grid(), QStringLiteral("G02"));
    QCOMPARE(m_file->members()->rows().size(), 3);  // still readable
  }

  void membersHeadFirst() {
    QVERIFY(m_file->exists());
    QCOMPARE(m_file->headName(), QStringLiteral("马文明"));
    const auto& rows = m_file->members()->rows();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows.at(0).value("name").toString(), QStringLiteral("马文明"));
    QCOMPARE(rows.at(0).value("isHead").toBool(), true);
    QCOMPARE(rows.at(0).value("relation").toString(), QStringLiteral("户主"));
    QCOMPARE(rows.at(0).value("work").toString(), QStringLiteral("县内乡(镇)外就业"));
    QCOMPARE(rows.at(1).value("name").toString(), QStringLiteral("马小军"));
    QCOMPARE(rows.at(2).value("name").toString(), QStringLiteral("李梅"));
    QCOMPARE(rows.at(2).value("sex").toString(), QStringLiteral("女"));
    QCOMPARE(rows.at(1).value("age").toInt(), synccore::ageOn({2010, 5, 5}, synccore::CivilDate::today()));
  }

  void derivedFacts() {
    QCOMPARE(factText(*m_file, QStringLiteral("家庭人口")), QStringLiteral("3"));
    QCOMPARE(factText(*m_file, QStringLiteral("劳动力")), QStringLiteral("2"));
    QCOMPARE(factText(*m_file, QStringLiteral("人均可支配收入")), QStringLiteral("12000 元"));
    QCOMPARE(factText(*m_file, QStringLiteral("稳定就业")), QStringLiteral("有"));
    QCOMPARE(factText(*m_file, QStringLiteral("监测类别")), QStringLiteral("非监测对象"));
    QCOMPARE(factText(*m_file, QStringLiteral("最近走访")), QString::fromStdString(apptest::monthsAgo(2)));
    QCOMPARE(m_file->visits()->rowCount(), 1);
  }

  void sensitiveValuesAreMarkedForMasking() {
    QCOMPARE(factText(*m_file, QStringLiteral("联系电话")), QStringLiteral("13900000001"));
    QVERIFY(factSensitive(*m_file, QStringLiteral("联系电话")));
    QVERIFY(!factSensitive(*m_file, QStringLiteral("网格")));
    QCOMPARE(anju::DisplayFormat::mask(QStringLiteral("13900000001")), QStringLiteral("•••••••0001"));
    QCOMPARE(anju::DisplayFormat::mask(QString::fromStdString(m_headId)),
             QString(14, QChar(0x2022)) + QString::fromStdString(m_headId.substr(14)));
    QCOMPARE(anju::DisplayFormat::mask(QStringLiteral("abc")), QStringLiteral("abc"));
  }

  void noticesAndPendingChanges() {
    const int pending = m_file->pendingChanges();
    QVERIFY(pending > 10);  // the household, its three members and the visit, field by field
    QCOMPARE(m_file->notices()->rowCount(), 0);
    QSignalSpy loaded(m_file.get(), &HouseholdFile::loaded);
    m_tablet->refuse(m_head, "id_number", "该身份证号已在其他网格登记");
    QVERIFY(loaded.count() > 0);
    QCOMPARE(m_file->pendingChanges(), pending - 1);  // moved from the outbox to a notice
    QCOMPARE(m_file->notices()->rowCount(), 1);
    const QVariantMap notice = m_file->notices()->rows().front();
    QCOMPARE(notice.value("kind").toString(), QStringLiteral("rejected"));
    QCOMPARE(notice.value("record").toString(), QStringLiteral("马文明"));
    QCOMPARE(notice.value("field").toString(), QStringLiteral("居民身份证号"));
    QCOMPARE(notice.value("value").toString(), QString::fromStdString(m_headId));
    QCOMPARE(notice.value("sensitive").toBool(), true);
    QCOMPARE(notice.value("message").toString(), QStringLiteral("该身份证号已在其他网格登记"));
    QCOMPARE(m_file->members()->rows().at(0).value("notices").toInt(), 1);

    m_file->dismissNotice(notice.value("id").toInt());
    QCOMPARE(m_file->notices()->rowCount(), 0);
  }

  void editsPassedToTheCommunityShowAsOneCardPerRecord() {
    // Two fields of the head passed on (the household left the worker's grids): one card naming both,
    // the ID number masked; 知道了 dismisses both. Another record's edit keeps a card of its own.
    const std::string message = "网格 G03 不在您的负责范围内,此修改已转交社区审核";
    m_tablet->refuse(m_head, "name", message, "conflict-1");
    m_tablet->refuse(m_head, "id_number", message, "conflict-2");
    m_tablet->refuse(m_child, "name", message, "conflict-3");
    QCOMPARE(m_file->notices()->rowCount(), 2);
    const QVariantMap head = m_file->notices()->rows().front();
    QCOMPARE(head.value("kind").toString(), QStringLiteral("forwarded"));
    QCOMPARE(head.value("record").toString(), QStringLiteral("马文明"));
    QCOMPARE(head.value("field").toString(), QStringLiteral("姓名、居民身份证号"));
    QCOMPARE(head.value("value").toString(),
             QStringLiteral("姓名:马文明;居民身份证号:") + anju::DisplayFormat::mask(QString::fromStdString(m_headId)));
    QCOMPARE(head.value("sensitive").toBool(), false);  // masked in the text already
    QCOMPARE(head.value("ids").toList().size(), 2);
    QCOMPARE(m_file->notices()->rows().at(1).value("ids").toList().size(), 1);
    m_file->dismissNotices(head.value("ids").toList());
    QCOMPARE(m_file->notices()->rowCount(), 1);
    m_file->dismissNotices(m_file->notices()->rows().front().value("ids").toList());
    QCOMPARE(m_file->notices()->rowCount(), 0);
  }

  void deletingAMemberUpdatesTheFile() {
    QCOMPARE(m_file->deleteMember(QString::fromStdString(m_child)), QString());
    QCOMPARE(m_file->members()->rowCount(), 2);
    QCOMPARE(factText(*m_file, QStringLiteral("家庭人口")), QStringLiteral("2"));
    QCOMPARE(factText(*m_file, QStringLiteral("人均可支配收入")), QStringLiteral("18000 元"));
    // The head cannot go while others remain: the household would have no head.
    QVERIFY(!m_file->deleteMember(QString::fromStdString(m_head)).isEmpty());
    QCOMPARE(m_file->members()->rowCount(), 2);
  }

  void unknownHousehold() {
    m_file->setUuid(QStringLiteral("00000000-0000-4000-8000-000000000000"));
    QVERIFY(!m_file->exists());
    QCOMPARE(m_file->members()->rowCount(), 0);
    QVERIFY(m_file->facts().isEmpty());
  }

 private:
  std::unique_ptr<apptest::TempTablet> m_tablet;
  std::unique_ptr<HouseholdFile> m_file;
  std::string m_household, m_head, m_child;
  const std::string m_headId = idNumber("19700101", "011");
};

int runHouseholdFileTests(int argc, char** argv) {
  HouseholdFileTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_household_file.moc"
