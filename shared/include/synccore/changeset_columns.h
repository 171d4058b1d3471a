#pragma once
// Format 2: changesets and pull pages as columns over dictionaries, compact push answers
// (docs/sync-protocol.md, "Format 2"). Same content (and digest) as format 1, fewer bytes.
#include "synccore/changeset.h"

#include <optional>
#include <string_view>
#include <vector>

namespace synccore {

constexpr int kColumnarFormat = 2;

/// True when a push body declares "format": 2.
bool isColumnarChangeset(const Json& body);

/// The changeset in format 2. Change ids equal to changeIdFor(hlc, record, field) are not sent.
Json changesetToColumns(const Changeset& changeset);

/// Strict parser of a format 2 body: every error names the JSON path. Throws WireError.
Changeset changesetFromColumns(const Json& body);

/// The format 1 result of a change the server applied exactly as the device sent it: outcome
/// "applied", current value = the value sent, version = its HLC, record not deleted.
Json plainPushResult(const Change& change);
/// True when result says no more than plainPushResult(change) (values compared as JSON text).
bool isPlainPushResult(const Change& change, const Json& result);

/// A push answer (format 1: one result per change) in format 2: results that say no more than
/// "applied as sent" are left out; the others carry their "index" in the changeset.
Json compactPushAnswer(const Changeset& changeset, const Json& answer);
/// The same from one entry per change, empty where the change was applied as sent.
Json compactPushAnswer(const std::string& changesetId, int64_t lastSeq, const std::vector<std::optional<Json>>& results);

/// Each change's result in a format 2 answer to changeset, by position: null where the change was
/// applied as sent (the others point into compact and carry their "index"). Throws WireError when the
/// answer does not fit the changeset.
std::vector<const Json*> pushResultsByChange(const Changeset& changeset, const Json& compact);
/// The outcome a push result names: "applied" for a null one (applied as sent: pushResultsByChange),
/// "" when a result names none or not as text. The view lives as long as the result.
std::string_view pushOutcome(const Json* result);
/// The format 1 answer, one result per change in order, from a format 2 answer to changeset.
/// Throws WireError when the answer does not fit the changeset.
Json expandPushAnswer(const Changeset& changeset, const Json& compact);

/// A pull page (GET /v1/changes?format=2) in columns: seq, author and device columns besides the
/// push columns (no base versions), and the change ids that are derived left out.
Json pullPageToColumns(const std::vector<PulledChange>& changes, int64_t nextAfter, bool hasMore);

/// The changes of a format 2 pull page, in order. Throws WireError.
std::vector<PulledChange> pullPageFromColumns(const Json& page);

}  // namespace synccore
