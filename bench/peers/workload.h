#pragma once
// Workload W of the peer benchmark, written once and used by every engine:
//   - a base state of H households (40 fields) and 5·H people (10 fields), UUID keys, realistic
//     Chinese values, valid under the survey definition (shared/schema/survey-v1.json);
//   - the edits of two devices A and B made from that base while offline: each edits 5 % of the
//     household fields and 5 % of the people (1–3 fields each), inserts 1 % new people and deletes
//     0.5 %; plus identical edits made on both sides and edit-vs-delete pairs;
//   - the oracle: the merged state every correct engine must reach and the true set of conflicts;
//   - the checker that compares an engine's merged state and reported conflicts with the oracle.
// Everything is a pure function of (households, seed). See docs/benchmarks.md ("Peers").
#include "bench_util.h"
#include "synccore/survey_definition.h"

#include <cstdint>
#include <iosfwd>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace peers {

enum RecordKind { kHousehold = 0, kPerson = 1 };
const char* kindName(int kind);  // "household", "person"

/// One field of a record type as the benchmark uses it.
struct FieldSpec {
  std::string key;
  synccore::FieldType type = synccore::FieldType::Text;
  synccore::MergePolicy policy = synccore::MergePolicy::Auto;
  const synccore::FieldDef* def = nullptr;
  bool editable = true;  // edits by A and B may touch it
};

/// A record of the base state or a new person; values are aligned with the field list of its kind.
struct Record {
  std::string uuid;
  int kind = kHousehold;
  int household = -1;  // index of the household (persons)
  std::vector<Json> values;
};

/// One record's part of a save.
struct Write {
  enum Op { Update, Insert, Delete };
  Op op = Update;
  int kind = kHousehold;
  int record = -1;  // index into base[kind] (update, delete) or into inserted (insert)
  std::vector<std::pair<int, Json>> fields;  // field index -> value (update, insert)
};

/// What a worker saves at once: everything one side changed in one household file.
struct Save {
  int household = -1;
  std::vector<Write> writes;
};

/// Counts describing the workload.
struct WorkloadStats {
  size_t householdFieldEdits[2] = {0, 0};
  size_t personsEdited[2] = {0, 0};
  size_t personFieldEdits[2] = {0, 0};
  size_t inserts[2] = {0, 0};
  size_t deletes[2] = {0, 0};
  size_t fieldChanges[2] = {0, 0};  // changes as Anju counts them: one per field, one per delete
  size_t saves[2] = {0, 0};
  size_t forcedIdentical = 0, forcedEditDelete = 0;
  Json toJson() const;
};

class Workload {
 public:
  static Workload generate(int households, uint64_t seed);

  int households() const { return static_cast<int>(base[kHousehold].size()); }
  uint64_t seed() const { return m_seed; }
  const std::vector<FieldSpec>& fieldsOf(int kind) const { return fields[kind]; }
  const Record& record(const Write& w) const {
    return w.op == Write::Insert ? inserted[w.record] : base[w.kind][w.record];
  }
  /// Field values of a record as {key: value}.
  synccore::RecordValues valuesOf(const Record& r) const;
  synccore::RecordValues valuesOf(const Write& w) const;  // only the written fields

  /// Writes W as JSON lines (meta, base records, then each side's saves) for the Node engines.
  void exportJsonl(std::ostream& out) const;

  std::vector<FieldSpec> fields[2];
  std::vector<Record> base[2];
  std::vector<Record> inserted;  // new persons of both sides
  std::vector<Save> saves[2];    // A = 0, B = 1, in household order
  WorkloadStats stats;

 private:
  uint64_t m_seed = 0;
};

/// One conflict as an engine reports it: the record and, for field-level engines, the field
/// ("_deleted" for an edit-vs-delete pair; empty when the engine reports records only).
struct ConflictKey {
  std::string record;
  std::string field;
  bool operator<(const ConflictKey& o) const { return std::tie(record, field) < std::tie(o.record, o.field); }
};

/// The expected merged state and the true conflicts of W.
class Oracle {
 public:
  explicit Oracle(const Workload& w);

  struct Expect {
    int kind = kHousehold;
    bool mayBeLive = true, mayBeDeleted = false;
    std::vector<std::vector<Json>> acceptable;  // per field: the values a correct merge may hold
  };
  const std::unordered_map<std::string, Expect>& records() const { return m_records; }
  const std::set<ConflictKey>& conflictFields() const { return m_fields; }
  const std::set<std::string>& conflictRecords() const { return m_recordSet; }
  Json summary() const;

 private:
  std::unordered_map<std::string, Expect> m_records;
  std::set<ConflictKey> m_fields;
  std::set<std::string> m_recordSet;
  size_t m_identical = 0, m_concurrent = 0, m_editDelete = 0, m_bothDeleted = 0;
};

/// Compares an engine's merged state, record by record, with the oracle.
class StateChecker {
 public:
  StateChecker(const Workload& w, const Oracle& oracle);
  /// One record of the engine's state; `fields` is an object {key: value} (null or absent = unset).
  void record(const std::string& uuid, bool deleted, const Json& fields);
  /// Records never reported count as absent (deleted). Returns the comparison as JSON.
  Json finish();

 private:
  void mismatch(const std::string& kind, Json example);
  const Workload& m_w;
  const Oracle& m_oracle;
  std::set<std::string> m_seen;
  size_t m_cells = 0, m_badCells = 0, m_badRecords = 0;
  std::map<std::string, size_t> m_byKind;
  Json m_examples = Json::array();
};

/// Precision and recall of reported conflicts against the oracle, by record and (when the engine
/// reports fields) by field.
Json conflictReport(const Oracle& oracle, const std::vector<ConflictKey>& reported, bool fieldLevel);

/// True when two field values are the same (numbers compared as numbers).
bool sameValue(const Json& a, const Json& b);

}  // namespace peers
