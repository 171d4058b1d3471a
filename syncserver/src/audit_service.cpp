#include "audit_service.h"

#include "server_time.h"

#include <sstream>

namespace syncserver {

namespace {
bool mayReadAudit(const Session& s) {
  return s.user.role == Role::Auditor || s.user.role == Role::Admin || s.user.role == Role::Supervisor;
}
}  // namespace

std::variant<AuditFilter, Reply> AuditService::filter(const Session& s, const QueryParams& query, bool allowFormat) {
  AuditFilter f;
  const std::map<std::string, std::optional<std::string> AuditFilter::*> texts = {
      {"from", &AuditFilter::from},         {"to", &AuditFilter::to},         {"kind", &AuditFilter::kind},
      {"actor", &AuditFilter::actor},       {"user", &AuditFilter::user},     {"conflict", &AuditFilter::conflictId},
      {"record", &AuditFilter::recordUuid}, {"grid", &AuditFilter::grid},     {"field", &AuditFilter::field},
      {"decision", &AuditFilter::decision}};
  for (const auto& [name, value] : query) {
    if (auto it = texts.find(name); it != texts.end()) {
      if (!value.empty()) f.*(it->second) = value;
    } else if (name == "after" || name == "limit") {
      auto n = wholeNumber(value);
      if (!n || *n < 0 || *n > (name == "limit" ? 100000 : INT64_MAX))
        return Reply::error(400, "bad_request", name + " must be a whole number", "参数 " + name + " 须为整数");
      if (name == "after") f.afterSeq = *n;
      else f.limit = static_cast<size_t>(*n);
    } else if (!(allowFormat && name == "format")) {
      return Reply::error(400, "unknown_field", "unknown query parameter " + name, "未知的查询参数 " + name);
    }
  }
  if (f.grid && !s.mayAccessGrid(*f.grid)) return outOfScope(*f.grid);
  if (!s.seesAllGrids()) f.grids = s.user.grids;
  return f;
}

Reply AuditService::entries(const Session& s, const QueryParams& query) {
  if (!mayReadAudit(s)) return forbidden();
  auto f = filter(s, query, false);
  if (auto* refusal = std::get_if<Reply>(&f)) return *refusal;
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  Json list = Json::array();
  for (const auto& e : m_state.audit().entries(std::get<AuditFilter>(f))) list.push_back(e.toJson());
  return Reply{200, Json{{"entries", list}, {"verification", m_state.audit().verify().toJson()}}};
}

Reply AuditService::verify(const Session& s) {
  if (!mayReadAudit(s)) return forbidden();
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  const auto head = m_state.audit().head();
  return Reply{200, Json{{"verification", m_state.audit().verify().toJson()},
                         {"head", head ? head->toJson() : Json()},
                         {"public_key_fingerprint", m_state.signingKey().fingerprint()}}};
}

Reply AuditService::exportLog(const Session& s, const QueryParams& query) {
  if (!mayReadAudit(s)) return forbidden();
  const auto format = query.count("format") ? query.at("format") : std::string("csv");
  if (format != "csv" && format != "json")
    return Reply::error(400, "bad_request", "format must be csv or json", "格式须为 csv 或 json");
  auto f = filter(s, query, true);
  if (auto* refusal = std::get_if<Reply>(&f)) return *refusal;
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  std::ostringstream out;
  if (format == "csv") m_state.audit().exportCsv(out, std::get<AuditFilter>(f));
  else m_state.audit().exportJson(out, std::get<AuditFilter>(f));
  return Reply::download(format == "csv" ? "text/csv" : "application/json", "audit-log." + format, out.str());
}

}  // namespace syncserver
