#include "conflict_service.h"

#include "server_time.h"
#include "synccore/merge.h"
#include "synccore/random_id.h"
#include "synccore/validation.h"

#include <set>

namespace syncserver {

using synccore::kDeletedField;

namespace {

bool mayReadConflicts(const Session& s) {
  return s.user.role == Role::Supervisor || s.user.role == Role::Auditor || s.user.role == Role::Admin;
}

Reply notFound() { return Reply::error(404, "not_found", "no such conflict", "找不到该冲突"); }

Reply badParam(const std::string& name, const std::string& expected) {
  return Reply::error(400, "bad_request", "query parameter " + name + " must be " + expected,
                      "查询参数 " + name + " 不正确");
}

/// A side of a conflict with the time of its HLC stamp added.
Json withTime(Json side) {
  if (side.is_object() && side.contains("version") && side["version"].is_string())
    if (auto stamp = synccore::Hlc::parse(side["version"].get<std::string>()))
      side["time"] = isoFromMs(stamp->wallMs);
  return side;
}

std::string canonicalTake(const std::string& take) {
  if (take == "local") return "server";
  if (take == "remote") return "incoming";
  return take;
}

}  // namespace

Json ConflictService::view(const Conflict& c) const {
  Json j = c.toJson();
  if (c.field != kDeletedField) {
    if (c.baseVersion.is_null())
      j["base_value"] = nullptr;  // the field was new to the device: it was empty
    else if (auto base = m_state.records().valueAtVersion(c.recordUuid, c.field, c.baseVersion.get<std::string>()))
      j["base_value"] = *base;
  }
  j["server"] = withTime(c.serverSide);
  j["incoming"] = withTime(c.incomingSide);
  if (auto created = msFromIso(c.createdAt)) j["age_days"] = (nowMs() - *created) / kDayMs;
  return j;
}

Reply ConflictService::list(const Session& s, const QueryParams& query) {
  if (!mayReadConflicts(s)) return forbidden();
  ConflictFilter f;
  for (const auto& [name, value] : query) {
    if (name == "status") {
      if (value != "open" && value != "auto_resolved" && value != "resolved" && !value.empty())
        return badParam(name, "open, auto_resolved or resolved");
      f.status = value;
    } else if (name == "kind") {
      if (!value.empty() && !synccore::conflictKindFromName(value))
        return badParam(name, "concurrent_edit, edit_vs_delete, delete_vs_edit, duplicate_person or out_of_scope");
      f.kind = value;
    } else if (name == "grid") {
      if (!value.empty() && !s.mayAccessGrid(value)) return outOfScope(value);
      f.grid = value;
    } else if (name == "household") {
      f.household = value;
    } else if (name == "record") {
      f.record = value;
    } else if (name == "field") {
      f.field = value;
    } else if (name == "older_than_days") {
      auto days = wholeNumber(value);
      if (!days || *days < 0 || *days > 36500) return badParam(name, "a whole number of days (0-36500)");
      f.createdBefore = isoFromMs(nowMs() - *days * kDayMs);
    } else if (name == "limit") {
      auto limit = wholeNumber(value);
      if (!limit || *limit < 1 || *limit > 5000) return badParam(name, "1 to 5000");
      f.limit = static_cast<size_t>(*limit);
    } else {
      return Reply::error(400, "unknown_field", "unknown query parameter " + name, "未知的查询参数 " + name);
    }
  }
  f.allGrids = s.seesAllGrids();
  f.grids = s.user.grids;
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  Json list = Json::array();
  for (const auto& c : m_state.conflicts().list(f)) list.push_back(view(c));
  return Reply{200, Json{{"conflicts", list}}};
}

Reply ConflictService::history(const Session& s, const std::string& conflictId) {
  if (!mayReadConflicts(s)) return forbidden();
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  auto conflict = m_state.conflicts().get(conflictId);
  if (!conflict) return notFound();
  if (!s.mayAccessGrid(conflict->grid)) return outOfScope(conflict->grid);
  AuditFilter filter;
  filter.conflictId = conflictId;
  Json entries = Json::array();
  for (const auto& e : m_state.audit().entries(filter)) entries.push_back(e.toJson());
  return Reply{200, Json{{"conflict", view(*conflict)}, {"entries", entries},
                         {"verification", m_state.audit().verify().toJson()}}};
}

std::variant<Conflict, Reply> ConflictService::decidable(const Session& s, const std::string& conflictId) {
  auto conflict = m_state.conflicts().get(conflictId);
  if (!conflict) return notFound();
  if (!s.mayAccessGrid(conflict->grid)) return outOfScope(conflict->grid);
  if (conflict->status != "open")
    return Reply::error(409, "already_resolved", "this conflict was already decided", "该冲突已处理");
  return *conflict;
}

Json ConflictService::write(const std::string& actor, const RecordInfo& record, const std::string& field,
                            const Value& value) {
  const std::string version = m_state.tick().toString();
  FieldSide side{value, version, actor, "server", synccore::changeIdFor(version, record.uuid, field)};
  m_state.records().apply(record, field, side);
  return Json{{"record", record.uuid}, {"field", field}, {"value", value}, {"version", side.version},
              {"change_id", side.changeId}};
}

Reply ConflictService::resolve(const Session& s, const std::string& conflictId, const Json& body) {
  if (s.user.role != Role::Supervisor) return forbidden();
  if (auto bad = checkMembers(body, {"take", "value", "reason", "same_record"})) return *bad;
  if (auto bad = checkReason(body)) return *bad;
  const bool hasTake = body.contains("take"), hasValue = body.contains("value");
  static const std::set<std::string> takes = {"server", "incoming", "local", "remote", "restore", "confirm_delete"};
  if (hasTake == hasValue || (hasTake && (!body["take"].is_string() || !takes.count(body["take"]))))
    return Reply::error(400, "bad_request",
                        "give either take: server|incoming (local|remote), restore|confirm_delete, or value",
                        "请选择采用服务器值、上报值,恢复或确认删除,或填写合并后的值");
  synccore::Transaction tx(m_state.db());
  auto found = decidable(s, conflictId);
  if (auto* refusal = std::get_if<Reply>(&found)) return *refusal;
  const Conflict& conflict = std::get<Conflict>(found);
  if (conflict.kind == "duplicate_person")
    return Reply::error(422, "needs_merge", "duplicate persons are resolved by merging the two records",
                        "重复人员须通过合并两条人员记录来处理");
  std::string take = hasTake ? canonicalTake(body["take"]) : "value";
  const bool deleteKind = conflict.kind == "edit_vs_delete" || conflict.kind == "delete_vs_edit";
  if (!deleteKind && (take == "restore" || take == "confirm_delete"))
    return Reply::error(400, "bad_request", "restore and confirm_delete are for edit/delete conflicts",
                        "恢复或确认删除只用于修改与删除的冲突");
  if (conflict.kind == "out_of_scope") return resolveForwarded(s, conflict, take, body, tx);
  if (body.contains("same_record"))
    return Reply::error(400, "bad_request", "same_record is for edits passed to the community (out_of_scope)",
                        "same_record 只用于网格外的修改");
  const auto info = m_state.records().record(conflict.recordUuid);
  Value finalValue;
  Json changes = Json::array();
  if (!deleteKind) {
    finalValue = take == "server" ? conflict.serverSide.value("value", Json())
                 : take == "incoming" ? conflict.incomingSide.value("value", Json())
                                      : body["value"];
    if (auto invalid = checkValue(conflict, finalValue)) return *invalid;
    if (auto refusal = checkGridMove(s, conflict, finalValue)) return *refusal;
    auto current = m_state.records().field(conflict.recordUuid, conflict.field);
    if (!current || current->value != finalValue)
      changes.push_back(write(s.user.name, *info, conflict.field, finalValue));
  } else {
    if (hasValue)
      return Reply::error(400, "bad_request", "choose take: restore or confirm_delete", "请选择恢复或确认删除");
    // take server/incoming keep their first meaning: the side that stands.
    const bool restore = take == "restore" || (take != "confirm_delete" &&
                                               (conflict.kind == "edit_vs_delete") == (take == "incoming"));
    take = restore ? "restore" : "confirm_delete";
    finalValue = restore ? Json("restored") : Json("deleted");
    if (restore && info->deleted) {
      changes.push_back(write(s.user.name, *info, kDeletedField, false));
      if (conflict.kind == "edit_vs_delete")
        changes.push_back(write(s.user.name, *info, conflict.field, conflict.incomingSide["value"]));
    } else if (!restore && !info->deleted) {
      changes.push_back(write(s.user.name, *info, kDeletedField, true));
    }
  }
  Json decision{{"by", s.user.name}, {"at", utcNowIso()}, {"reason", body["reason"]}, {"take", take},
                {"final_value", finalValue}, {"changes", changes}};
  m_state.conflicts().decide(conflictId, decision, s.user.name);
  tx.commit();
  return Reply{200, Json{{"conflict", view(*m_state.conflicts().get(conflictId))}}};
}

std::optional<Reply> ConflictService::checkGridMove(const Session& s, const Conflict& conflict, const Value& value) const {
  if (conflict.recordType != "household" || conflict.field != "grid" || !value.is_string() || s.mayAccessGrid(value))
    return std::nullopt;
  return outOfScope(value.get<std::string>());
}

std::optional<Reply> ConflictService::checkValue(const Conflict& conflict, Value& value) const {
  synccore::Validator validator(m_state.definition(), synccore::CivilDate::today());
  auto failures = validator.checkValue(conflict.recordType, conflict.recordUuid, conflict.field, value);
  if (failures.empty()) return std::nullopt;
  return Reply::error(422, "invalid_value", failures[0].messageEn, failures[0].messageZh);
}

std::string ConflictService::copyInto(const std::string& actor, const std::string& uuid, const RecordInfo& household,
                                      const std::map<std::string, Value>& overrides, Json& changes) {
  const auto source = m_state.records().record(uuid);
  RecordInfo copy{synccore::newUuid(), source->type, household.uuid, household.uuid, household.grid, false, std::nullopt};
  m_state.records().createRecord(copy);
  for (const auto& [field, side] : m_state.records().fields(uuid)) {
    auto it = overrides.find(field);
    const Value value = it != overrides.end() ? it->second : side.value;
    if (!value.is_null()) changes.push_back(write(actor, copy, field, value));
  }
  return copy.uuid;
}

Reply ConflictService::merge(const Session& s, const std::string& conflictId, const Json& body) {
  if (s.user.role != Role::Supervisor) return forbidden();
  if (auto bad = checkMembers(body, {"keep", "reason", "values", "merge_households"})) return *bad;
  if (auto bad = checkReason(body)) return *bad;
  if (!body.contains("keep") || !body["keep"].is_string())
    return Reply::error(400, "bad_request", "keep must name the person to keep (uuid, server or incoming)",
                        "请指定保留哪一条人员记录");
  if (body.contains("values") && !body["values"].is_object())
    return Reply::error(400, "bad_request", "values must be an object {field: value}", "values 须为对象");
  if (body.contains("merge_households") && !body["merge_households"].is_boolean())
    return Reply::error(400, "bad_request", "merge_households must be true or false", "merge_households 须为布尔值");
  synccore::Transaction tx(m_state.db());
  auto found = decidable(s, conflictId);
  if (auto* refusal = std::get_if<Reply>(&found)) return *refusal;
  const Conflict& conflict = std::get<Conflict>(found);
  if (conflict.kind != "duplicate_person")
    return Reply::error(422, "not_duplicate", "only duplicate_person conflicts are merged", "只有重复人员冲突可以合并");
  auto& records = m_state.records();
  const std::string incoming = conflict.recordUuid, server = conflict.serverSide.value("person", "");
  const std::string keepText = canonicalTake(body["keep"]);
  const std::string keepUuid = keepText == "incoming" ? incoming : keepText == "server" ? server : keepText;
  if (keepUuid != incoming && keepUuid != server)
    return Reply::error(400, "bad_request", "keep must be one of the two persons of the conflict",
                        "保留的记录须是冲突中的两人之一");
  const std::string dupUuid = keepUuid == incoming ? server : incoming;
  auto kept = records.record(keepUuid), dup = records.record(dupUuid);
  if (!kept || !dup || kept->deleted || dup->deleted)
    return Reply::error(409, "stale", "one of the two persons was deleted since; resolve it as an ordinary delete",
                        "其中一人已被删除,无法合并");
  for (const auto* r : {&*kept, &*dup})
    if (!s.mayAccessGrid(r->grid)) return outOfScope(r->grid);
  const auto& personDef = m_state.definition().requireRecord("person");
  synccore::Validator validator(m_state.definition(), synccore::CivilDate::today());
  std::map<std::string, Value> chosen;
  // Held by name: items() of the temporary value() returns would refer to it after it is gone.
  const Json values = body.value("values", Json::object());
  for (const auto& [field, raw] : values.items()) {
    Value value = raw;
    auto failures = validator.checkValue("person", keepUuid, field, value);
    if (!personDef.field(field) || !failures.empty())
      return Reply::error(422, "invalid_value", failures.empty() ? "unknown field " + field : failures[0].messageEn,
                          failures.empty() ? "未知字段 " + field : failures[0].messageZh);
    chosen[field] = value;
  }

  Json changes = Json::array(), filled = Json::array(), differing = Json::object();
  const auto keptFields = records.fields(keepUuid), dupFields = records.fields(dupUuid);
  for (const auto& f : personDef.fields) {
    const auto k = keptFields.find(f.key), d = dupFields.find(f.key);
    const Value kv = k != keptFields.end() ? k->second.value : Json(), dv = d != dupFields.end() ? d->second.value : Json();
    Value target = kv;
    if (chosen.count(f.key)) target = chosen[f.key];
    else if (kv.is_null() && !dv.is_null()) target = dv, filled.push_back(f.key);
    if (!kv.is_null() && !dv.is_null() && kv != dv) differing[f.key] = Json{{"kept", kv}, {"duplicate", dv}};
    if (target != kv) changes.push_back(write(s.user.name, *kept, f.key, target));
  }
  changes.push_back(write(s.user.name, *dup, kDeletedField, true));

  // Optionally the duplicate's whole household joins the kept one: its other members and its
  // visits are copied over (visits are append-only, so the originals stay), then it is deleted.
  Json moved = Json::array(), copiedVisits = Json::array(), deletedHousehold;
  if (body.value("merge_households", false) && dup->household != kept->household) {
    const auto target = *records.record(kept->household);
    const auto from = *records.record(dup->household);
    for (const auto& member : records.liveChildren(from.uuid, "person")) {
      auto relation = records.field(member, "relation");
      std::map<std::string, Value> overrides;
      if (relation && relation->value == "head") overrides["relation"] = "other";  // one head per household
      changes.push_back(write(s.user.name, *records.record(member), kDeletedField, true));
      moved.push_back(Json{{"from", member}, {"to", copyInto(s.user.name, member, target, overrides, changes)}});
    }
    for (const auto& visit : records.liveChildren(from.uuid, "visit"))
      copiedVisits.push_back(Json{{"from", visit}, {"to", copyInto(s.user.name, visit, target, {}, changes)}});
    changes.push_back(write(s.user.name, from, kDeletedField, true));
    deletedHousehold = from.uuid;
  }

  Json decision{{"by", s.user.name}, {"at", utcNowIso()}, {"reason", body["reason"]}, {"take", "merge"},
                {"final_value", keepUuid}, {"kept", keepUuid}, {"duplicate", dupUuid}, {"filled", filled},
                {"differing", differing}, {"values", chosen}, {"moved_members", moved},
                {"copied_visits", copiedVisits}, {"deleted_household", deletedHousehold}, {"changes", changes}};
  m_state.conflicts().decide(conflictId, decision, s.user.name);
  // Other open duplicate conflicts about the merged-away person are settled by this merge.
  for (const auto& other : m_state.conflicts().openDuplicatesOf(dupUuid))
    m_state.conflicts().decide(other.id,
                               Json{{"by", s.user.name}, {"at", utcNowIso()}, {"reason", body["reason"]},
                                    {"take", "merge"}, {"final_value", keepUuid}, {"merged_in", conflictId},
                                    {"changes", Json::array()}},
                               s.user.name);
  tx.commit();
  return Reply{200, Json{{"conflict", view(*m_state.conflicts().get(conflictId))}}};
}

}  // namespace syncserver
