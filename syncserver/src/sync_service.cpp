#include "sync_service.h"

#include "merge_context.h"
#include "out_of_scope_forwarding.h"

#include "synccore/changeset_columns.h"
#include "synccore/merge.h"
#include "synccore/random_id.h"
#include "synccore/validation.h"

#include <map>
#include <optional>
#include <variant>
#include <vector>

namespace syncserver {

using synccore::Change;
using synccore::Hlc;
using synccore::kDeletedField;

namespace {

int64_t nowMs() { return synccore::HybridClock::systemWallMs(); }

/// The answer to a change already merged from an earlier changeset.
Json duplicateAnswer(Json first) {
  Json current = first.value("current", Json());
  const std::string changeId = first.value("change_id", "");
  return Json{{"change_id", changeId}, {"outcome", "duplicate"}, {"first", std::move(first)}, {"current", std::move(current)}};
}

/// A change's first answer as stored ('' for "applied as sent").
Json storedAnswer(const Change& c, const std::string& text) {
  return text.empty() ? synccore::plainPushResult(c) : Json::parse(text);
}

Json rejection(const Change& c, const std::string& code, const std::string& en, const std::string& zh) {
  return Json{{"change_id", c.changeId}, {"outcome", "rejected"}, {"code", code}, {"message", en}, {"message_zh", zh}};
}

/// A field's state on the server as answers carry it ("current"): its value and version (null when
/// never set), the record's deleted flag and, when that was ever set, the flag's version.
Json currentState(const FieldSide* now, bool recordDeleted, const std::optional<std::string>& tomb) {
  Json current{{"value", now ? now->value : Json()},
               {"version", now ? Json(now->version) : Json()},
               {"record_deleted", recordDeleted}};
  if (tomb) current["deleted_version"] = *tomb;
  return current;
}

/// A push answer saying that this server orders pipelined pushes (honours `after`).
Json withOrdering(Json answer) {
  answer["accepts_after"] = true;
  return answer;
}

bool mayWriteRecords(const Session& s) { return s.user.role == Role::Worker || s.user.role == Role::Supervisor; }

}  // namespace

/// A change the server has seen: its first answer ('' for "applied as sent") and where that is kept.
/// A change applied as sent keeps no answer row: its change log row (the first, by seq) is the mark.
struct SyncService::FirstSeen {
  std::string answer;
  std::optional<std::string> changesetId;  // with an answer row: the changeset that first carried it
  int64_t logSeq = 0;                      // without one: the seq of its change log row
};

/// One push in progress: the records it touches, the values as validated, and the answers of
/// changes seen in earlier changesets.
struct SyncService::Pending {
  explicit Pending(RecordStore& records, const synccore::SurveyDefinition& def)
      : records(records), validator(def, synccore::CivilDate::today()) {}
  MergeContext records;
  synccore::Validator validator;
  std::vector<Value> values;                     // per change, normalised by the check
  std::vector<std::optional<std::string>> first; // per change, the stored answer of a duplicate
  std::map<int64_t, int64_t> newestLogged;       // by version device id: its newest logged stamp
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
                         {"grids", session.user.grids},
                         {"grid_names", m_state.grids().visible(session.seesAllGrids(), session.user.grids)}}};
}

Reply SyncService::gridNames(const Session& s) {
  Json list = Json::array();
  for (const auto& [code, name] : m_state.grids().visible(s.seesAllGrids(), s.user.grids))
    list.push_back(Json{{"code", code}, {"name", name}});
  return Reply{200, Json{{"grids", std::move(list)}}};
}

std::optional<Session> SyncService::authenticate(const std::string& token) {
  return m_state.accounts().authenticate(token, nowMs());
}

