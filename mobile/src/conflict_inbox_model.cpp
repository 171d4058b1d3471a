#include "conflict_inbox_model.h"

#include <algorithm>

#include "display_format.h"
#include "session.h"
#include "sync_controller.h"

#include <QDateTime>

namespace anju {

using synccore::Json;

namespace {

QString kindLabel(const std::string& kind) {
  if (kind == "concurrent_edit") return QObject::tr("同一项被两人修改");
  if (kind == "edit_vs_delete") return QObject::tr("修改与删除(服务器已删除)");
  if (kind == "delete_vs_edit") return QObject::tr("删除与修改(上报为删除)");
  if (kind == "duplicate_person") return QObject::tr("重复人员(身份证号相同)");
  if (kind == "out_of_scope") return QObject::tr("网格外的修改(上报人已不负责该网格)");
  return QString::fromStdString(kind);
}

QString statusLabel(const std::string& status) {
  if (status == "open") return QObject::tr("待处理");
  if (status == "auto_resolved") return QObject::tr("已自动处理");
  if (status == "resolved") return QObject::tr("已裁决");
  return QString::fromStdString(status);
}

}  // namespace

ConflictInboxModel::ConflictInboxModel(QObject* parent) : QAbstractListModel(parent) {
  if (Session* session = Session::instance())
    connect(session, &Session::dataChanged, this, &ConflictInboxModel::rebuildRows);
}

int ConflictInboxModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant ConflictInboxModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size() || role != ConflictRole) return {};
  return m_rows[index.row()];
}

void ConflictInboxModel::setFilter(QString& member, const QString& value) {
  if (member == value) return;
  member = value;
  emit filtersChanged();
  reload();
}

void ConflictInboxModel::setOlderThanDays(int days) {
  if (days == m_olderThanDays) return;
  m_olderThanDays = days;
  emit filtersChanged();
  reload();
}

void ConflictInboxModel::setBusy(bool busy, const QString& error) {
  m_busy = busy;
  m_error = error;
  emit busyChanged();
}

