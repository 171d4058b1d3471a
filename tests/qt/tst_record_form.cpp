// RecordForm: the generated form as a worker fills it in (types, relevance, inline errors, autofill, save).
#include "app_fixture.h"
#include "record_form.h"
#include "test_suites.h"

#include <QSignalSpy>
#include <QtTest>

#include <set>

using anju::RecordForm;
using apptest::idNumber;

namespace {

QVariant role(const RecordForm& form, const QString& key, int role) {
  return form.data(form.index(form.rowOf(key)), role);
}

bool shown(const RecordForm& form, const QString& key) { return role(form, key, RecordForm::VisibleRole).toBool(); }

/// The fields of the record's outbox entries, in the order they were written.
std::multiset<std::string> outboxFields(synccore::DeviceStore& store, const std::string& uuid) {
  std::multiset<std::string> fields;
  for (const auto& e : store.outbox())
    if (e.recordUuid == uuid) fields.insert(e.field);
  return fields;
}

}  // namespace

/// A person form in a household that already has a head.
class RecordFormTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    m_tablet = std::make_unique<apptest::TempTablet>();
    m_household = m_tablet->addHousehold("马文明", "玉泉家园3号楼2单元301");
    m_tablet->addPerson(m_household, {{"name", "马文明"}, {"relation", "head"},
                                      {"id_number", idNumber("19700101", "011")}});
    m_form = std::make_unique<RecordForm>();
    m_form->setRecordType(QStringLiteral("person"));
    m_form->setParentUuid(QString::fromStdString(m_household));
  }
  void cleanup() {
    m_form.reset();
    m_tablet.reset();
  }

  void rendersEveryQuestionWithItsType() {
    const auto& person = m_tablet->store().definition().requireRecord("person");
    QCOMPARE(m_form->rowCount(), static_cast<int>(person.fields.size()));
    QCOMPARE(m_form->rowCount(), 25);
    QCOMPARE(m_form->title(), QStringLiteral("新增家庭成员"));
    QVERIFY(m_form->isNew());

    QCOMPARE(role(*m_form, "name", RecordForm::TypeRole).toString(), QStringLiteral("text"));
    QCOMPARE(role(*m_form, "name", RecordForm::LabelRole).toString(), QStringLiteral("姓名"));
    QCOMPARE(role(*m_form, "name", RecordForm::RequiredRole).toBool(), true);
    QCOMPARE(role(*m_form, "name", RecordForm::SectionRole).toString(), QStringLiteral("基本信息"));
    QCOMPARE(role(*m_form, "birth_date", RecordForm::TypeRole).toString(), QStringLiteral("date"));
    QCOMPARE(role(*m_form, "in_school", RecordForm::TypeRole).toString(), QStringLiteral("yes_no"));
    QCOMPARE(role(*m_form, "disability_grade", RecordForm::TypeRole).toString(), QStringLiteral("integer"));
    QCOMPARE(role(*m_form, "monthly_income", RecordForm::TypeRole).toString(), QStringLiteral("decimal"));
    QCOMPARE(role(*m_form, "training_wanted", RecordForm::TypeRole).toString(), QStringLiteral("multiple_choice"));
    QCOMPARE(role(*m_form, "id_number", RecordForm::SensitiveRole).toBool(), true);
    QCOMPARE(role(*m_form, "name", RecordForm::SensitiveRole).toBool(), false);

    QCOMPARE(role(*m_form, "relation", RecordForm::TypeRole).toString(), QStringLiteral("single_choice"));
    const QVariantList relations = role(*m_form, "relation", RecordForm::OptionsRole).toList();
    QCOMPARE(relations.size(), 9);
    QCOMPARE(relations.front().toMap().value("code").toString(), QStringLiteral("head"));
    QCOMPARE(relations.front().toMap().value("label").toString(), QStringLiteral("户主"));
    const QVariantList sexes = role(*m_form, "sex", RecordForm::OptionsRole).toList();
    QCOMPARE(sexes.size(), 2);
    QCOMPARE(sexes.at(1).toMap().value("label").toString(), QStringLiteral("女"));

    // One section's form shows only that section's questions.
    m_form->setSection(QStringLiteral("work"));
    QCOMPARE(m_form->rowCount(), 9);
    QCOMPARE(m_form->rowOf(QStringLiteral("name")), -1);
    QCOMPARE(m_form->rowOf(QStringLiteral("labour_capacity")), 0);
  }

  void schoolStageOnlyWhenInSchool() {
    QVERIFY(!shown(*m_form, "in_school"));  // no age yet
    QVERIFY(!shown(*m_form, "school_stage"));
    m_form->setText(QStringLiteral("birth_date"), QStringLiteral("2015-06-01"));
    QVERIFY(shown(*m_form, "in_school"));
    QVERIFY(!shown(*m_form, "school_stage"));
    m_form->setYesNo(QStringLiteral("in_school"), true);
    QVERIFY(shown(*m_form, "school_stage"));
    m_form->setYesNo(QStringLiteral("in_school"), false);
    QVERIFY(!shown(*m_form, "school_stage"));
    m_form->setYesNo(QStringLiteral("in_school"), QVariant());
    QVERIFY(!shown(*m_form, "school_stage"));
  }

  void employmentOnlyForWorkingAgeWithLabour() {
    m_form->setText(QStringLiteral("birth_date"), QStringLiteral("1980-03-15"));
    QVERIFY(!shown(*m_form, "employment_status"));  // labour capacity not answered
    m_form->setChoice(QStringLiteral("labour_capacity"), QStringLiteral("full"));
    QVERIFY(shown(*m_form, "employment_status"));
    QVERIFY(shown(*m_form, "wish_to_work"));
    QVERIFY(!shown(*m_form, "employer"));
    m_form->setChoice(QStringLiteral("employment_status"), QStringLiteral("county"));
    QVERIFY(shown(*m_form, "employer"));
    m_form->setChoice(QStringLiteral("employment_status"), QStringLiteral("not_working"));
    QVERIFY(!shown(*m_form, "employer"));
    QVERIFY(!shown(*m_form, "months_worked"));

    m_form->setChoice(QStringLiteral("labour_capacity"), QStringLiteral("lost"));
    QVERIFY(!shown(*m_form, "employment_status"));
    QVERIFY(!shown(*m_form, "wish_to_work"));

    // A child under 16 with full labour capacity still gets no work questions.
    m_form->setChoice(QStringLiteral("labour_capacity"), QStringLiteral("full"));
    m_form->setText(QStringLiteral("birth_date"), QDate::currentDate().addYears(-12).toString(Qt::ISODate));
    QVERIFY(!shown(*m_form, "employment_status"));
    QVERIFY(!shown(*m_form, "skills"));
    QVERIFY(!shown(*m_form, "pension_insurance"));
  }

  void inlineErrorsAsTextIsTyped() {
    m_form->setChoice(QStringLiteral("health"), QStringLiteral("disability"));
    QVERIFY(shown(*m_form, "disability_grade"));
    m_form->setText(QStringLiteral("disability_grade"), QStringLiteral("2级"));
    QCOMPARE(m_form->errorOf(QStringLiteral("disability_grade")), QStringLiteral("「残疾等级」应为整数,输入为“2级”"));
    QCOMPARE(role(*m_form, "disability_grade", RecordForm::ErrorRole).toString(),
             m_form->errorOf(QStringLiteral("disability_grade")));
    QCOMPARE(role(*m_form, "disability_grade", RecordForm::TextRole).toString(), QStringLiteral("2级"));
    QVERIFY(!m_form->canSave());
    m_form->setText(QStringLiteral("disability_grade"), QStringLiteral("7"));
    QCOMPARE(m_form->errorOf(QStringLiteral("disability_grade")), QStringLiteral("「残疾等级」不能大于4"));
    m_form->setText(QStringLiteral("disability_grade"), QStringLiteral("2"));
    QCOMPARE(m_form->errorOf(QStringLiteral("disability_grade")), QString());
    QCOMPARE(m_form->valueOf(QStringLiteral("disability_grade")).toInt(), 2);

    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(apptest::badIdNumber("19800315", "123")));
    QVERIFY(m_form->errorOf(QStringLiteral("id_number")).contains(QStringLiteral("校验位错误")));
    m_form->setText(QStringLiteral("id_number"), QStringLiteral("64012119800315"));
    QVERIFY(!m_form->errorOf(QStringLiteral("id_number")).isEmpty());
    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("19800315", "123")));
    QCOMPARE(m_form->errorOf(QStringLiteral("id_number")), QString());

    m_form->setText(QStringLiteral("birth_date"), QStringLiteral("2099-01-01"));
    QVERIFY(m_form->errorOf(QStringLiteral("birth_date")).contains(QStringLiteral("不能晚于今天")));
  }

  void requiredOnlyAfterTouchOrSave() {
    QCOMPARE(m_form->errorCount(), 0);
    QVERIFY(!m_form->canSave());
    m_form->setText(QStringLiteral("name"), QStringLiteral("马"));
    m_form->setText(QStringLiteral("name"), QString());
    QCOMPARE(m_form->errorOf(QStringLiteral("name")), QStringLiteral("「姓名」为必填项"));
    QCOMPARE(m_form->errorOf(QStringLiteral("relation")), QString());  // not touched yet
    QCOMPARE(m_form->errorCount(), 1);

    const size_t before = m_tablet->store().outboxSize();
    QCOMPARE(m_form->save(), QString());
    QCOMPARE(m_form->errorOf(QStringLiteral("relation")), QStringLiteral("「与户主关系」为必填项"));
    QCOMPARE(m_form->errorOf(QStringLiteral("sex")), QStringLiteral("「性别」为必填项"));
    QCOMPARE(m_form->errorOf(QStringLiteral("birth_date")), QStringLiteral("「出生日期」为必填项"));
    QCOMPARE(m_form->errorCount(), 4);
    QCOMPARE(m_form->formError(), QStringLiteral("还有 4 处需要修改,已在题目下方标出"));
    QCOMPARE(m_tablet->store().outboxSize(), before);  // nothing written
  }

  void idNumberFillsBirthDateAndSex() {
    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("19800315", "123")));
    QCOMPARE(m_form->valueOf(QStringLiteral("birth_date")).toString(), QStringLiteral("1980-03-15"));
    QCOMPARE(m_form->valueOf(QStringLiteral("sex")).toString(), QStringLiteral("male"));
    QCOMPARE(role(*m_form, "sex", RecordForm::TextRole).toString(), QStringLiteral("男"));
    QVERIFY(role(*m_form, "birth_date", RecordForm::AutoFilledRole).toBool());
    QVERIFY(role(*m_form, "sex", RecordForm::AutoFilledRole).toBool());
    // Autofilled answers follow a corrected number.
    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("19820704", "124")));
    QCOMPARE(m_form->valueOf(QStringLiteral("birth_date")).toString(), QStringLiteral("1982-07-04"));
    QCOMPARE(m_form->valueOf(QStringLiteral("sex")).toString(), QStringLiteral("female"));
    QCOMPARE(m_form->errorOf(QStringLiteral("sex")), QString());
  }

  void typedAnswersAreNotOverwrittenByAutofill() {
    m_form->setText(QStringLiteral("birth_date"), QStringLiteral("1990-01-01"));
    m_form->setChoice(QStringLiteral("sex"), QStringLiteral("female"));
    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("19800315", "123")));
    QCOMPARE(m_form->valueOf(QStringLiteral("birth_date")).toString(), QStringLiteral("1990-01-01"));
    QCOMPARE(m_form->valueOf(QStringLiteral("sex")).toString(), QStringLiteral("female"));
    QVERIFY(!role(*m_form, "birth_date", RecordForm::AutoFilledRole).toBool());
    // The disagreement is pointed out instead.
    QVERIFY(m_form->errorOf(QStringLiteral("birth_date")).contains(QStringLiteral("与身份证号不符")));
    QVERIFY(m_form->errorOf(QStringLiteral("sex")).contains(QStringLiteral("与身份证号不符")));
    QVERIFY(!m_form->canSave());
  }

  void saveWritesOneOutboxEntryPerChangedField() {
    auto& store = m_tablet->store();
    QSignalSpy recordChanged(m_form.get(), &RecordForm::recordChanged);
    m_form->setText(QStringLiteral("name"), QStringLiteral("李梅"));
    m_form->setChoice(QStringLiteral("relation"), QStringLiteral("spouse"));
    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("19720303", "022")));
    QVERIFY(m_form->canSave());
    QVERIFY(m_form->dirty());
    const size_t before = store.outboxSize();
    const QString uuid = m_form->save();
    QVERIFY(!uuid.isEmpty());
    QCOMPARE(store.outboxSize(), before + 5);
    const std::multiset<std::string> created{"birth_date", "id_number", "name", "relation", "sex"};
    QCOMPARE(outboxFields(store, uuid.toStdString()), created);
    QCOMPARE(m_form->uuid(), uuid);  // the form now edits the saved member
    QVERIFY(!m_form->isNew());
    QVERIFY(!m_form->dirty());
    QVERIFY(recordChanged.count() > 0);
    const auto saved = store.load(uuid.toStdString());
    QVERIFY(saved.has_value());
    QCOMPARE(saved->parentUuid, m_household);
    QCOMPARE(saved->values.at("sex").get<std::string>(), std::string("female"));

    // One edited field: one more entry.
    m_form->setText(QStringLiteral("phone"), QStringLiteral("13900000002"));
    QCOMPARE(m_form->save(), uuid);
    QCOMPARE(store.outboxSize(), before + 6);
    QCOMPARE(outboxFields(store, uuid.toStdString()).count("phone"), size_t{1});

    // Saving again without a change adds nothing.
    QVERIFY(!m_form->dirty());
    QCOMPARE(m_form->save(), uuid);
    QCOMPARE(store.outboxSize(), before + 6);
  }

  void answersToHiddenQuestionsAreNotSaved() {
    m_form->setText(QStringLiteral("name"), QStringLiteral("马小花"));
    m_form->setChoice(QStringLiteral("relation"), QStringLiteral("child"));
    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("20150606", "042")));
    m_form->setYesNo(QStringLiteral("in_school"), true);
    m_form->setChoice(QStringLiteral("school_stage"), QStringLiteral("primary"));
    m_form->setYesNo(QStringLiteral("in_school"), false);
    const QString uuid = m_form->save();
    QVERIFY(!uuid.isEmpty());
    const auto fields = outboxFields(m_tablet->store(), uuid.toStdString());
    QCOMPARE(fields.count("school_stage"), size_t{0});
    QCOMPARE(fields.count("in_school"), size_t{1});
    QCOMPARE(m_tablet->store().load(uuid.toStdString())->values.count("school_stage"), size_t{0});
  }

  void secondHeadIsShownOnTheRelationQuestion() {
    m_form->setText(QStringLiteral("name"), QStringLiteral("马二"));
    m_form->setChoice(QStringLiteral("relation"), QStringLiteral("head"));
    m_form->setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("19750505", "051")));
    QVERIFY(m_form->canSave());  // the record alone is fine; the household is not
    const size_t before = m_tablet->store().outboxSize();
    QCOMPARE(m_form->save(), QString());
    QCOMPARE(m_form->errorOf(QStringLiteral("relation")), QStringLiteral("每户必须有且只有一名户主,当前有2名"));
    QVERIFY(!m_form->formError().isEmpty());
    QCOMPARE(m_tablet->store().outboxSize(), before);
    QVERIFY(m_form->isNew());

    // Changing the answer clears the message and the save goes through.
    m_form->setChoice(QStringLiteral("relation"), QStringLiteral("sibling"));
    QCOMPARE(m_form->errorOf(QStringLiteral("relation")), QString());
    QVERIFY(!m_form->save().isEmpty());
    QCOMPARE(m_tablet->store().children(m_household, "person").size(), size_t{2});
  }

  void newHouseholdGetsTheWorkersGrid() {
    RecordForm household;
    household.setRecordType(QStringLiteral("household"));
    QCOMPARE(household.valueOf(QStringLiteral("grid")).toString(), QStringLiteral("G01"));
    household.setText(QStringLiteral("move_in_year"), QStringLiteral("19a0"));
    QCOMPARE(household.errorOf(QStringLiteral("move_in_year")), QStringLiteral("「搬迁入住年份」应为整数,输入为“19a0”"));
    household.setText(QStringLiteral("move_in_year"), QStringLiteral("1900"));
    QCOMPARE(household.errorOf(QStringLiteral("move_in_year")), QStringLiteral("「搬迁入住年份」不能小于1950"));
  }

  void householdMovedToAnotherGridCannotBeSaved() {
    auto& store = m_tablet->store();
    QVERIFY(m_form->movedToGrid().isEmpty());
    m_tablet->pullGridMove(m_household, "G02");
    const size_t before = store.outboxSize();
    QCOMPARE(before, size_t{0});
    // A new member, an edit of the household and a visit: each form says where it went and saves nothing.
    RecordForm member, household, visit;
    member.setRecordType(QStringLiteral("person"));
    member.setParentUuid(QString::fromStdString(m_household));
    household.setRecordType(QStringLiteral("household"));
    household.setUuid(QString::fromStdString(m_household));
    visit.setRecordType(QStringLiteral("visit"));
    visit.setParentUuid(QString::fromStdString(m_household));
    for (RecordForm* form : {&member, &household, &visit}) QCOMPARE(form->movedToGrid(), QStringLiteral("G02"));
    member.setText(QStringLiteral("name"), QStringLiteral("李梅"));
    member.setChoice(QStringLiteral("relation"), QStringLiteral("spouse"));
    member.setText(QStringLiteral("id_number"), QString::fromStdString(idNumber("19720303", "022")));
    QVERIFY(member.canSave());  // the answers are valid: only the move stops the save
    household.setText(QStringLiteral("phone"), QStringLiteral("13900000009"));
    for (RecordForm* form : {&member, &household, &visit}) {
      QVERIFY(form->save().isEmpty());
      QVERIFY2(form->formError().contains(QStringLiteral("G02")), qPrintable(form->formError()));
    }
    QCOMPARE(store.outboxSize(), before);
    QCOMPARE(store.load(m_household)->values.count("phone"), size_t{0});
    // A household of the worker's own grid still saves.
    const std::string own = m_tablet->addHousehold("李四", "玉泉家园5号楼101");
    RecordForm ownForm;
    ownForm.setRecordType(QStringLiteral("household"));
    ownForm.setUuid(QString::fromStdString(own));
    QVERIFY(ownForm.movedToGrid().isEmpty());
    ownForm.setText(QStringLiteral("phone"), QStringLiteral("13900000010"));
    QCOMPARE(ownForm.save(), QString::fromStdString(own));
  }

 private:
  std::unique_ptr<apptest::TempTablet> m_tablet;
  std::unique_ptr<RecordForm> m_form;
  std::string m_household;
};

int runRecordFormTests(int argc, char** argv) {
  RecordFormTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_record_form.moc"