std::optional<Json> SyncService::checkChange(const Session& s, const Change& c, Value& value, Pending& pending) {
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
    auto failures = pending.validator.checkValue(c.recordType, c.record, c.field, value);
    if (!failures.empty())
      return rejection(c, failures[0].rule == "unknown_field" ? "unknown_field" : "invalid_value",
                       failures[0].messageEn, failures[0].messageZh);
  }
  auto record = pending.records.find(c.record);
  if (record) {
    if (record->type != c.recordType)
      return rejection(c, "record_type_mismatch", "record " + c.record + " is a " + record->type,
                       "记录类型不符");
    if (!c.parent.empty() && c.parent != record->parent)
      return rejection(c, "parent_mismatch", "the record belongs to another household", "记录所属的户不一致");
    if (type->appendOnly && m_state.records().fieldValue(*record, c.field))
      return rejection(c, "append_only", "a saved visit cannot be changed", "走访记录提交后不能修改");
  } else if (type->parent.empty()) {
    return rejection(c, "missing_grid", "a new household needs its grid in the same changeset",
                     "新建户须在同一批次中提供网格");
  } else {
    auto parent = c.parent.empty() ? std::nullopt : pending.records.find(c.parent);
    if (!parent || parent->type != type->parent)
      return rejection(c, "unknown_parent", "the household " + c.parent + " is unknown", "找不到所属的户 " + c.parent);
    record = RecordInfo{c.record, c.recordType, c.parent, parent->household, parent->grid, false, std::nullopt};
    pending.records.plan(*record);
  }
  if (!s.mayAccessGrid(record->grid) ||
      (c.recordType == "household" && c.field == "grid" && c.value.is_string() && !s.mayAccessGrid(c.value)))
    return rejection(c, "out_of_scope", "grid " + record->grid + " is not assigned to you",
                     "网格 " + record->grid + " 不在您的负责范围内");
  return std::nullopt;
}

std::optional<Json> SyncService::refusedFieldState(const Session& s, const Change& c, Pending& pending) {
  // Only of a stored record of the change's type in the caller's grids: nothing is told of others,
  // and a record the server does not hold has no state to return to (the device keeps its values).
  const auto record = pending.records.find(c.record);
  if (!record || record->id == 0 || record->type != c.recordType || !s.mayAccessGrid(record->grid)) return std::nullopt;
  const auto side = m_state.records().fieldValue(*record, c.field);
  return currentState(side ? &*side : nullptr, record->deleted, pending.records.tombstoneVersion(c.record));
}

