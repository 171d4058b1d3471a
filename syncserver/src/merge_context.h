#pragma once
// The records one push touches, read once per changeset instead of once per change.
#include "record_store.h"

#include <unordered_map>
#include <optional>
#include <string>

namespace syncserver {

/// Records a changeset touches: read from the store once (with each record's tombstone version), or
/// planned by the changeset itself before they exist. Lives for one push, inside its transaction, and
/// follows the writes the push makes (deletes, a household moving grid).
class MergeContext {
 public:
  explicit MergeContext(RecordStore& records);

  /// The record as the store has it, or as this changeset will create it.
  std::optional<RecordInfo> find(const std::string& uuid);
  /// A record this changeset creates (written by the first change that is applied to it).
  void plan(const RecordInfo& info);
  /// The record for applying a change: a planned record is created in the store here.
  const RecordInfo& materialise(const std::string& uuid);
  /// The version of the record's "_deleted" field, if it was ever set.
  std::optional<std::string> tombstoneVersion(const std::string& uuid);
  /// Keeps the cache in step with a field the push just wrote.
  void noteApplied(const std::string& uuid, const std::string& field, const Value& value, const std::string& version);

 private:
  RecordStore& m_records;
  // Hashed: a push looks a record up several times per change (a tree of uuid texts cost ~4 % of a merge).
  std::unordered_map<std::string, std::optional<RecordInfo>> m_stored;  // nullopt: not in the store
  std::unordered_map<std::string, RecordInfo> m_planned;
};

}  // namespace syncserver
