#include "review_controller.h"

#include "display_format.h"
#include "session.h"
#include "sync_controller.h"

namespace anju {

using synccore::Json;

void ReviewController::setHousehold(const QString& uuid) {
  if (uuid == m_household) return;
  m_household = uuid;
  m_state.clear();
  m_history.clear();
  emit householdChanged();
  emit changed();
  reload();
}

void ReviewController::take(const synccore::HttpResult& result) {
  const Json review = result.json.value("review", Json::object());
  m_state = QString::fromStdString(review.value("state", "none"));
  m_history.clear();
  for (const auto& h : result.json.value("history", Json::array()))
    m_history << QVariantMap{{"action", QString::fromStdString(h.value("action", ""))},
                             {"by", QString::fromStdString(h.value("by", ""))},
                             {"at", QString::fromStdString(h.value("at", "")).left(16).replace(QLatin1Char('T'), QLatin1Char(' '))},
                             {"note", QString::fromStdString(h.value("note", ""))}};
}

void ReviewController::reload() {
  if (m_household.isEmpty() || Session::instance()->role() != QLatin1String("supervisor")) return;
  m_busy = true;
  emit changed();
  m_api.get("/v1/households/" + m_household.toStdString() + "/review", {}, [this](const synccore::HttpResult& result) {
    m_busy = false;
    if (result.ok()) take(result);
    emit changed();
  });
}

void ReviewController::send(const char* action, const Json& body, const QString& success) {
  m_busy = true;
  emit changed();
  m_api.post("/v1/households/" + m_household.toStdString() + "/" + action, body,
             [this, success](const synccore::HttpResult& result) {
               m_busy = false;
               if (result.ok()) take(result);
               emit changed();
               emit finished(result.ok(), result.ok() ? success : ServerApi::errorText(result));
               if (result.ok())
                 if (auto* sync = SyncController::instance()) sync->syncNow();
             });
}

void ReviewController::returnToWorker(const QVariantList& comments, const QString& note) {
  Json list = Json::array();
  for (const auto& c : comments) {
    const QVariantMap m = c.toMap();
    Json item{{"field", m.value("field").toString().toStdString()},
              {"comment", m.value("comment").toString().trimmed().toStdString()}};
    if (m.contains("record") && !m.value("record").toString().isEmpty())
      item["record"] = m.value("record").toString().toStdString();
    if (!item["comment"].get<std::string>().empty()) list.push_back(item);
  }
  if (list.empty()) {
    emit finished(false, tr("请至少写一条修改意见"));
    return;
  }
  Json body{{"comments", list}};
  if (!note.trimmed().isEmpty()) body["note"] = note.trimmed().toStdString();
  send("return", body, tr("已退回给网格员,对方同步后会看到意见"));
}

void ReviewController::approve(const QString& note) {
  Json body = Json::object();
  if (!note.trimmed().isEmpty()) body["note"] = note.trimmed().toStdString();
  send("approve", body, tr("已审核通过"));
}

QVariantList ReviewController::fields() const {
  QVariantList out;
  const auto& def = Session::instance()->store().definition().requireRecord("household");
  for (const auto& f : def.fields)
    out << QVariantMap{{"key", QString::fromStdString(f.key)}, {"label", DisplayFormat::label(f.labels)}};
  return out;
}

}  // namespace anju
