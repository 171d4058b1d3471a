#pragma once
// The demo community: a generated, deterministic 玉泉营农场社区 (grids, households, members,
// visits) held in memory. Loading it into a server is demo_loader.h's job.
#include "synccore/civil_date.h"
#include "synccore/survey_definition.h"

#include <cstdint>
#include <string>
#include <vector>

namespace syncserver {

/// One generated record: its type, UUID, parent household (empty for households) and values.
struct DemoRecord {
  std::string type;
  std::string uuid;
  std::string parent;
  synccore::RecordValues values;
};

/// A household with its members and visits (visits in date order).
struct DemoHousehold {
  std::string grid;
  DemoRecord household;
  std::vector<DemoRecord> members;
  std::vector<DemoRecord> visits;
};

/// A grid of the community: its code and the part of the community it covers.
struct DemoGrid {
  std::string code;  // G01..G12
  std::string area;  // e.g. "玉泉家园一区 1-5号楼"
};

/// What to generate. The same options give the same community (names, ID numbers, values,
/// dates relative to `today`); record UUIDs are always fresh.
struct DemoOptions {
  int households = 1800;
  uint64_t seed = 1;
  synccore::CivilDate today = synccore::CivilDate::today();
};

/// The generated community.
struct DemoCommunity {
  synccore::CivilDate today;
  std::vector<DemoGrid> grids;
  std::vector<DemoHousehold> households;  // grid by grid

  size_t people() const;
  size_t visits() const;
};

/// One grid's indicators, as a supervisor would read them.
struct DemoGridSummary {
  std::string grid;
  std::string area;
  int households = 0;
  int people = 0;
  int withLabour = 0;       // households with labour_count >= 1
  int withStableWork = 0;   // ... of which at least one member is in stable work
  int monitored = 0;        // monitoring_category other than none
  int monitoredOverdue = 0; // ... of which the last visit is more than 30 days old
};

/// Generates the community. Throws std::invalid_argument when households < 1.
DemoCommunity generateDemoCommunity(const DemoOptions& options);

/// The per-grid indicators of a community (derived figures from synccore).
std::vector<DemoGridSummary> summariseDemoCommunity(const DemoCommunity& community);

}  // namespace syncserver
