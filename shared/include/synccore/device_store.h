#pragma once
// The device's own SQLite file: household files, field versions and the outbox of changes.
#include "synccore/changeset.h"
#include "synccore/civil_date.h"
#include "synccore/field_cipher.h"
#include "synccore/grid_scope.h"
#include "synccore/hlc.h"
#include "synccore/sqlite.h"
#include "synccore/stored_version.h"
#include "synccore/survey_definition.h"
#include "synccore/validation.h"
#include "synccore/wal_checkpointer.h"

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace synccore {

/// Thrown when a store cannot be opened or used (not for validation failures).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One record as stored, with the HLC version of each field.
struct StoredRecord {
  std::string type;
  std::string uuid;
  std::string parentUuid;
  bool deleted = false;
  RecordValues values;
  std::map<std::string, std::string> versions;  // field -> HLC string

  Json toJson() const;
};

/// One pending change waiting for the server's acknowledgement.
struct OutboxEntry {
  int64_t seq = 0;
  std::string changeId;
  std::string recordType;
  std::string recordUuid;
  std::string parentUuid;
  std::string field;  // a field key, or "_deleted" for a tombstone
  Value value;
  std::optional<std::string> baseVersion;  // the version this device had when it edited
  std::string hlc;
  std::string author;

  Json toJson() const;
};

/// What a caller asks to write: a new record (empty uuid), field edits, or a delete.
struct RecordWrite {
  std::string type;
  std::string uuid;        // empty: create a new record with a new UUID
  std::string parentUuid;  // the household, for person and visit records
  RecordValues values;     // key -> new value (null clears)
  bool remove = false;
  bool create = false;     // create a new record with the given UUID (so one save can add a
                           // household and its members)
};

/// The outcome of one save: the uuids written, or every failure (then nothing was written).
struct SaveResult {
  std::vector<std::string> uuids;
  size_t changedFields = 0;
  std::vector<ValidationFailure> failures;
  bool ok() const { return failures.empty(); }
};

/// The changes to push next under one changeset id (re-sent unchanged until acknowledged).
struct PushBatch {
  std::string changesetId;
  std::vector<OutboxEntry> entries;
  Changeset toChangeset(const std::string& device) const;
};

/// What a refusal did to the outbox (DeviceStore::rejectChanges).
struct RefusalOutcome {
  size_t moved = 0;          // refused entries that left the outbox as notices
  size_t forwarded = 0;      // of those, edits the server passed to the community (out of the worker's grids)
  size_t resent = 0;         // refused as stamped in the server's future (clock_ahead): kept, to go again
  size_t restamped = 0;      // pending entries given new stamps from the server's clock (those and later ones)
  int64_t clockOffsetMs = 0;  // with a restamp: this tablet's wall clock minus the server's
};

/// Something the worker should see after a sync: a conflict or a refused change.
struct SyncNotice {
  int64_t id = 0;
  std::string kind;  // conflict, rejected, forwarded (refused as out of scope, passed to the community)
  std::string recordType;
  std::string recordUuid;
  std::string field;
  Value value;  // the value this device sent
  std::string code;
  std::string conflictId;
  std::string messageZh;
  std::string messageEn;
  std::string createdAt;
  Json toJson() const;
};

/// A supervisor's review of a household as the server last reported it (docs/sync-protocol.md,
/// "Return to worker"): "returned" with comments on fields, "resubmitted" or "approved".
struct ReviewState {
  std::string household;
  std::string grid;
  std::string state;                 // returned, resubmitted, approved
  Json comments = Json::array();     // [{record, field, comment}]
  std::string worker;                // the worker it was returned to
  std::string updatedBy, updatedAt, note;
  int64_t seq = 0;                   // the server's review sequence number
  bool resubmitPending = false;      // resubmitted on this tablet; sent on the next sync
  std::string resubmitNote;
  Json toJson() const;
  static ReviewState fromJson(const Json& j);  // the server's form; throws Json exceptions
};

/// One line of the household list.
struct HouseholdSummary {
  std::string uuid;
  std::string grid;
  std::string address;
  std::string headName;
  std::string residenceStatus;
  int64_t memberCount = 0;
  std::string monitoringCategory;  // empty when not answered
  std::string lastVisitDate;       // "YYYY-MM-DD" of the newest live visit, empty when never visited
  std::string nextVisitDue;        // the newest visit's "next visit due" date, if it gave one
  int64_t pendingChanges = 0;      // outbox entries of the household, its members and visits
  int64_t notices = 0;             // conflicts and refusals reported by the server for them
  std::string reviewState;         // returned, resubmitted, approved; empty when never reviewed
  Json toJson() const;
};

/// A device's store: one SQLite file in WAL mode. Every save is one transaction that writes the
/// values, their versions and one outbox entry per changed field. Thread-safe (one lock).
class DeviceStore {
 public:
  struct Options {
    std::string keyFile;                  // default: "<path>.key"
    std::function<CivilDate()> today;     // default: CivilDate::today
    HybridClock::WallClock wallClock;     // default: system clock
  };
  DeviceStore(const std::string& path, const SurveyDefinition& definition, Options options);
  explicit DeviceStore(const std::string& path,
                       const SurveyDefinition& definition = SurveyDefinition::builtin())
      : DeviceStore(path, definition, Options{}) {}

  /// Validates and writes all records in one transaction; on any failure writes nothing.
  SaveResult save(const std::vector<RecordWrite>& writes);
  std::optional<StoredRecord> load(const std::string& uuid) const;
  /// Live (not deleted) person or visit records of a household.
  std::vector<StoredRecord> children(const std::string& householdUuid, const std::string& type) const;
  /// Live households, optionally those whose head, member name or address contains the text,
  /// or with a member holding exactly that ID number.
  std::vector<HouseholdSummary> listHouseholds(const std::string& search = {}) const;
  std::vector<OutboxEntry> outbox() const;
  size_t outboxSize() const;

  // --- sync bookkeeping (used by SyncClient) ---
  /// The in-flight batch if one was sent but not acknowledged, else the next entries under a new id.
  PushBatch nextPushBatch(size_t maxEntries);
  /// The batch to send after `current` (read only): the one marked to follow it if a crash left one,
  /// else the entries after it under a new id; empty when there are none.
  PushBatch pushBatchAfter(const PushBatch& current, size_t maxEntries) const;
  /// Marks `following` as sent after the batch in flight, on disk before it is sent: until the batch in
  /// flight is acknowledged (then `following` takes its place) both go again under their ids.
  void markFollowing(const PushBatch& following);
  /// Applies the answer to a sent batch in one transaction: entries of the batch the answer names
  /// leave the outbox, fields settle to the server's current state when nothing newer is pending,
  /// conflicts become notices. Returns how many entries left the outbox.
  size_t acknowledgePush(const PushBatch& batch, const Json& results);
  /// The same from the results by position in the batch (a format 2 answer: pushResultsByChange): a null
  /// result is "applied as sent", which only removes the entry (the device already holds that write).
  size_t acknowledgePush(const PushBatch& batch, const std::vector<const Json*>& results);
  /// Entries of the sent batch the server refused (403/422 "rejected" list, by change id) move to
  /// notices with their values, and a refused field goes back to the server's state when the refusal
  /// carries it ("current", unless a newer edit of the field is pending). The in-flight batch and the
  /// one marked as following it (which the server cannot have stored: it names the refused one as
  /// `after`) are dropped, so the rest is re-sent in outbox order under new ids. One transaction.
  /// With the server's time (`server_time_ms` of the refusal), entries refused only as stamped in the
  /// server's future (`clock_ahead`) stay, and every pending entry stamped beyond what the server takes
  /// gets a new stamp from its clock, in the order the worker made them (restampAheadLocked).
  RefusalOutcome rejectChanges(const PushBatch& batch, const Json& rejected,
                               std::optional<int64_t> serverTimeMs = std::nullopt);
  /// Stores one pulled page and advances the cursor in the same transaction. A field with a
  /// pending local change is not overwritten. Returns how many changes were stored.
  size_t applyPulled(const std::vector<PulledChange>& changes, int64_t nextCursor);
  int64_t pullCursor() const;
  std::vector<SyncNotice> notices() const;
  /// The worker has read a notice and dealt with it; it leaves the list. False when unknown.
  bool dismissNotice(int64_t id);
  // --- supervisor reviews (return to worker) ---
  /// Every household review the server reported, returned ones first.
  std::vector<ReviewState> reviews() const;
  std::optional<ReviewState> review(const std::string& householdUuid) const;
  /// Stores one page of reviews from the server and advances the review cursor in one transaction.
  size_t applyReviews(const std::vector<ReviewState>& reviews, int64_t nextCursor);
  int64_t reviewCursor() const;
  /// The worker has fixed a returned household: marks it for resubmission on the next sync.
  /// False (nothing written) when the household is not returned.
  bool requestResubmit(const std::string& householdUuid, const std::string& note = {});
  /// Households marked for resubmission, waiting to be sent.
  std::vector<ReviewState> pendingResubmits() const;
  /// The server answered a resubmission: its review state replaces the local one.
  void resubmitSent(const ReviewState& serverState);
  // --- the signed-in user's grids (device_scope.cpp) ---
  /// The grids the pulled records were fetched for; nullopt before the first pull (or in a file from
  /// before scopes were kept).
  std::optional<GridScope> pulledScope() const;
  /// Records the grids the pulled records now cover (a first pull's, or after a complete pull) and ends
  /// a full pull (restartPull): the device's own changes are left out of pulls again.
  void setPulledScope(const GridScope& scope);
  /// The user now sees households earlier pulls left out (a grid given, another user signed in): their
  /// changes lie before the cursors. Both cursors go back to 0 and pulls include the device's own
  /// changes (a household removed here may come back) until setPulledScope; one transaction.
  void restartPull(const GridScope& scope);
  /// Whether pulls include this device's own changes (a full pull after restartPull is under way).
  bool pullsOwnChanges() const;
  /// Removes the households outside `scope` (with their members, visits and review state) of which
  /// nothing waits: no outbox entry, no resubmission, no notice the worker has not dismissed. Those
  /// stay (read-only in the app) until their changes were answered and their notices read. Returns
  /// how many were removed.
  size_t removeHouseholdsOutside(const GridScope& scope);
  /// Live records as {uuid: {type, deleted, fields}} (comparable with the server's snapshot).
  Json snapshot() const;
  /// A setting kept in the file (server address, user); secrets are sealed with the device key.
  std::string setting(const std::string& key) const;
  void setSetting(const std::string& key, const std::string& value, bool secret = false);

  const std::string& deviceId() const { return m_deviceId; }
  /// The wall time this store's clock reads (ms since 1970): the system's unless opened with another.
  int64_t wallClockMs() const;
  int definitionVersion() const { return m_definition.version(); }
  const SurveyDefinition& definition() const { return m_definition; }
  std::string author() const;
  void setAuthor(const std::string& author);
  /// SQLite's PRAGMA integrity_check answer ("ok" when sound).
  std::string integrityCheck() const;
  /// SQLite's PRAGMA synchronous on the store's connection: 2 (FULL, a save is on disk when it returns)
  /// whenever no pulled page or acknowledgement is being stored (docs/device-store.md, "Durability").
  int64_t synchronousLevel() const;
  /// SQLite's PRAGMA wal_autocheckpoint on the store's connection, in pages (SQLite's default is 1,000).
  int64_t walAutoCheckpoint() const;
  /// Waits until the WAL copies asked for by ended checkpoint batches are done (the file alone then
  /// holds every commit before them). Closing the store waits for them too.
  void waitForCheckpoints();

  /// While alive, the store's WAL is copied into the database file only after kPages pages instead of
  /// SQLite's 1,000, and once more when it ends, on the store's own checkpoint thread: a sync's many
  /// commits then copy a page that several of them touched once, with fewer fsyncs, and neither the
  /// sync nor the next save waits for the copy (docs/device-store.md, "Checkpoints"). SyncClient::sync
  /// holds one; nesting is harmless.
  class CheckpointBatch {
   public:
    static constexpr int64_t kPages = 8000;  // about 32 MB of WAL (4 KB pages) before SQLite copies it back
    explicit CheckpointBatch(DeviceStore& store);
    /// finish(), unless it ran already.
    ~CheckpointBatch();
    CheckpointBatch(const CheckpointBatch&) = delete;
    CheckpointBatch& operator=(const CheckpointBatch&) = delete;
    /// Ends the batch now: SQLite's threshold again, and a copy of the WAL into the file asked of the
    /// checkpoint thread. A failure to copy loses nothing (the WAL keeps every commit and SQLite copies
    /// it later), so none is thrown.
    void finish();

   private:
    DeviceStore& m_store;
    int64_t m_previous;
    bool m_finished = false;
  };

 private:
  struct Context;
  void migrate();
  /// Upgrades a store-format-1 file: its field_version table's rows move into "<field>__v" columns.
  void moveVersionsIntoRecords();
  /// Upgrades a store-format-2 file: each version text becomes a stamp ("<field>__v") and a device id
  /// ("<field>__d").
  void storeVersionsAsStamps();
  /// Upgrades a store-format-2 file's outbox: the same entries and seqs without the change-id index,
  /// and the changeset in flight named by its first and last seq.
  void rebuildOutbox();
  void findVersionColumns();
  void loadKeyCheck();
  std::optional<StoredRecord> loadLocked(const std::string& uuid) const;
  std::optional<StoredRecord> loadFrom(const RecordTypeDef& def, const std::string& uuid) const;
  std::vector<StoredRecord> childrenLocked(const std::string& householdUuid, const std::string& type) const;
  void applyWrite(const RecordWrite& write, SaveResult& result, std::vector<std::string>& touchedHouseholds,
                  std::vector<std::string>& touchedPersons);
  void writeField(const RecordTypeDef& def, const std::string& uuid, const std::string& parent,
                  const FieldDef* field, const std::string& key, const Value& value,
                  const std::optional<std::string>& base);
  void bindValue(Statement& st, int index, const FieldDef& field, const std::string& uuid, const Value& value) const;
  Value readValue(const Statement& st, int col, const FieldDef& field, const std::string& uuid) const;
  void setLocalField(const RecordTypeDef& def, const std::string& uuid, const std::string& field, const Value& value,
                     const std::string& version);
  /// After a push: the field (and the record's tombstone) of an acknowledged entry take the server's
  /// `current` state from its answer, unless the server holds this very write or a newer edit is pending.
  void settleToServer(const RecordTypeDef& def, const OutboxEntry& entry, const Json& current);
  /// After a clock_ahead refusal (device_restamp.cpp): pending entries stamped later than the server
  /// takes (its time + the drift bound), and every entry after the first of them, get new stamps from
  /// that bound on, in outbox order; their change ids, sealed values, bases naming a re-stamped entry
  /// and the record columns holding their versions follow, and the clock goes back to the last new
  /// stamp. Lock and transaction held; returns how many entries were re-stamped.
  size_t restampAheadLocked(int64_t serverTimeMs);
  /// A record field's version `from` becomes `to` (a re-stamped pending write); any other version stays.
  void moveFieldVersion(const std::string& type, const std::string& uuid, const std::string& field,
                        const StoredVersion& from, const StoredVersion& to);
  /// acknowledgePush's work on one entry, with the lock and transaction held: true if it left the outbox.
  bool acknowledgeEntry(const OutboxEntry& entry, const Json* result);
  /// A known field's new value and the version that set it (none: the field was never set).
  struct FieldValue {
    const FieldDef* field;
    const Value* value;
    std::optional<StoredVersion> version;
  };
  /// Writes known fields of one record, values and versions, in one UPDATE.
  void setLocalValues(const RecordTypeDef& def, const std::string& uuid, const std::vector<FieldValue>& values);
  /// Binds a field's value, version and blind index (if it has one) from parameter `first` on.
  void bindFieldValue(Statement& st, int first, const FieldValue& value, const std::string& uuid) const;
  /// The UPDATE that assigns any of a record type's fields in one statement (see setLocalValues).
  const std::string& recordUpdateSql(const RecordTypeDef& def, bool withBlindIndexes);
  /// Sets a record's deleted flag and, when given, the flag's version.
  void setDeleted(const RecordTypeDef& def, const std::string& uuid, bool deleted,
                  const std::optional<StoredVersion>& version);
  /// The stored form of a version from the server (none for empty text), with the device's clock kept
  /// ahead of it. Throws StoreError for text that is not a storable HLC stamp.
  std::optional<StoredVersion> storeObserved(const std::string& version);
  /// A stored version's text, as the rest of the program knows versions.
  std::string versionText(const Statement& st, int stampColumn) const;
  /// Stores a pulled page's consecutive changes of one record: the newest value of each known field
  /// in one UPDATE; the deleted flag and fields the definition does not know alone. `expectNew` says
  /// whether the page's last record was new, and is set for this one.
  void storePulledRun(const std::vector<const PulledChange*>& run, bool& expectNew);
  bool hasPending(const std::string& uuid, const std::string& field) const;
  /// Outbox entries in order, at most `limit` (0: all), with seqs from `firstSeq` to `lastSeq`.
  std::vector<OutboxEntry> outboxLocked(size_t limit = 0, int64_t firstSeq = 0,
                                        int64_t lastSeq = std::numeric_limits<int64_t>::max()) const;
  void addNotice(const SyncNotice& notice);
  /// The batch a meta key (inflight_changeset, inflight_following) marks as sent ({id, first_seq,
  /// last_seq}), read again; empty if none, or if its first seq is not above `firstSeqAbove`.
  PushBatch markedBatchLocked(const std::string& key, int64_t firstSeqAbove = -1) const;
  void markBatchLocked(const std::string& key, const PushBatch& batch);
  /// After the batch `changesetId` was answered: the batch marked to follow it, if any, is in flight.
  void endBatchLocked(const std::string& changesetId);
  std::string metaGet(const std::string& key, const std::string& fallback = {}) const;
  void metaSet(const std::string& key, const std::string& value);

  mutable std::mutex m_mutex;
  const SurveyDefinition& m_definition;
  std::string m_path;
  std::unique_ptr<Database> m_db;
  /// Started by the first ended checkpoint batch; declared after m_db, so stopped before it closes.
  std::unique_ptr<WalCheckpointer> m_checkpointer;
  std::unique_ptr<VersionCodec> m_versions;  // device names of versions, in table devices
  std::unique_ptr<FieldCipher> m_cipher;
  std::unique_ptr<HybridClock> m_clock;
  std::function<CivilDate()> m_today;
  std::string m_deviceId;
  /// Per record type, the fields with a "<field>__v" version column (known, dropped and `_deleted`).
  std::map<std::string, std::vector<std::string>> m_versionedFields;
  std::map<std::string, std::string> m_recordUpdateSql;  // by record type (and "/blind")
};

/// Fills birth date and sex of a person from a valid ID number where they are not given.
void fillFromIdNumber(RecordValues& person, const CivilDate& today);

}  // namespace synccore
