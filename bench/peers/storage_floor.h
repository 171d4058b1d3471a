#pragma once
// The storage floor of Anju's server merge: the rows a merge must write, by plain statements.
#include "synccore/changeset.h"

#include <string>
#include <vector>

namespace syncserver {
class ServerState;
}

namespace peers {

/// A changeset as one user sent it.
struct SentChangeset {
  std::string user;
  synccore::Changeset changeset;
};

/// Writes the rows Anju's server stores for each change of `changesets` (the change log row, which also
/// marks a change applied as sent as seen, the field with its version, the changeset row; a records row
/// for a new record, the deleted flag for a delete) into `state`'s database with plain prepared
/// statements, one durable transaction per changeset, every change applied (last writer wins, like raw
/// SQLite). With `withReads` it also makes the reads a field-level merge cannot skip: already seen? (its
/// answer row, then its change log row by version), the field's current version and, once per record
/// and changeset, the record.
/// Without reads, a record's id is still looked up once per record and changeset (a raw UPDATE by uuid
/// makes the same lookup). No validation, merge decision, conflict log, JSON answer or HTTP. Returns
/// the milliseconds taken.
double writeStorageFloor(syncserver::ServerState& state, const std::vector<SentChangeset>& changesets,
                         bool withReads);

}  // namespace peers
