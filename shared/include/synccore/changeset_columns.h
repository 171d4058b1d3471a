#pragma once
// Push format 2: a changeset as columns over dictionaries, and its compact answer
// (docs/sync-protocol.md, "Push format 2"). Same content and digest as format 1, fewer bytes.
#include "synccore/changeset.h"

namespace synccore {

constexpr int kColumnarFormat = 2;

/// True when a push body declares "format": 2.
bool isColumnarChangeset(const Json& body);

/// The changeset in format 2. Change ids equal to changeIdFor(hlc, record, field) are not sent.
Json changesetToColumns(const Changeset& changeset);

/// Strict parser of a format 2 body: every error names the JSON path. Throws WireError.
Changeset changesetFromColumns(const Json& body);

/// A push answer (format 1: one result per change) in format 2: results that say no more than
/// "applied as sent" are left out; the others carry their "index" in the changeset.
Json compactPushAnswer(const Changeset& changeset, const Json& answer);

/// The format 1 answer, one result per change in order, from a format 2 answer to changeset.
/// Throws WireError when the answer does not fit the changeset.
Json expandPushAnswer(const Changeset& changeset, const Json& compact);

}  // namespace synccore