std::optional<Json> SyncService::applyChange(const Session& s, const synccore::Changeset& cs, const Change& c, const Value& value,
                              Pending& pending) {
  const std::string& device = cs.device;
  const std::string& changesetId = cs.id;
  auto& records = m_state.records();
  const RecordInfo& info = pending.records.materialise(c.record);
  const bool isDelete = c.field == kDeletedField;
  const auto* fieldDef = m_state.definition().record(c.recordType)->field(c.field);
  const auto policy = fieldDef ? fieldDef->merge : synccore::MergePolicy::Review;
  const auto serverSide = records.fieldValue(info, c.field);
  // Only a delete is judged against the record's newest write.
  synccore::ServerField server{true, info.deleted, serverSide ? std::optional(serverSide->version) : std::nullopt,
                               serverSide ? serverSide->value : Json(),
                               isDelete ? records.newestVersion(info) : std::nullopt};
  const auto decision = synccore::decideMerge(server, {c.field, value, c.baseVersion, c.hlc}, policy);
  // The server's side with its writer, for the conflict log only, read before the change overwrites it.
  const auto serverWithWriter =
      decision.conflict != synccore::ConflictKind::None && serverSide ? records.field(c.record, c.field) : std::nullopt;
  m_state.observe(*Hlc::parse(c.hlc));
  const FieldSide incoming{value, c.hlc, s.user.name, device, c.changeId};
  if (decision.applies()) {
    records.apply(info, c.field, incoming, serverSide.has_value());
    pending.records.noteApplied(c.record, c.field, value, c.hlc);
  }
  // The field as it stands after this change.
  const FieldSide* now = decision.applies() ? &incoming : (serverSide ? &*serverSide : nullptr);

  std::string conflictId, conflictKind;  // of the last conflict this change logged
  const auto logConflict = [&](synccore::ConflictKind kind, bool open, Json serverJson, Json decisionJson) {
    Conflict conflict = conflictAbout(c, info, incoming);
    conflict.kind = std::string(synccore::conflictKindName(kind));
    conflict.status = open ? "open" : "auto_resolved";
    conflict.policy = std::string(synccore::mergePolicyName(policy));
    conflict.serverSide = std::move(serverJson);
    conflict.provisional = now ? now->value : Json();
    conflict.decision = std::move(decisionJson);
    auto added = m_state.conflicts().add(conflict, "system");
    conflictId = added.id;
    conflictKind = added.kind;
  };
  if (decision.conflict != synccore::ConflictKind::None) {
    Json decisionJson;
    if (!decision.needsReview)
      decisionJson = Json{{"by", "system"},
                          {"at", utcNowIso()},
                          {"rule", "newer_hlc_wins"},
                          {"winner", decision.action == synccore::MergeAction::IncomingWins ? "incoming" : "server"},
                          {"final_value", now ? now->value : Json()}};
    logConflict(decision.conflict, decision.needsReview, serverWithWriter ? serverWithWriter->toJson() : Json(),
                decisionJson);
  }
  if (decision.applies() && c.recordType == "person" && c.field == "id_number" && value.is_string()) {
    auto others = records.personsWithIdNumber(value, c.record);
    if (!others.empty()) {
      Json other{{"person", others.front()}};
      if (auto side = records.field(others.front(), "id_number")) other.update(side->toJson());
      logConflict(synccore::ConflictKind::DuplicatePerson, true, other, Json());
    }
  }
  const auto tomb = pending.records.tombstoneVersion(c.record);
  // Applied as sent (most changes): the answer would say no more than synccore::plainPushResult(c),
  // so none is built; it is stored as '' and rebuilt from the change when needed.
  const bool asSent = decision.applies() && conflictId.empty() && !info.deleted && !tomb && value.dump() == c.value.dump();
  std::optional<Json> result;
  if (!asSent) {
    result = Json{{"change_id", c.changeId}, {"outcome", conflictId.empty() ? "applied" : "conflict"},
                  {"applied", decision.applies()}};
    if (!conflictId.empty()) {
      (*result)["conflict_id"] = conflictId;
      (*result)["conflict_kind"] = conflictKind;
    }
    (*result)["current"] = currentState(now, info.deleted, tomb);
  }
  // Applied as sent, the change log row just written (same change id and version) marks it as seen
  // (a changeset cannot carry one change twice: both wire formats refuse it).
  if (result)
    m_state.db().cached("INSERT INTO applied_changes(change_id, outcome, changeset_id) VALUES(?, ?, ?)")
        .bind(1, c.changeId)
        .bind(2, result->dump())
        .bind(3, changesetId)
        .run();
  return result;
}

std::variant<DecodedPush, Reply> SyncService::decodePush(const Json& body) {
  DecodedPush out;
  out.columns = synccore::isColumnarChangeset(body);
  try {
    out.changeset = out.columns ? synccore::changesetFromColumns(body) : synccore::changesetFromJson(body);
  } catch (const synccore::WireError& e) {
    return Reply::error(400, "bad_request", e.what(), std::string("请求格式错误: ") + e.what());
  }
  out.digest = out.changeset.digest();
  return out;
}

Reply SyncService::push(const Session& s, const Json& body) {
  auto decoded = decodePush(body);
  if (auto* refused = std::get_if<Reply>(&decoded)) return std::move(*refused);
  return push(s, std::move(std::get<DecodedPush>(decoded)));
}

