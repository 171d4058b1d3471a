#pragma once
// The server's copy of every record: field values with versions, and the sequenced change log.
#include "synccore/changeset.h"
#include "synccore/sqlite.h"
#include "synccore/stored_version.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace syncserver {

using synccore::StoredVersion;
using synccore::VersionCodec;

using synccore::Json;
using synccore::Value;

/// What the server knows of one record.
struct RecordInfo {
  std::string uuid;
  std::string type;
  std::string parent;
  std::string household;  // itself for households
  std::string grid;       // the household's current grid
  bool deleted = false;
  std::optional<std::string> deletedVersion;  // version of its "_deleted" field, if that was ever set
  int64_t id = 0;  // its row in the store (0: not stored yet); field rows are keyed by it
};

/// A span of time a household spent in one grid: [sinceMs, untilMs).
struct GridSpan {
  static constexpr int64_t kOpen = INT64_MAX;
  std::string grid;
  int64_t sinceMs = 0;
  int64_t untilMs = kOpen;
};

/// The current value of one field and who set it.
struct FieldSide {
  Value value;
  std::string version;
  std::string author;
  std::string device;
  std::string changeId;
  Json toJson() const;
};

/// Tables records, fields, change_log, devices and person_ids; all calls run inside the caller's transaction.
class RecordStore {
 public:
  explicit RecordStore(synccore::Database& db);

  std::optional<RecordInfo> record(const std::string& uuid) const;
  /// Stores a new record and sets its id.
  void createRecord(RecordInfo& info);
  /// A field's value, version and writer.
  std::optional<FieldSide> field(const std::string& uuid, const std::string& field) const;
  /// A field's value and version only (the writer left empty): what a merge compares.
  std::optional<FieldSide> fieldValue(const RecordInfo& record, const std::string& field) const;
  /// The newest version among the record's fields.
  std::optional<std::string> newestVersion(const RecordInfo& record) const;
  /// Sets a field (or the "_deleted" tombstone), appends it to the change log, returns its seq.
  /// A household moved to another grid has its whole file announced again (see reannounce).
  /// `stored`: the caller has just read the field's row (an UPDATE instead of an upsert).
  int64_t apply(const RecordInfo& record, const std::string& field, const FieldSide& side, bool stored = false);
  /// Called with the household's uuid after its file was announced again (reviews follow it).
  void onHouseholdMoved(std::function<void(const std::string&)> listener) { m_moved = std::move(listener); }
  /// The grids a stored household has been in, oldest first, timed by the server's receipt of its
  /// moves (the first span starts at 0, the last is open); empty when the store has no such household.
  std::vector<GridSpan> householdGridSpans(const std::string& household) const;
  /// Live persons other than `except` holding this ID number.
  std::vector<std::string> personsWithIdNumber(const std::string& idNumber, const std::string& except) const;
  /// Changes after a sequence number visible in the given grids (all grids when empty and allGrids),
  /// leaving out those made by `exceptDevice` when it is not empty.
  std::vector<synccore::PulledChange> changesAfter(int64_t after, size_t limit, bool allGrids,
                                                   const std::vector<std::string>& grids,
                                                   const std::string& exceptDevice = {}) const;
  int64_t lastSeq() const;
  /// The seq of the first change log row of a change with this version and change id (a change applied
  /// as sent is known by it).
  std::optional<int64_t> firstLogSeq(const std::string& version, const std::string& changeId) const;
  /// The newest stamp among the change log's versions made on one device (its id in table devices); 0: none.
  int64_t newestLoggedStamp(int64_t device) const;
  /// The value a field had at one version (from the change log), if that write is known.
  std::optional<Value> valueAtVersion(const std::string& uuid, const std::string& field,
                                      const std::string& version) const;
  /// Every set field of a record (the "_deleted" tombstone excluded), by key.
  std::map<std::string, FieldSide> fields(const std::string& uuid) const;
  /// Live (not deleted) records of a type belonging to a household, in uuid order.
  std::vector<std::string> liveChildren(const std::string& household, const std::string& type) const;
  /// Appends every current field of a household and its members and visits to the change log
  /// again (same change id, value and version; a new seq), so devices of the grid it moved into,
  /// whose pull cursors are past the original changes, receive the whole file.
  void reannounce(const std::string& household);
  /// How versions are stored (for tools writing rows of this layout, such as the peer bench's floor).
  VersionCodec& versions() { return m_versions; }
  /// Live fields of every record, for comparing devices with the server (tests, tools).
  Json snapshot(bool allGrids, const std::vector<std::string>& grids) const;

 private:
  /// Rebuilds the tables of an older layout (records without ids, fields keyed by record uuid).
  void upgradeLayout();
  void upgradeFields(bool byUuid);
  void upgradeChangeLog();
  /// Throws, leaving the file as it was, when a version text of an old table cannot be stored as integers.
  void requireStorableVersions(const std::string& table);
  /// A field and its writer from a row of kFieldSideColumns starting at column `first`.
  FieldSide fieldSide(const synccore::Statement& st, int first) const;
  /// The record's id: its own, or looked up by uuid for a RecordInfo made before it was stored (0: none).
  int64_t idOf(const RecordInfo& record) const;

  synccore::Database& m_db;
  VersionCodec m_versions;
  std::function<void(const std::string&)> m_moved;
};

}  // namespace syncserver
