#include "audit_log_model.h"

#include "display_format.h"
#include "session.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace anju {

using synccore::Json;

namespace {

QString kindLabel(const std::string& kind) {
  if (kind == "conflict") return QObject::tr("发现冲突");
  if (kind == "decision") return QObject::tr("裁决");
  if (kind == "return") return QObject::tr("退回");
  if (kind == "approve") return QObject::tr("审核通过");
  if (kind == "merge") return QObject::tr("合并人员");
  if (kind == "user") return QObject::tr("账号变更");
  if (kind == "grid") return QObject::tr("网格命名");
  return QString::fromStdString(kind);
}

QString roleLabel(const QString& role) {
  if (role == QLatin1String("worker")) return QObject::tr("网格员");
  if (role == QLatin1String("supervisor")) return QObject::tr("网格长");
  if (role == QLatin1String("auditor")) return QObject::tr("审计员");
  if (role == QLatin1String("admin")) return QObject::tr("管理员");
  return role;
}

/// One line for an administrator's change (kinds "user" and "grid"); empty for other entries.
QString adminChange(const std::string& kind, const Json& body) {
  if (!body.is_object()) return {};
  const auto text = [&body](const char* key) {
    const auto found = body.find(key);
    return QString::fromStdString(found != body.end() && found->is_string() ? found->get<std::string>() : "");
  };
  const auto grids = [&body](const char* key) {
    const QStringList list = DisplayFormat::texts(body.value(key, Json()));
    return list.isEmpty() ? QObject::tr("全部") : list.join(QLatin1Char(' '));
  };
  const std::string action = body.value("action", "");
  if (kind == "user" && action == "add")
    return QObject::tr("新增账号 %1(%2)· 网格:%3").arg(text("user"), roleLabel(text("role")), grids("grids"));
  if (kind == "user" && action == "revoke") return QObject::tr("停用账号 %1").arg(text("user"));
  if (kind == "user" && action == "grids")
    return QObject::tr("账号 %1 的网格:%2 → %3").arg(text("user"), grids("from"), grids("to"));
  if (kind == "user" && action == "password") return QObject::tr("重设账号 %1 的密码").arg(text("user"));
  if (kind == "grid" && action == "name")
    return text("previous_name").isEmpty()
               ? QObject::tr("网格 %1 命名为「%2」").arg(text("grid"), text("name"))
               : QObject::tr("网格 %1 由「%2」改名为「%3」").arg(text("grid"), text("previous_name"), text("name"));
  return {};
}

QString csvCell(QString text) {
  if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n')))
    text = QLatin1Char('"') + text.replace(QLatin1String("\""), QLatin1String("\"\"")) + QLatin1Char('"');
  return text;
}

}  // namespace

AuditLogModel::AuditLogModel(QObject* parent) : QAbstractListModel(parent) {}

int AuditLogModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant AuditLogModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size() || role != EntryRole) return {};
  return m_rows[index.row()];
}

void AuditLogModel::setFilter(QString& member, const QString& value) {
  if (member == value) return;
  member = value;
  emit filtersChanged();
  reload();
}