Reply SyncService::push(const Session& s, DecodedPush decoded) {
  if (!mayWriteRecords(s)) return forbidden();
  const bool columns = decoded.columns;
  const synccore::Changeset& cs = decoded.changeset;
  const std::string& digest = decoded.digest;
  synccore::Transaction tx(m_state.db());
  auto known = m_state.db().cached("SELECT user_name, digest, last_seq, start_seq FROM changesets WHERE id=?");
  known.bind(1, cs.id);
  if (known.step()) {
    if (known.text(0) == s.user.name && known.text(1) == digest) {
      const std::optional<int64_t> startSeq = known.isNull(3) ? std::nullopt : std::optional(known.int64(3));
      const int64_t lastSeq = known.int64(2);
      known.reset();
      Json answer = firstAnswer(cs, startSeq, lastSeq);
      return Reply{200, withOrdering(columns ? synccore::compactPushAnswer(cs, answer) : std::move(answer))};
    }
    return Reply::error(409, "changeset_mismatch", "this changeset id was already used with different content",
                        "该批次编号已被使用且内容不同");
  }
  known.reset();
  // Sent while the one before it was still unanswered: merged only after that one, and only if it was
  // stored (refused or lost, its changes come again before these).
  if (!cs.after.empty() && !m_state.changesetStored(cs.after))
    return Reply::error(409, "previous_not_applied",
                        "the changeset sent before this one (" + cs.after +
                            ") was not stored; nothing of this one was applied, send it again after that one",
                        "前一批次(" + cs.after + ")未写入服务器,本批次未写入任何数据,请在前一批次之后重新发送");
  // Check every change before writing anything: a bad changeset changes nothing.
  Pending pending(m_state.records(), m_state.definition());
  for (const auto& c : cs.changes)
    if (c.recordType == "household" && c.field == "grid" && c.value.is_string() && !pending.records.find(c.record))
      pending.records.plan(RecordInfo{c.record, "household", "", c.record, c.value, false, std::nullopt});
  Json rejected = Json::array();
  bool outOfScope = false, forwarded = false;
  AuditLog::SigningBatch signing(m_state.audit());  // the conflicts' entries get one signed head
  pending.values.reserve(cs.changes.size());
  for (const auto& c : cs.changes) {
    pending.values.push_back(c.value);
    auto first = firstSeen(c, &pending);
    pending.first.push_back(first ? std::optional(std::move(first->answer)) : std::nullopt);
    if (pending.first.back()) continue;
    if (auto problem = checkChange(s, c, pending.values.back(), pending)) {
      const bool scope = (*problem)["code"] == "out_of_scope";
      outOfScope = outOfScope || scope;
      if (auto current = refusedFieldState(s, c, pending)) (*problem)["current"] = std::move(*current);
      // Nothing the worker collected is lost with the notice: the community decides on the edit.
      if (const auto record = scope ? pending.records.find(c.record) : std::nullopt)
        if (auto conflict = forwardOutOfScope(m_state, s, cs.device, c, pending.values.back(), *record)) {
          markForwarded(*problem, *conflict);
          forwarded = true;
        }
      rejected.push_back(*problem);
    }
  }
  if (!rejected.empty()) {
    // Only the forwarded conflicts are written: the changeset itself is not stored.
    if (forwarded) {
      signing.finish();
      tx.commit();
    }
    const int status = outOfScope ? 403 : 422;
    return Reply::error(status, outOfScope ? "out_of_scope" : "invalid_changes",
                        std::to_string(rejected.size()) + " change(s) were refused; nothing was applied",
                        std::to_string(rejected.size()) + " 条修改被拒绝,本批次未写入任何数据",
                        Json{{"rejected", rejected}, {"server_time_ms", nowMs()}});
  }
  std::vector<std::optional<Json>> results;  // empty: applied as sent
  results.reserve(cs.changes.size());
  const int64_t startSeq = m_state.records().lastSeq();  // this changeset's log rows come after it
  for (size_t i = 0; i < cs.changes.size(); ++i) {
    const Change& c = cs.changes[i];
    if (pending.first[i]) {
      results.push_back(duplicateAnswer(storedAnswer(c, *pending.first[i])));
      continue;
    }
    results.push_back(applyChange(s, cs, c, pending.values[i], pending));
  }
  m_state.saveClock();
  const int64_t lastSeq = m_state.records().lastSeq();
  m_state.db()
      .cached("INSERT INTO changesets(id, user_name, digest, start_seq, last_seq, received_ms) VALUES(?,?,?,?,?,?)")
      .bind(1, cs.id).bind(2, s.user.name).bind(3, digest).bind(4, startSeq).bind(5, lastSeq).bind(6, nowMs()).run();
  signing.finish();
  tx.commit();
  if (columns) return Reply{200, withOrdering(synccore::compactPushAnswer(cs.id, lastSeq, results))};
  Json list = Json::array();
  for (size_t i = 0; i < results.size(); ++i)
    list.push_back(results[i] ? std::move(*results[i]) : synccore::plainPushResult(cs.changes[i]));
  return Reply{200, withOrdering(Json{{"id", cs.id}, {"results", std::move(list)}, {"last_seq", lastSeq}})};
}

