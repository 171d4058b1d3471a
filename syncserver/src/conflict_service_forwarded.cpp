// The supervisor's decisions on edits passed to the community (out_of_scope conflicts): take or leave
// one, or every open one of the same record at once (docs/sync-protocol.md, "Deciding").
#include "conflict_service.h"

#include "server_time.h"

#include <algorithm>

namespace syncserver {

using synccore::kDeletedField;

std::variant<Value, Reply> ConflictService::takeForwarded(const Session& s, const Conflict& conflict,
                                                          const std::string& take, const Json& body, Json& changes) {
  auto& records = m_state.records();
  auto info = records.record(conflict.recordUuid);
  const auto current = records.field(conflict.recordUuid, conflict.field);
  // Leaving the edit writes nothing: the server kept its value all along.
  if (take == "server") return conflict.field == kDeletedField ? Value("kept") : current ? current->value : Value();
  if (info && info->deleted)
    return Reply::error(409, "stale", "the record was deleted since; the edit can no longer be taken",
                        "该记录已被删除,无法再采用此修改");
  if (conflict.field == kDeletedField) {
    if (take != "incoming")
      return Reply::error(400, "bad_request", "a forwarded delete is taken (incoming) or left (server)",
                          "网格外的删除只能采用或不采用");
    if (info) changes.push_back(write(s.user.name, *info, kDeletedField, true));
    return Value("deleted");
  }
  Value value = take == "incoming" ? conflict.incomingSide.value("value", Json()) : body["value"];
  if (auto invalid = checkValue(conflict, value)) return *invalid;
  if (auto refusal = checkGridMove(s, conflict, value)) return *refusal;
  // The household may have moved since the edit was passed on: the supervisor must cover it now too.
  if (info && !s.mayAccessGrid(info->grid)) return outOfScope(info->grid);
  const std::string& actor = s.user.name;
  if (!info) {
    // A record the worker created after its grid left them: created now, under its household.
    const bool household = conflict.recordType == "household";
    const auto parent = household ? std::nullopt : records.record(conflict.household);
    if (!household && (!parent || parent->deleted))
      return Reply::error(409, "needs_household", "take the household's own record first",
                          "请先采用该户本身的记录");
    if (parent && !s.mayAccessGrid(parent->grid)) return outOfScope(parent->grid);
    RecordInfo created{conflict.recordUuid, conflict.recordType, household ? "" : parent->uuid,
                       household ? conflict.recordUuid : parent->uuid, household ? conflict.grid : parent->grid,
                       false, std::nullopt};
    records.createRecord(created);
    info = created;
    if (household && conflict.field != "grid") changes.push_back(write(actor, *info, "grid", Value(conflict.grid)));
  }
  if (!current || current->value != value) changes.push_back(write(actor, *info, conflict.field, value));
  return value;
}

Reply ConflictService::resolveForwarded(const Session& s, const Conflict& conflict, const std::string& take,
                                        const Json& body, synccore::Transaction& tx) {
  const auto sameRecord = body.find("same_record");
  if (sameRecord != body.end() && !sameRecord->is_boolean())
    return Reply::error(400, "bad_request", "same_record must be true or false", "same_record 须为布尔值");
  const bool wholeRecord = sameRecord != body.end() && *sameRecord == true;
  if (wholeRecord && take == "value")
    return Reply::error(400, "bad_request", "a value is for one field: take or leave the whole record",
                        "填写的值只用于单项,整条记录只能全部采用或不采用");
  std::vector<Conflict> batch{conflict};
  if (wholeRecord) {
    ConflictFilter filter;
    filter.status = "open";
    filter.kind = "out_of_scope";
    filter.record = conflict.recordUuid;
    filter.allGrids = s.seesAllGrids();
    filter.grids = s.user.grids;
    filter.limit = 5000;
    for (auto& other : m_state.conflicts().list(filter))
      if (other.id != conflict.id) batch.push_back(std::move(other));
    // A delete after the record's edits: taken first, it would leave them nothing to be written to.
    std::stable_partition(batch.begin() + 1, batch.end(), [](const Conflict& c) { return c.field != kDeletedField; });
    if (batch.front().field == kDeletedField && batch.size() > 1) std::rotate(batch.begin(), batch.begin() + 1, batch.end());
  }
  Json alsoDecided = Json::array();
  for (const Conflict& c : batch) {
    Json changes = Json::array();
    auto taken = takeForwarded(s, c, take, body, changes);
    if (auto* refusal = std::get_if<Reply>(&taken)) return *refusal;  // nothing of the batch is kept
    Json decision{{"by", s.user.name}, {"at", utcNowIso()}, {"reason", body["reason"]}, {"take", take},
                  {"final_value", std::get<Value>(taken)}, {"changes", changes}};
    if (c.id != conflict.id) {
      decision["with"] = conflict.id;  // decided together with the one the supervisor chose
      alsoDecided.push_back(c.id);
    }
    m_state.conflicts().decide(c.id, decision, s.user.name);
  }
  tx.commit();
  return Reply{200, Json{{"conflict", view(*m_state.conflicts().get(conflict.id))}, {"also_decided", alsoDecided}}};
}

}  // namespace syncserver
