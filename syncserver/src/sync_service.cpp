#include "sync_service.h"

#include "synccore/merge.h"
#include "synccore/random_id.h"
#include "synccore/validation.h"

#include <map>
#include <set>

namespace syncserver {

using synccore::Change;
using synccore::Hlc;
using synccore::kDeletedField;

namespace {

int64_t nowMs() { return synccore::HybridClock::systemWallMs(); }

Json rejection(const Change& c, const std::string& code, const std::string& en, const std::string& zh) {
  return Json{{"change_id", c.changeId}, {"outcome", "rejected"}, {"code", code}, {"message", en}, {"message_zh", zh}};
}

bool mayWriteRecords(const Session& s) { return s.user.role == Role::Worker || s.user.role == Role::Supervisor; }

}  // namespace

/// Records created by the changeset being checked, before they exist in the store.
struct SyncService::Pending {
  std::map<std::string, RecordInfo> created;
  std::optional<RecordInfo> find(RecordStore& records, const std::string& uuid) const {
    if (auto r = records.record(uuid)) return r;
    auto it = created.find(uuid);
    if (it != created.end()) return it->second;
    return std::nullopt;
  }
};

SyncService::SyncService(ServerState& state, int64_t tokenTtlMs) : m_state(state), m_tokenTtlMs(tokenTtlMs) {}

Reply SyncService::signIn(const Json& body) {
  if (!body.is_object() || !body.contains("user") || !body["user"].is_string() || !body.contains("password") ||
      !body["password"].is_string())
    return Reply::error(400, "bad_request", "send {\"user\": ..., \"password\": ...}", "请提供用户名和密码");
  for (const auto& [k, _] : body.items())
    if (k != "user" && k != "password" && k != "device")
      return Reply::error(400, "unknown_field", "unknown field " + k, "未知字段 " + k);
  synccore::Transaction tx(m_state.db());
  auto result = m_state.accounts().signIn(body["user"], body["password"], m_tokenTtlMs, nowMs());
  if (!result) return Reply::error(401, "bad_credentials", "wrong user name or password", "用户名或密码错误");
  tx.commit();
  const auto& [token, session] = *result;
  return Reply{200, Json{{"token", token},
                         {"expires_at_ms", session.expiresAtMs},
                         {"user", session.user.name},
                         {"role", roleName(session.user.role)},
                         {"grids", session.user.grids}}};
}

std::optional<Session> SyncService::authenticate(const std::string& token) {
  return m_state.accounts().authenticate(token, nowMs());
}

std::optional<Json> SyncService::checkChange(const Session& s, const Change& c, Pending& pending) {
  const auto& def = m_state.definition();
  const synccore::RecordTypeDef* type = def.record(c.recordType);
  if (!type)
    return rejection(c, "unknown_record_type", "unknown record type " + c.recordType, "未知的记录类型 " + c.recordType);
  const bool isDelete = c.field == kDeletedField;
  if (isDelete && c.value != true)
    return rejection(c, "invalid_value", "_deleted must be true", "删除标记必须为 true");
  if (isDelete && type->appendOnly)
    return rejection(c, "append_only", c.recordType + " records cannot be deleted", "该类记录不能删除");
  auto stamp = Hlc::parse(c.hlc);
  if (stamp->wallMs > nowMs() + synccore::HybridClock::kDefaultMaxDriftMs)
    return rejection(c, "clock_ahead", "the device clock is ahead of the server; set the tablet's date and time",
                     "平板时间比服务器快,请校正日期和时间");
  if (!isDelete) {
    synccore::Validator validator(def, synccore::CivilDate::today());
    Value value = c.value;
    auto failures = validator.checkValue(c.recordType, c.record, c.field, value);
    if (!failures.empty())
      return rejection(c, failures[0].rule == "unknown_field" ? "unknown_field" : "invalid_value",
                       failures[0].messageEn, failures[0].messageZh);
  }
  auto record = pending.find(m_state.records(), c.record);
  if (record) {
    if (record->type != c.recordType)
      return rejection(c, "record_type_mismatch", "record " + c.record + " is a " + record->type,
                       "记录类型不符");
    if (!c.parent.empty() && c.parent != record->parent)
      return rejection(c, "parent_mismatch", "the record belongs to another household", "记录所属的户不一致");
    if (type->appendOnly && m_state.records().field(c.record, c.field))
      return rejection(c, "append_only", "a saved visit cannot be changed", "走访记录提交后不能修改");
  } else if (type->parent.empty()) {
    return rejection(c, "missing_grid", "a new household needs its grid in the same changeset",
                     "新建户须在同一批次中提供网格");
  } else {
    auto parent = c.parent.empty() ? std::nullopt : pending.find(m_state.records(), c.parent);
    if (!parent || parent->type != type->parent)
      return rejection(c, "unknown_parent", "the household " + c.parent + " is unknown", "找不到所属的户 " + c.parent);
    record = RecordInfo{c.record, c.recordType, c.parent, parent->household, parent->grid, false};
    pending.created[c.record] = *record;
  }
  if (!s.mayAccessGrid(record->grid) ||
      (c.recordType == "household" && c.field == "grid" && c.value.is_string() && !s.mayAccessGrid(c.value)))
    return rejection(c, "out_of_scope", "grid " + record->grid + " is not assigned to you",
                     "网格 " + record->grid + " 不在您的负责范围内");
  return std::nullopt;
}

Json SyncService::currentState(const RecordInfo& record, const std::string& field) {
  auto info = m_state.records().record(record.uuid);
  auto side = m_state.records().field(record.uuid, field);
  auto tomb = m_state.records().field(record.uuid, kDeletedField);
  Json current{{"value", side ? side->value : Json()},
               {"version", side ? Json(side->version) : Json()},
               {"record_deleted", info && info->deleted}};
  if (tomb) current["deleted_version"] = tomb->version;
  return current;
}

Json SyncService::applyChange(const Session& s, const std::string& device, const Change& c, Pending& pending) {
  auto& records = m_state.records();
  auto info = records.record(c.record);
  if (!info) {
    info = pending.created.at(c.record);
    records.createRecord(*info);
  }
  const auto* type = m_state.definition().record(c.recordType);
  const auto* fieldDef = type->field(c.field);
  const auto policy = fieldDef ? fieldDef->merge : synccore::MergePolicy::Review;
  const auto serverSide = records.field(c.record, c.field);
  synccore::ServerField server{true, info->deleted, serverSide ? std::optional(serverSide->version) : std::nullopt,
                               serverSide ? serverSide->value : Json(), records.newestVersion(c.record)};
  Value value = c.value;
  if (fieldDef) {
    synccore::Validator validator(m_state.definition(), synccore::CivilDate::today());
    validator.checkValue(c.recordType, c.record, c.field, value);  // normalise (checked before)
  }
  const auto decision = synccore::decideMerge(server, {c.field, value, c.baseVersion, c.hlc}, policy);
  m_state.observe(*Hlc::parse(c.hlc));
  const FieldSide incoming{value, c.hlc, s.user.name, device, c.changeId};
  if (decision.applies()) records.apply(*info, c.field, incoming);

  Json result{{"change_id", c.changeId}, {"outcome", "applied"}, {"applied", decision.applies()}};
  const auto logConflict = [&](synccore::ConflictKind kind, bool open, Json serverJson, Json decisionJson) {
    Conflict conflict;
    conflict.kind = std::string(synccore::conflictKindName(kind));
    conflict.status = open ? "open" : "auto_resolved";
    conflict.policy = std::string(synccore::mergePolicyName(policy));
    conflict.recordUuid = c.record;
    conflict.recordType = c.recordType;
    conflict.household = info->household;
    conflict.grid = info->grid;
    conflict.field = c.field;
    conflict.baseVersion = c.baseVersion ? Json(*c.baseVersion) : Json();
    conflict.serverSide = std::move(serverJson);
    conflict.incomingSide = incoming.toJson();
    conflict.incomingSide["received_at"] = utcNowIso();
    auto now = records.field(c.record, c.field);
    conflict.provisional = now ? now->value : Json();
    conflict.decision = std::move(decisionJson);
    auto added = m_state.conflicts().add(conflict, "system");
    result["outcome"] = "conflict";
    result["conflict_id"] = added.id;
    result["conflict_kind"] = added.kind;
  };
  if (decision.conflict != synccore::ConflictKind::None) {
    Json decisionJson;
    if (!decision.needsReview)
      decisionJson = Json{{"by", "system"},
                          {"at", utcNowIso()},
                          {"rule", "newer_hlc_wins"},
                          {"winner", decision.action == synccore::MergeAction::IncomingWins ? "incoming" : "server"},
                          {"final_value", decision.action == synccore::MergeAction::IncomingWins
                                              ? value
                                              : (serverSide ? serverSide->value : Json())}};
    logConflict(decision.conflict, decision.needsReview, serverSide ? serverSide->toJson() : Json(), decisionJson);
  }
  if (decision.applies() && c.recordType == "person" && c.field == "id_number" && value.is_string()) {
    auto others = records.personsWithIdNumber(value, c.record);
    if (!others.empty()) {
      Json other{{"person", others.front()}};
      if (auto side = records.field(others.front(), "id_number")) other.update(side->toJson());
      logConflict(synccore::ConflictKind::DuplicatePerson, true, other, Json());
    }
  }
  result["current"] = currentState(*info, c.field);
  m_state.db().cached("INSERT INTO applied_changes(change_id, outcome) VALUES(?, ?)")
      .bind(1, c.changeId)
      .bind(2, result.dump())
      .run();
  return result;
}

Reply SyncService::push(const Session& s, const Json& body) {
  if (!mayWriteRecords(s)) return forbidden();
  synccore::Changeset cs;
  try {
    cs = synccore::changesetFromJson(body);
  } catch (const synccore::WireError& e) {
    return Reply::error(400, "bad_request", e.what(), std::string("请求格式错误: ") + e.what());
  }
  const std::string digest = cs.digest();
  synccore::Transaction tx(m_state.db());
  auto known = m_state.db().cached("SELECT user_name, digest, response FROM changesets WHERE id=?");
  known.bind(1, cs.id);
  if (known.step()) {
    if (known.text(0) == s.user.name && known.text(1) == digest) return Reply{200, Json::parse(known.text(2))};
    return Reply::error(409, "changeset_mismatch", "this changeset id was already used with different content",
                        "该批次编号已被使用且内容不同");
  }
  // Check every change before writing anything: a bad changeset changes nothing.
  Pending pending;
  std::map<std::string, std::string> newHouseholdGrids;
  for (const auto& c : cs.changes)
    if (c.recordType == "household" && c.field == "grid" && c.value.is_string() && !m_state.records().record(c.record))
      newHouseholdGrids[c.record] = c.value;
  for (const auto& [uuid, grid] : newHouseholdGrids)
    pending.created[uuid] = RecordInfo{uuid, "household", "", uuid, grid, false};
  Json rejected = Json::array();
  bool outOfScope = false;
  auto seen = m_state.db().cached("SELECT outcome FROM applied_changes WHERE change_id=?");
  for (const auto& c : cs.changes) {
    seen.bind(1, c.changeId);
    const bool duplicate = seen.step();
    seen.reset();
    if (duplicate) continue;
    if (auto problem = checkChange(s, c, pending)) {
      outOfScope = outOfScope || (*problem)["code"] == "out_of_scope";
      rejected.push_back(*problem);
    }
  }
  if (!rejected.empty()) {
    const int status = outOfScope ? 403 : 422;
    return Reply::error(status, outOfScope ? "out_of_scope" : "invalid_changes",
                        std::to_string(rejected.size()) + " change(s) were refused; nothing was applied",
                        std::to_string(rejected.size()) + " 条修改被拒绝,本批次未写入任何数据",
                        Json{{"rejected", rejected}});
  }
  Json results = Json::array();
  for (const auto& c : cs.changes) {
    seen.bind(1, c.changeId);
    if (seen.step()) {
      Json first = Json::parse(seen.text(0));
      seen.reset();
      results.push_back(Json{{"change_id", c.changeId}, {"outcome", "duplicate"}, {"first", first},
                             {"current", first.value("current", Json())}});
      continue;
    }
    seen.reset();
    results.push_back(applyChange(s, cs.device, c, pending));
  }
  m_state.saveClock();
  Json response{{"id", cs.id}, {"results", results}, {"last_seq", m_state.records().lastSeq()}};
  m_state.db().cached("INSERT INTO changesets(id, user_name, digest, response, received_ms) VALUES(?,?,?,?,?)")
      .bind(1, cs.id).bind(2, s.user.name).bind(3, digest).bind(4, response.dump()).bind(5, nowMs()).run();
  tx.commit();
  return Reply{200, response};
}

Reply SyncService::pull(const Session& s, int64_t after, size_t limit) {
  if (!mayWriteRecords(s)) return forbidden();
  if (after < 0 || limit == 0 || limit > kMaxPullPage)
    return Reply::error(400, "bad_request", "after >= 0 and 1 <= limit <= 1000", "参数 after/limit 超出范围");
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  auto changes = m_state.records().changesAfter(after, limit + 1, s.seesAllGrids(), s.user.grids);
  const bool more = changes.size() > limit;
  if (more) changes.pop_back();
  // Past the last visible change the cursor may skip changes of other grids.
  const int64_t next = more ? changes.back().seq : std::max(after, m_state.records().lastSeq());
  Json list = Json::array();
  for (const auto& c : changes) list.push_back(c.toJson());
  return Reply{200, Json{{"changes", list}, {"next_after", next}, {"has_more", more}}};
}

Reply SyncService::snapshot(const Session& s) {
  if (!mayWriteRecords(s)) return forbidden();
  return Reply{200, m_state.records().snapshot(s.seesAllGrids(), s.user.grids)};
}

}  // namespace syncserver