std::optional<SyncService::FirstSeen> SyncService::firstSeen(const Change& c, Pending* pending) {
  auto answered = m_state.db().cached("SELECT outcome, changeset_id FROM applied_changes WHERE change_id=?");
  answered.bind(1, c.changeId);
  if (answered.step()) return FirstSeen{answered.text(0), answered.optionalText(1), 0};
  // A device's new edits are newer than anything of it in the log: most changes of a push stop here.
  if (pending && newerThanLog(c, *pending)) return std::nullopt;
  // Applied as sent: found by its version (indexed) and change id. The first row is the write itself;
  // later ones are copies made when its household moved to another grid.
  auto logged = m_state.records().firstLogSeq(c.hlc, c.changeId);
  if (!logged) return std::nullopt;
  return FirstSeen{"", std::nullopt, *logged};
}

bool SyncService::newerThanLog(const Change& c, Pending& pending) {
  auto& records = m_state.records();
  const auto version = records.versions().find(c.hlc);
  if (!version) return true;  // a device the store has no id for has no rows
  // Read once per device and push, inside its transaction: this push's own rows come later, and a
  // changeset cannot carry one change twice.
  auto [newest, fresh] = pending.newestLogged.try_emplace(version->device, 0);
  if (fresh) newest->second = records.newestLoggedStamp(version->device);
  return version->stamp > newest->second;
}

Json SyncService::firstAnswer(const synccore::Changeset& cs, std::optional<int64_t> startSeq, int64_t lastSeq) {
  // Every change of a stored changeset was seen in the same transaction. A change first seen in another
  // changeset was answered "duplicate" here, and is again.
  Json results = Json::array();
  for (const auto& c : cs.changes) {
    auto first = firstSeen(c);
    if (!first) throw std::runtime_error("changeset " + cs.id + " is stored without change " + c.changeId);
    const bool own = first->logSeq ? startSeq && first->logSeq > *startSeq && first->logSeq <= lastSeq
                                   : first->changesetId == cs.id;
    Json answer = storedAnswer(c, first->answer);
    results.push_back(own ? std::move(answer) : duplicateAnswer(std::move(answer)));
  }
  return Json{{"id", cs.id}, {"results", results}, {"last_seq", lastSeq}};
}

Reply SyncService::pull(const Session& s, int64_t after, size_t limit, const std::string& exceptDevice,
                        bool columns) {
  if (!mayWriteRecords(s)) return forbidden();
  if (after < 0 || limit == 0 || limit > kMaxPullPage)
    return Reply::error(400, "bad_request", "after >= 0 and 1 <= limit <= " + std::to_string(kMaxPullPage),
                        "参数 after/limit 超出范围(limit 为 1–" + std::to_string(kMaxPullPage) + ")");
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  auto changes = m_state.records().changesAfter(after, limit + 1, s.seesAllGrids(), s.user.grids, exceptDevice);
  const bool more = changes.size() > limit;
  if (more) changes.pop_back();
  // Past the last visible change the cursor may skip changes of other grids.
  const int64_t next = more ? changes.back().seq : std::max(after, m_state.records().lastSeq());
  Json page;
  if (columns) {
    page = synccore::pullPageToColumns(changes, next, more);
  } else {
    Json list = Json::array();
    for (const auto& c : changes) list.push_back(c.toJson());
    page = Json{{"changes", list}, {"next_after", next}, {"has_more", more}};
  }
  // The last page names the user's grids and their names: a sync picks up an administrator's change of
  // either (syncserver user grids, grid name) without another request.
  if (!more) {
    page["grids"] = s.user.grids;
    page["grid_names"] = m_state.grids().visible(s.seesAllGrids(), s.user.grids);
    page["server_time_ms"] = nowMs();  // so that a tablet can tell its clock is wrong before it refuses anything
  }
  return Reply{200, std::move(page)};
}

Reply SyncService::snapshot(const Session& s) {
  if (!mayWriteRecords(s)) return forbidden();
  return Reply{200, m_state.records().snapshot(s.seesAllGrids(), s.user.grids)};
}

}  // namespace syncserver
