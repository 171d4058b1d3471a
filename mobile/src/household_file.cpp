#include "household_file.h"

#include <map>
#include <vector>

#include "display_format.h"
#include "session.h"

#include "synccore/condition.h"
#include "synccore/derived_figures.h"

#include <QDate>
#include <algorithm>

namespace anju {

using synccore::RecordValues;
using synccore::StoredRecord;

namespace {

QString valueText(const synccore::RecordTypeDef& def, const RecordValues& values, const char* key) {
  const auto* field = def.field(key);
  auto it = values.find(key);
  return field && it != values.end() ? DisplayFormat::text(*field, it->second) : QString();
}

QVariantMap fact(const QString& label, const QString& text, bool sensitive = false) {
  return {{QStringLiteral("label"), label}, {QStringLiteral("text"), text}, {QStringLiteral("sensitive"), sensitive}};
}

}  // namespace

HouseholdFile::HouseholdFile(QObject* parent)
    : QObject(parent),
      m_members({"uuid", "name", "relation", "isHead", "sex", "age", "idNumber", "labour", "work", "notices"}),
      m_visits({"uuid", "date", "kind", "met", "notes", "problems", "followUp"}),
      m_sections({"key", "label", "answered", "total"}),
      m_notices({"id", "ids", "kind", "record", "field", "value", "sensitive", "message", "conflictId"}),
      m_reviewComments({"record", "field", "comment"}) {
  if (Session* session = Session::instance())
    connect(session, &Session::dataChanged, this, &HouseholdFile::reload);
}

void HouseholdFile::setUuid(const QString& uuid) {
  if (uuid == m_uuid) return;
  m_uuid = uuid;
  emit uuidChanged();
  reload();
}

void HouseholdFile::reload() {
  auto& store = Session::instance()->store();
  const auto& definition = store.definition();
  const auto& householdDef = definition.requireRecord("household");
  const auto& personDef = definition.requireRecord("person");
  const auto& visitDef = definition.requireRecord("visit");
  const auto household = m_uuid.isEmpty() ? std::nullopt : store.load(m_uuid.toStdString());
  m_exists = household && household->type == "household" && !household->deleted;
  if (!m_exists) {
    m_headName = m_address = m_grid = m_gridName = QString();
    m_movedAway = false;
    m_facts.clear();
    m_members.setRows({});
    m_visits.setRows({});
    m_sections.setRows({});
    m_notices.setRows({});
    loadReview({});
    emit loaded();
    return;
  }
  const RecordValues& values = household->values;
  m_headName = valueText(householdDef, values, "head_name");
  m_address = valueText(householdDef, values, "address");
  m_grid = valueText(householdDef, values, "grid");
  m_gridName = Session::instance()->gridName(m_grid);
  m_movedAway = !Session::instance()->movedAwayGrid(values).isEmpty();

  const auto people = store.children(household->uuid, "person");
  const auto visits = store.children(household->uuid, "visit");
  std::vector<RecordValues> memberValues;
  for (const auto& p : people) memberValues.push_back(p.values);
  const auto figures = synccore::householdFigures(values, memberValues);

  const auto notices = store.notices();
  std::map<std::string, QString> recordNames{{household->uuid, tr("本户")}};
  QList<QVariantMap> members;
  for (const auto& p : people) {
    const auto derived = synccore::withDerivedValues("person", p.values, synccore::CivilDate::today());
    const QString name = valueText(personDef, p.values, "name");
    recordNames[p.uuid] = name;
    auto relation = p.values.find("relation");
    const int noticeCount = static_cast<int>(std::count_if(
        notices.begin(), notices.end(), [&](const auto& n) { return n.recordUuid == p.uuid; }));
    auto age = derived.find("age");
    members << QVariantMap{{"uuid", QString::fromStdString(p.uuid)},
                           {"name", name},
                           {"relation", valueText(personDef, p.values, "relation")},
                           {"isHead", relation != p.values.end() && relation->second == "head"},
                           {"sex", valueText(personDef, p.values, "sex")},
                           {"age", age != derived.end() ? DisplayFormat::toVariant(age->second) : QVariant()},
                           {"idNumber", valueText(personDef, p.values, "id_number")},
                           {"labour", valueText(personDef, p.values, "labour_capacity")},
                           {"work", valueText(personDef, p.values, "employment_status")},
                           {"notices", noticeCount}};
  }
  // The head first, then the order members were added in.
  std::stable_sort(members.begin(), members.end(), [](const QVariantMap& a, const QVariantMap& b) {
    return a.value("isHead").toBool() && !b.value("isHead").toBool();
  });
  m_members.setRows(members);

  QList<QVariantMap> visitRows;
  for (const auto& v : visits) {
    recordNames[v.uuid] = tr("走访 %1").arg(valueText(visitDef, v.values, "visit_date"));
    visitRows << QVariantMap{{"uuid", QString::fromStdString(v.uuid)},
                             {"date", valueText(visitDef, v.values, "visit_date")},
                             {"kind", valueText(visitDef, v.values, "kind")},
                             {"met", valueText(visitDef, v.values, "met")},
                             {"notes", valueText(visitDef, v.values, "notes")},
                             {"problems", valueText(visitDef, v.values, "problems")},
                             {"followUp", valueText(visitDef, v.values, "follow_up")}};
  }
  std::stable_sort(visitRows.begin(), visitRows.end(), [](const QVariantMap& a, const QVariantMap& b) {
    return a.value("date").toString() > b.value("date").toString();
  });
  m_visits.setRows(visitRows);

  QList<QVariantMap> sectionRows;
  const auto relevantValues = synccore::withDerivedValues("household", values, synccore::CivilDate::today());
  for (const auto& section : householdDef.sections) {
    int answered = 0, total = 0;
    for (const auto& key : section.fieldKeys) {
      const auto* field = householdDef.field(key);
      if (!field || !synccore::evaluateCondition(field->relevant, relevantValues)) continue;
      ++total;
      auto it = values.find(key);
      if (it != values.end() && !it->second.is_null()) ++answered;
    }
    sectionRows << QVariantMap{{"key", QString::fromStdString(section.key)},
                               {"label", DisplayFormat::label(section.labels)},
                               {"answered", answered},
                               {"total", total}};
  }
  m_sections.setRows(sectionRows);

  // One card per notice, except a record's edits passed to the community: those share one.
  std::vector<std::vector<const synccore::SyncNotice*>> cards;
  std::map<std::string, size_t> forwardedCard;  // by record
  for (const auto& n : notices) {
    if (!recordNames.count(n.recordUuid)) continue;
    if (n.kind != "forwarded") {
      cards.push_back({&n});
      continue;
    }
    const auto [card, fresh] = forwardedCard.try_emplace(n.recordUuid, cards.size());
    if (fresh) cards.emplace_back();
    cards[card->second].push_back(&n);
  }
  QList<QVariantMap> noticeRows;
  for (const auto& card : cards) {
    const synccore::SyncNotice& first = *card.front();
    QStringList labels, values, fieldValues;
    QVariantList ids;
    bool sensitive = false;  // of the card's one field (several are masked in the line instead)
    for (const auto* n : card) {
      const auto* def = definition.record(n->recordType);
      const auto* field = def ? def->field(n->field) : nullptr;
      sensitive = field && field->isSensitive();
      labels << (field ? DisplayFormat::label(field->labels) : QString::fromStdString(n->field));
      values << (field ? DisplayFormat::text(*field, n->value) : QString::fromStdString(n->value.dump()));
      // Several fields in one line: "field: value; …", a sensitive value masked.
      fieldValues << tr("%1:%2").arg(labels.back(), sensitive ? DisplayFormat::mask(values.back()) : values.back());
      ids << static_cast<int>(n->id);
    }
    const bool single = card.size() == 1;
    noticeRows << QVariantMap{{"id", static_cast<int>(first.id)},
                              {"ids", ids},
                              {"kind", QString::fromStdString(first.kind)},
                              {"record", recordNames.at(first.recordUuid)},
                              {"field", labels.join(tr("、"))},
                              {"value", single ? values.front() : fieldValues.join(tr(";"))},
                              {"sensitive", single && sensitive},
                              {"message", DisplayFormat::chosen(first.messageZh, first.messageEn)},
                              {"conflictId", QString::fromStdString(first.conflictId)}};
  }
  m_notices.setRows(noticeRows);
  loadReview(recordNames);

  m_facts.clear();
  m_facts << fact(tr("网格"), m_gridName) << fact(tr("居住状况"), valueText(householdDef, values, "residence_status"))
          << fact(tr("监测类别"), valueText(householdDef, values, "monitoring_category"))
          << fact(tr("家庭人口"), QString::number(figures.householdSize))
          << fact(tr("劳动力"), QString::number(figures.labourCount))
          << fact(tr("人均可支配收入"),
                  figures.perCapitaIncome ? tr("%1 元").arg(QString::number(*figures.perCapitaIncome, 'f', 0)) : QString())
          << fact(tr("稳定就业"), figures.labourCount == 0 ? tr("无劳动力") : figures.hasStableWork ? tr("有") : tr("无"))
          << fact(tr("联系电话"), valueText(householdDef, values, "phone"), true)
          << fact(tr("最近走访"), visitRows.isEmpty() ? tr("尚未走访") : visitRows.front().value("date").toString());
  int pending = 0;
  for (const auto& e : store.outbox())
    if (e.recordUuid == household->uuid || e.parentUuid == household->uuid) ++pending;
  m_pending = pending;
  emit loaded();
}

QString HouseholdFile::deleteMember(const QString& personUuid) { return removeRecord("person", personUuid); }

QString HouseholdFile::deleteHousehold() { return removeRecord("household", m_uuid); }

QString HouseholdFile::removeRecord(const char* type, const QString& uuid) {
  synccore::RecordWrite write;
  write.type = type;
  write.uuid = uuid.toStdString();
  write.parentUuid = type == std::string("household") ? std::string() : m_uuid.toStdString();
  write.remove = true;
  const auto result = Session::instance()->store().save({write});
  if (!result.ok()) return DisplayFormat::failure(result.failures.front());
  Session::instance()->notifyDataChanged();
  return {};
}

void HouseholdFile::loadReview(const std::map<std::string, QString>& recordNames) {
  auto& store = Session::instance()->store();
  const auto review = m_exists ? store.review(m_uuid.toStdString()) : std::nullopt;
  m_reviewState = review ? QString::fromStdString(review->state) : QString();
  m_reviewNote = review ? QString::fromStdString(review->note) : QString();
  m_resubmitPending = review && review->resubmitPending;
  QList<QVariantMap> rows;
  if (review && review->state == "returned") {
    for (const auto& c : review->comments) {
      const std::string record = c.value("record", "");
      const std::string key = c.value("field", "");
      auto name = recordNames.find(record);
      const auto loaded = record.empty() ? std::nullopt : store.load(record);
      const auto* def = store.definition().record(loaded ? loaded->type : "household");
      const auto* field = def ? def->field(key) : nullptr;
      rows << QVariantMap{{"record", name != recordNames.end() ? name->second : tr("本户")},
                          {"field", field ? DisplayFormat::label(field->labels) : QString::fromStdString(key)},
                          {"comment", QString::fromStdString(c.value("comment", ""))}};
    }
  }
  m_reviewComments.setRows(rows);
}

bool HouseholdFile::resubmit(const QString& note) {
  if (!Session::instance()->store().requestResubmit(m_uuid.toStdString(), note.trimmed().toStdString())) return false;
  Session::instance()->notifyDataChanged();
  return true;
}

void HouseholdFile::dismissNotice(int id) { dismissNotices({id}); }

void HouseholdFile::dismissNotices(const QVariantList& ids) {
  bool any = false;
  for (const QVariant& id : ids) any = Session::instance()->store().dismissNotice(id.toInt()) || any;
  if (any) Session::instance()->notifyDataChanged();
}

}  // namespace anju
