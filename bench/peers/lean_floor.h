#pragma once
// Storage floors of a leaner server layout than Anju's: how far the rows a field-level merge writes
// could shrink, and what the change log alone costs (the durable part of a design that keeps field
// state in memory and writes it behind). See docs/benchmarks.md, "Where the merge time goes".
#include "storage_floor.h"
#include "workload.h"

#include <memory>
#include <string>
#include <vector>

namespace peers {

/// Which rows a lean write stores per change.
enum class LeanRows {
  LogAndFields,  // a change log row and the field's row, as Anju's server does
  LogOnly,       // the change log row only
};

/// How the lean layout stores a version.
enum class LeanVersions {
  Integer,  // the stamp as one integer and the device as a small id
  Text,     // the HLC text Anju stores (61 bytes), to tell the versions' share from the rest
};

/// W's base in a lean layout (record and field ids instead of repeated texts, no change ids: they
/// derive from stamp, record and field), written once into `dir`; each write() times the same
/// changesets on a fresh copy with the server's connection settings.
class LeanFloor {
 public:
  LeanFloor(const Workload& w, const std::string& dir, LeanVersions versions);
  ~LeanFloor();

  /// Every change of `changesets` written by plain prepared statements, one durable transaction per
  /// changeset (with its changeset row), last writer wins. Returns the milliseconds taken.
  double write(const std::vector<SentChangeset>& changesets, LeanRows rows);
  /// The state the last write() left (each field's last logged value for LogOnly), against the oracle.
  Json checkState(const Oracle& oracle);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace peers