QVariantMap ConflictInboxModel::rowFor(const Json& c) const {
  auto& store = Session::instance()->store();
  const auto* def = store.definition().record(c.value("record_type", ""));
  const auto* field = def ? def->field(c.value("field", "")) : nullptr;
  auto show = [&](const Json& v) -> QString {
    if (c.value("field", "") == "_deleted") return v == true ? tr("已删除") : tr("保留");
    return field ? DisplayFormat::text(*field, v) : QString::fromStdString(v.dump());
  };
  auto side = [&](const Json& s) {
    const Json value = s.is_object() ? s.value("value", Json()) : Json();
    return QVariantMap{{"value", value.is_null() ? tr("(空)") : show(value)},
                       {"user", QString::fromStdString(s.is_object() ? s.value("user", "") : "")},
                       {"device", QString::fromStdString(s.is_object() ? s.value("device", "") : "").left(8)},
                       {"time", QString::fromStdString(s.is_object() ? s.value("received_at", s.value("hlc", "")) : "")}};
  };
  QString household = QString::fromStdString(c.value("household", ""));
  if (auto h = store.load(household.toStdString()); h && h->values.count("head_name"))
    household = tr("%1户 · %2").arg(DisplayFormat::toVariant(h->values.at("head_name")).toString(),
                                     DisplayFormat::toVariant(h->values.count("address") ? h->values.at("address")
                                                                                          : Json("")).toString());
  const Json base = c.value("base_value", Json());
  const QDateTime created = QDateTime::fromString(QString::fromStdString(c.value("created_at", "")), Qt::ISODate);
  return {{"id", QString::fromStdString(c.value("id", ""))},
          {"kind", QString::fromStdString(c.value("kind", ""))},
          {"kindLabel", kindLabel(c.value("kind", ""))},
          {"status", QString::fromStdString(c.value("status", ""))},
          {"statusLabel", statusLabel(c.value("status", ""))},
          {"policy", QString::fromStdString(c.value("policy", ""))},
          {"grid", QString::fromStdString(c.value("grid", ""))},
          {"gridName", Session::instance()->gridName(QString::fromStdString(c.value("grid", "")))},
          {"household", household},
          {"fieldKey", QString::fromStdString(c.value("field", ""))},
          {"record", QString::fromStdString(c.value("record", ""))},
          {"recordType", QString::fromStdString(c.value("record_type", ""))},
          {"field", field ? DisplayFormat::label(field->labels) : QString::fromStdString(c.value("field", ""))},
          {"fieldType", field ? QString::fromUtf8(synccore::fieldTypeName(field->type).data()) : QString()},
          {"base", c.contains("base_value") ? (base.is_null() ? tr("(空)") : show(base)) : tr("(未记录)")},
          {"server", side(c.value("server", Json()))},
          {"incoming", side(c.value("incoming", Json()))},
          {"provisional", c.value("provisional_value", Json()).is_null() ? tr("(空)") : show(c.value("provisional_value", Json()))},
          {"ageDays", created.isValid() ? static_cast<int>(created.daysTo(QDateTime::currentDateTimeUtc())) : 0},
          {"createdAt", created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd hh:mm"))}};
}

void ConflictInboxModel::reload() {
  std::map<std::string, std::string> query;
  for (const auto& [key, value] : {std::pair{"status", m_status}, {"grid", m_grid}, {"kind", m_kind},
                                   {"field", m_field}, {"household", m_household}})
    if (!value.isEmpty()) query[key] = value.toStdString();
  setBusy(true);
  m_api.get("/v1/conflicts", query, [this](const synccore::HttpResult& result) {
    if (!result.ok()) {
      setBusy(false, ServerApi::errorText(result));
      return;
    }
    m_conflicts = result.json.value("conflicts", Json::array());
    rebuildRows();
    setBusy(false);
  });
}

void ConflictInboxModel::rebuildRows() {
  beginResetModel();
  m_rows.clear();
  for (const auto& c : m_conflicts) {
    QVariantMap row = rowFor(c);
    if (m_olderThanDays > 0 && row.value("ageDays").toInt() < m_olderThanDays) continue;
    m_rows << row;
  }
  endResetModel();
  emit countChanged();
}

void ConflictInboxModel::resolve(const QString& conflictId, const QString& take, const QString& valueText,
                                 const QString& reason) {
  Json body{{"reason", reason.trimmed().toStdString()}};
  if (!take.isEmpty()) {
    body["take"] = take.toStdString();  // local, remote, restore or confirm_delete
  } else {
    // A merged value is typed as text and parsed by the field's type, like any form input.
    const QVariantMap* row = nullptr;
    for (const auto& r : m_rows)
      if (r.value("id").toString() == conflictId) row = &r;
    const auto& store = Session::instance()->store();
    const synccore::FieldDef* field = nullptr;
    if (const auto* def = row ? store.definition().record(row->value("recordType").toString().toStdString()) : nullptr)
      field = def->field(row->value("fieldKey").toString().toStdString());
    const auto parsed = field ? synccore::parseFieldInput(*field, valueText.toStdString())
                              : synccore::ParsedInput{Json(valueText.toStdString()), true, {}, {}};
    if (!parsed.ok) {
      emit resolved(false, DisplayFormat::chosen(parsed.messageZh, parsed.messageEn));
      return;
    }
    body["value"] = parsed.value;
  }
  decide(conflictId, "resolve", body);
}

void ConflictInboxModel::resolveWholeRecord(const QString& conflictId, const QString& take, const QString& reason) {
  decide(conflictId, "resolve",
         Json{{"take", take.toStdString()}, {"same_record", true}, {"reason", reason.trimmed().toStdString()}});
}

int ConflictInboxModel::otherForwardedOfRecord(const QString& conflictId) const {
  const auto forwardedOpen = [](const QVariantMap& r) {
    return r.value("kind").toString() == QLatin1String("out_of_scope") && r.value("status").toString() == QLatin1String("open");
  };
  QString record;
  for (const auto& r : m_rows)
    if (r.value("id").toString() == conflictId && forwardedOpen(r)) record = r.value("record").toString();
  if (record.isEmpty()) return 0;
  return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(), [&](const QVariantMap& r) {
    return forwardedOpen(r) && r.value("record").toString() == record && r.value("id").toString() != conflictId;
  }));
}

void ConflictInboxModel::merge(const QString& conflictId, const QString& keep, bool mergeHouseholds,
                               const QString& reason) {
  decide(conflictId, "merge",
         Json{{"keep", keep.toStdString()}, {"merge_households", mergeHouseholds}, {"reason", reason.trimmed().toStdString()}});
}

void ConflictInboxModel::decide(const QString& conflictId, const char* action, const Json& body) {
  if (body.value("reason", "").empty()) {
    emit resolved(false, tr("请填写处理理由"));
    return;
  }
  m_api.post("/v1/conflicts/" + conflictId.toStdString() + "/" + action, body,
             [this](const synccore::HttpResult& result) {
               emit resolved(result.ok(), result.ok() ? tr("已处理,决定会同步到相关平板") : ServerApi::errorText(result));
               if (!result.ok()) return;
               reload();
               if (auto* sync = SyncController::instance()) sync->syncNow();
             });
}

}  // namespace anju
