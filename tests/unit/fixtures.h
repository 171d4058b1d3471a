#pragma once
// Valid sample records and ID numbers shared by the unit tests.
#include "synccore/device_store.h"
#include "synccore/id_number.h"
#include "synccore/random_id.h"
#include "synccore/sqlite.h"

#include <string>
#include <vector>

namespace fixtures {

inline synccore::CivilDate today() { return {2026, 11, 22}; }

/// A valid 18-character ID number: region, birth date "YYYYMMDD", 3-digit sequence.
inline std::string makeId(const std::string& region, const std::string& birth, const std::string& seq) {
  const std::string first17 = region + birth + seq;
  return first17 + synccore::idNumberCheckDigit(first17);
}

inline synccore::RecordValues household(const std::string& grid = "G01", const std::string& head = "马文明") {
  return {{"grid", grid},
          {"address", "玉泉家园3号楼2单元301"},
          {"head_name", head},
          {"residence_status", "resident"},
          {"monitoring_category", "none"}};
}

/// A person whose birth date and sex agree with the ID number (sequence digit 3 = male).
inline synccore::RecordValues person(const std::string& name, const std::string& relation,
                                     const std::string& id = makeId("640121", "19800315", "123")) {
  synccore::RecordValues p{{"name", name}, {"relation", relation}, {"id_number", id}};
  synccore::fillFromIdNumber(p, today());
  return p;
}

/// A change another device made, as a pull brings it: stamped now, with `seq` as its counter.
inline synccore::PulledChange pulledChange(const std::string& type, const std::string& uuid, const std::string& parent,
                                           const std::string& field, const synccore::Value& value, int64_t seq) {
  synccore::PulledChange p;
  p.seq = seq;
  p.version = synccore::Hlc{synccore::HybridClock::systemWallMs(), static_cast<uint32_t>(seq), "other-device"}.toString();
  p.change = {synccore::newUuid(), type, uuid, parent, field, value, std::nullopt, p.version};
  return p;
}

/// Another tablet's outbox as a server serves it to a pull: seqs 1, 2, ... in outbox order, by `author`.
inline std::vector<synccore::PulledChange> servedChanges(synccore::DeviceStore& other, const std::string& author) {
  std::vector<synccore::PulledChange> out;
  int64_t seq = 0;
  for (const synccore::Change& c : other.nextPushBatch(other.outboxSize()).toChangeset(other.deviceId()).changes) {
    synccore::PulledChange p;
    p.seq = ++seq;
    p.change = c;
    p.version = c.hlc;
    p.author = author;
    p.device = other.deviceId();
    out.push_back(p);
  }
  return out;
}

/// The "<field>__v" version columns of a device file's record table (docs/device-store.md).
inline std::vector<std::string> versionColumns(synccore::Database& db, const std::string& table) {
  std::vector<std::string> out;
  auto st = db.prepare("SELECT name FROM pragma_table_info(?) WHERE name LIKE '%\\_\\_v' ESCAPE '\\'");
  st.bind(1, table);
  while (st.step()) out.push_back(st.text(0));
  return out;
}

/// The device-id column beside a "<field>__v" version column ("<field>__d").
inline std::string versionDeviceColumn(const std::string& versionColumn) {
  return versionColumn.substr(0, versionColumn.size() - 1) + "d";
}

inline synccore::DeviceStore::Options options() {
  synccore::DeviceStore::Options o;
  o.today = [] { return today(); };
  return o;
}

}  // namespace fixtures