QVariantMap AuditLogModel::rowFor(const Json& e) const {
  Json body = e.value("body", Json());
  if (body.is_string()) body = Json::parse(body.get<std::string>(), nullptr, false);
  const Json conflict = body.contains("conflict") ? body["conflict"] : body;
  const Json decision = body.value("decision", Json());
  const auto& definition = Session::instance()->store().definition();
  const auto* def = conflict.is_object() ? definition.record(conflict.value("record_type", "")) : nullptr;
  const auto* field = def ? def->field(conflict.value("field", "")) : nullptr;
  auto show = [&](const Json& v) {
    return v.is_null() ? tr("(空)") : field ? DisplayFormat::text(*field, v) : QString::fromStdString(v.dump());
  };
  auto sideValue = [&](const char* key) {
    return conflict.is_object() && conflict.contains(key) && conflict[key].is_object()
               ? show(conflict[key].value("value", Json()))
               : QString();
  };
  return {{"seq", static_cast<qlonglong>(e.value("seq", int64_t{0}))},
          {"kind", QString::fromStdString(e.value("kind", ""))},
          {"kindLabel", kindLabel(e.value("kind", ""))},
          {"actor", QString::fromStdString(e.value("actor", ""))},
          {"at", QString::fromStdString(e.value("recorded_at", "")).left(19).replace(QLatin1Char('T'), QLatin1Char(' '))},
          {"conflictId", e.value("conflict_id", Json()).is_string()
                             ? QString::fromStdString(e["conflict_id"].get<std::string>()) : QString()},
          {"grid", QString::fromStdString(conflict.is_object() ? conflict.value("grid", "") : "")},
          {"fieldKey", QString::fromStdString(conflict.is_object() ? conflict.value("field", "") : "")},
          {"field", field ? DisplayFormat::label(field->labels) : QString()},
          {"serverValue", sideValue("server")},
          {"incomingValue", sideValue("incoming")},
          {"take", QString::fromStdString(decision.is_object() ? decision.value("take", "") : "")},
          {"finalValue", decision.is_object() ? show(decision.value("final_value", Json())) : QString()},
          {"reason", QString::fromStdString(decision.is_object() ? decision.value("reason", "")
                                                                 : body.is_object() ? body.value("reason", "") : "")},
          {"detail", adminChange(e.value("kind", ""), body)},
          {"hash", QString::fromStdString(e.value("hash", "")).left(12)}};
}

void AuditLogModel::reload() {
  std::map<std::string, std::string> query;
  for (const auto& [key, value] : {std::pair{"from", m_from}, {"to", m_to}, {"kind", m_kind}, {"actor", m_actor},
                                   {"conflict", m_conflict}})
    if (!value.isEmpty()) query[key] = value.toStdString();
  m_busy = true;
  emit busyChanged();
  m_api.get("/v1/audit", query, [this](const synccore::HttpResult& result) {
    m_busy = false;
    m_error = result.ok() ? QString() : ServerApi::errorText(result);
    if (result.ok()) {
      beginResetModel();
      m_rows.clear();
      for (const auto& e : result.json.value("entries", Json::array())) {
        QVariantMap row = rowFor(e);
        if ((!m_grid.isEmpty() && row.value("grid") != m_grid) ||
            (!m_field.isEmpty() && row.value("fieldKey") != m_field) ||
            (!m_decision.isEmpty() && row.value("take") != m_decision))
          continue;
        m_rows.prepend(row);  // newest first
      }
      endResetModel();
      const Json v = result.json.value("verification", Json::object());
      m_chainOk = v.value("ok", false);
      m_chainText = m_chainOk ? tr("哈希链完整,签名有效(共 %n 条)", "", v.value("entries", 0))
                              : tr("日志被改动:第 %1 条起校验失败 — %2")
                                    .arg(v.value("first_bad_seq", Json(0)).is_number() ? v["first_bad_seq"].get<int64_t>() : 0)
                                    .arg(DisplayFormat::chosen(v.value("problem_zh", ""), v.value("problem", "")));
      emit countChanged();
    }
    emit busyChanged();
  });
}

QVariantMap AuditLogModel::exportCsv(const QString& requestedPath) const {
  const QString path = !requestedPath.isEmpty() ? requestedPath
      : QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
            QStringLiteral("/anju-audit-%1.csv").arg(QDate::currentDate().toString(Qt::ISODate));
  QDir().mkpath(QFileInfo(path).absolutePath());
  QFile file(path);
  auto failed = [&](const QString& why) { return QVariantMap{{"ok", false}, {"path", path}, {"error", why}}; };
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) return failed(tr("无法写入 %1").arg(path));
  QStringList lines{QStringLiteral("seq,kind,actor,recorded_at,conflict_id,grid,field,server_value,incoming_value,"
                                   "take,final_value,reason,hash")};
  for (const auto& r : m_rows) {
    QStringList cells;
    for (const char* key : {"seq", "kind", "actor", "at", "conflictId", "grid", "fieldKey", "serverValue",
                            "incomingValue", "take", "finalValue", "reason", "hash"})
      cells << csvCell(r.value(QString::fromLatin1(key)).toString());
    lines << cells.join(QLatin1Char(','));
  }
  file.write("\xEF\xBB\xBF");
  file.write((lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n")).toUtf8());
  if (file.error() != QFile::NoError) return failed(file.errorString());
  return {{"ok", true}, {"path", path}, {"error", QString()}};
}

}  // namespace anju
