#include "merge_context.h"

#include "synccore/changeset.h"

namespace syncserver {

MergeContext::MergeContext(RecordStore& records) : m_records(records) {}

std::optional<RecordInfo> MergeContext::find(const std::string& uuid) {
  auto stored = m_stored.find(uuid);
  if (stored == m_stored.end()) stored = m_stored.emplace(uuid, m_records.record(uuid)).first;
  if (stored->second) return stored->second;
  auto planned = m_planned.find(uuid);
  if (planned != m_planned.end()) return planned->second;
  return std::nullopt;
}

void MergeContext::plan(const RecordInfo& info) { m_planned[info.uuid] = info; }

const RecordInfo& MergeContext::materialise(const std::string& uuid) {
  auto& stored = m_stored[uuid];
  if (!stored) stored = m_records.record(uuid);
  if (!stored) {
    stored = m_planned.at(uuid);
    m_records.createRecord(*stored);
  }
  return *stored;
}

std::optional<std::string> MergeContext::tombstoneVersion(const std::string& uuid) {
  auto record = find(uuid);
  return record ? record->deletedVersion : std::nullopt;
}

void MergeContext::noteApplied(const std::string& uuid, const std::string& field, const Value& value,
                               const std::string& version) {
  auto& stored = m_stored[uuid];
  if (!stored) return;
  if (field == synccore::kDeletedField) {
    stored->deleted = value == true;
    stored->deletedVersion = version;
  } else if (stored->type == "household" && field == "grid" && value.is_string()) {
    // Every cached record of the household moves with it.
    for (auto& [_, info] : m_stored)
      if (info && info->household == uuid) info->grid = value.get<std::string>();
  }
}

}  // namespace syncserver
