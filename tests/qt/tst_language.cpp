// Language: switching to English changes the survey's labels, options and messages the views show.
#include "app_fixture.h"
#include "household_list_model.h"
#include "language.h"
#include "record_form.h"
#include "test_suites.h"

#include <QSignalSpy>
#include <QtTest>

using anju::Language;
using anju::RecordForm;

/// Switches the app's language back and forth over one person form and one household list.
class LanguageTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    Language::instance()->setCode(QStringLiteral("zh_CN"));
    m_tablet = std::make_unique<apptest::TempTablet>();
    m_household = m_tablet->addHousehold("马文明", "玉泉家园1号楼101", "unstable");
  }
  void cleanup() {
    Language::instance()->setCode(QStringLiteral("zh_CN"));
    m_tablet.reset();
  }

  void switchChangesFormLabels() {
    RecordForm form;
    form.setRecordType(QStringLiteral("person"));
    const QModelIndex relation = form.index(form.rowOf(QStringLiteral("relation")));
    QCOMPARE(form.data(relation, RecordForm::LabelRole).toString(), QStringLiteral("与户主关系"));
    QCOMPARE(form.data(relation, RecordForm::OptionsRole).toList().front().toMap().value("label").toString(),
             QStringLiteral("户主"));

    QSignalSpy changed(Language::instance(), &Language::codeChanged);
    Language::instance()->setCode(QStringLiteral("en"));
    QCOMPARE(changed.count(), 1);
    QVERIFY(Language::isEnglish());
    QCOMPARE(form.data(relation, RecordForm::LabelRole).toString(), QStringLiteral("Relationship to head"));
    QCOMPARE(form.data(relation, RecordForm::OptionsRole).toList().front().toMap().value("label").toString(),
             QStringLiteral("Head"));
    QCOMPARE(form.data(relation, RecordForm::SectionRole).toString(), QStringLiteral("Identity"));
    form.setText(QStringLiteral("birth_date"), QStringLiteral("2099-01-01"));
    QCOMPARE(form.errorOf(QStringLiteral("birth_date")), QStringLiteral("Date of birth: must not be in the future"));

    Language::instance()->setCode(QStringLiteral("klingon"));  // ignored
    QCOMPARE(Language::instance()->code(), QStringLiteral("en"));
    Language::instance()->setCode(QStringLiteral("zh_CN"));
    QCOMPARE(form.data(relation, RecordForm::LabelRole).toString(), QStringLiteral("与户主关系"));
  }

  void switchChangesListLabels() {
    anju::HouseholdListModel list;
    QCOMPARE(list.rowCount(), 1);
    const QModelIndex row = list.index(0);
    QCOMPARE(list.data(row, anju::HouseholdListModel::MonitoringRole).toString(), QStringLiteral("脱贫不稳定户"));
    Language::instance()->setCode(QStringLiteral("en"));
    QCOMPARE(list.data(row, anju::HouseholdListModel::MonitoringRole).toString(),
             QStringLiteral("Unstable out of poverty"));
    QCOMPARE(list.data(row, anju::HouseholdListModel::ResidenceRole).toString(), QStringLiteral("Resident"));
  }

  void countsUseEnglishPlurals() {
    Language::instance()->setCode(QStringLiteral("en"));
    RecordForm form;
    form.setRecordType(QStringLiteral("person"));
    form.setParentUuid(QString::fromStdString(m_household));
    form.setText(QStringLiteral("name"), QStringLiteral("马小军"));
    form.setText(QStringLiteral("birth_date"), QStringLiteral("2010-05-04"));
    QCOMPARE(form.save(), QString());  // relation and sex still missing
    QCOMPARE(form.errorCount(), 2);
    QCOMPARE(form.formError(), QStringLiteral("2 answers need fixing; see the notes under the questions"));
    form.setChoice(QStringLiteral("relation"), QStringLiteral("child"));
    QCOMPARE(form.save(), QString());
    QCOMPARE(form.errorCount(), 1);
    QCOMPARE(form.formError(), QStringLiteral("1 answer needs fixing; see the note under the question"));
    Language::instance()->setCode(QStringLiteral("zh_CN"));
    QCOMPARE(form.save(), QString());
    QCOMPARE(form.formError(), QStringLiteral("还有 1 处需要修改,已在题目下方标出"));
  }

 private:
  std::unique_ptr<apptest::TempTablet> m_tablet;
  std::string m_household;
};

int runLanguageTests(int argc, char** argv) {
  LanguageTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_language.moc"
