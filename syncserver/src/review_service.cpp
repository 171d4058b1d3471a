#include "review_service.h"

#include "server_time.h"

#include <algorithm>

namespace syncserver {

namespace {

/// One step of the loop: who may take it, from which states, and the state it leads to.
struct Step {
  const char* action;
  Role role;
  std::vector<std::string> from;  // "" = never reviewed
  const char* to;
  const char* refusalCode;
  const char* refusalEn;
  const char* refusalZh;
};

const Step* stepFor(const std::string& action) {
  static const Step steps[] = {
      {"return", Role::Supervisor, {"", "resubmitted", "approved"}, "returned", "already_returned",
       "the household is already returned to its worker", "该户已退回,正在等待网格员修改"},
      {"resubmit", Role::Worker, {"returned"}, "resubmitted", "not_returned",
       "only a returned household can be resubmitted", "该户未被退回,无需重新提交"},
      {"approve", Role::Supervisor, {"resubmitted"}, "approved", "not_resubmitted",
       "only a resubmitted household can be approved", "该户尚未重新提交,不能审核通过"},
  };
  for (const auto& s : steps)
    if (action == s.action) return &s;
  return nullptr;
}

}  // namespace

std::optional<Reply> ReviewService::checkComments(const std::string& household, const Json& comments) {
  if (!comments.is_array() || comments.empty() || comments.size() > 200)
    return Reply::error(400, "comments_required", "comments must be a list of 1 to 200 {field, comment}",
                        "请至少对一个字段填写意见");
  for (size_t i = 0; i < comments.size(); ++i) {
    const Json& c = comments[i];
    const std::string path = "comments[" + std::to_string(i) + "]";
    if (auto bad = checkMembers(c, {"field", "comment", "record"})) return *bad;
    if (auto bad = checkReason(c, "comment")) return *bad;
    if (c.contains("record") && !c["record"].is_string())
      return Reply::error(400, "bad_request", path + ".record must be a record UUID", "意见所指记录须为UUID");
    auto info = m_state.records().record(c.value("record", household));
    if (!c.contains("field") || !c["field"].is_string() || !info || info->household != household)
      return Reply::error(400, "bad_request", path + " needs a field and, for a member or visit, its record",
                          "意见须指明字段(成员或走访还须指明记录)");
    const auto* type = m_state.definition().record(info->type);
    if (!type || !type->field(c["field"].get<std::string>()))
      return Reply::error(400, "unknown_field", path + ".field " + c["field"].get<std::string>() + " is not a " +
                                                    info->type + " field",
                          "字段 " + c["field"].get<std::string>() + " 不存在");
  }
  return std::nullopt;
}

Reply ReviewService::step(const Session& s, const std::string& household, const Json& body, const std::string& action) {
  const Step& rule = *stepFor(action);
  if (s.user.role != rule.role) return forbidden();
  if (action == "return") {
    if (auto bad = checkMembers(body, {"comments", "note"})) return *bad;
  } else if (auto bad = checkMembers(body, {"note"})) {
    return *bad;
  }
  if (auto bad = checkReason(body, "note", false)) return *bad;
  synccore::Transaction tx(m_state.db());
  auto info = m_state.records().record(household);
  if (!info || info->type != "household")
    return Reply::error(404, "not_found", "no such household", "找不到该户");
  if (!s.mayAccessGrid(info->grid)) return outOfScope(info->grid);
  if (info->deleted) return Reply::error(409, "deleted", "the household is deleted", "该户已删除");
  auto current = m_state.reviews().get(household);
  const std::string from = current ? current->state : "";
  if (std::find(rule.from.begin(), rule.from.end(), from) == rule.from.end())
    return Reply::error(409, rule.refusalCode, rule.refusalEn, rule.refusalZh, Json{{"state", from}});
  HouseholdReview next = current.value_or(HouseholdReview{});
  next.household = household;
  next.grid = info->grid;
  next.state = rule.to;
  next.updatedBy = s.user.name;
  next.updatedAt = utcNowIso();
  next.note = body.value("note", "");
  if (action == "return") {
    if (auto bad = checkComments(household, body.value("comments", Json()))) return *bad;
    next.comments = body["comments"];
    for (auto& c : next.comments)
      if (!c.contains("record")) c["record"] = household;
    next.worker = m_state.reviews().lastWorker(household);
  }
  Json audit{{"household", household}, {"grid", info->grid}, {"from_state", from}, {"state", next.state},
             {"comments", next.comments}, {"worker", next.worker}, {"note", next.note}, {"by", s.user.name}};
  if (!next.note.empty()) audit["reason"] = next.note;
  auto entry = m_state.audit().append(action, s.user.name, audit, "", household);
  next = m_state.reviews().set(next, action, entry.seq);
  tx.commit();
  return Reply{200, Json{{"review", next.toJson()}, {"history", m_state.reviews().history(household)}}};
}

Reply ReviewService::returnHousehold(const Session& s, const std::string& household, const Json& body) {
  return step(s, household, body, "return");
}

Reply ReviewService::resubmit(const Session& s, const std::string& household, const Json& body) {
  return step(s, household, body, "resubmit");
}

Reply ReviewService::approve(const Session& s, const std::string& household, const Json& body) {
  return step(s, household, body, "approve");
}

Reply ReviewService::get(const Session& s, const std::string& household) {
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  auto info = m_state.records().record(household);
  if (!info || info->type != "household") return Reply::error(404, "not_found", "no such household", "找不到该户");
  if (!s.mayAccessGrid(info->grid)) return outOfScope(info->grid);
  auto review = m_state.reviews().get(household);
  Json state = review ? review->toJson() : Json{{"household", household}, {"grid", info->grid}, {"state", "none"}};
  return Reply{200, Json{{"review", state}, {"history", m_state.reviews().history(household)}}};
}

Reply ReviewService::list(const Session& s, const QueryParams& query) {
  int64_t after = 0, limit = 500;
  std::string state;
  for (const auto& [name, value] : query) {
    if (name == "after" || name == "limit") {
      auto n = wholeNumber(value);
      if (!n || *n < 0 || (name == "limit" && (*n < 1 || *n > static_cast<int64_t>(kMaxPage))))
        return Reply::error(400, "bad_request", "after >= 0 and 1 <= limit <= " + std::to_string(kMaxPage),
                            "参数 after/limit 超出范围(limit 为 1–" + std::to_string(kMaxPage) + ")");
      (name == "after" ? after : limit) = *n;
    } else if (name == "state") {
      if (value != "returned" && value != "resubmitted" && value != "approved" && !value.empty())
        return Reply::error(400, "bad_request", "state must be returned, resubmitted or approved", "状态参数不正确");
      state = value;
    } else {
      return Reply::error(400, "unknown_field", "unknown query parameter " + name, "未知的查询参数 " + name);
    }
  }
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  auto page = m_state.reviews().changedAfter(after, static_cast<size_t>(limit) + 1, s.seesAllGrids(), s.user.grids,
                                             state);
  const bool more = page.size() > static_cast<size_t>(limit);
  if (more) page.pop_back();
  Json list = Json::array();
  for (const auto& r : page) list.push_back(r.toJson());
  // Like the change pull: past the last visible review the cursor may skip other grids' reviews.
  int64_t next = after;
  if (more) {
    next = page.back().seq;
  } else {
    auto last = m_state.db().cached("SELECT coalesce(max(seq), 0) FROM reviews");
    last.step();
    next = std::max(after, last.int64(0));
  }
  return Reply{200, Json{{"reviews", list}, {"next_after", next}, {"has_more", more}}};
}

}  // namespace syncserver
