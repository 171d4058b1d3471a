#pragma once
// The wire form of field changes, changesets and pulled changes (protocol v1, docs/sync-protocol.md).
#include "synccore/survey_definition.h"

#include <optional>
#include <string>
#include <vector>

namespace synccore {

/// One field change as a device sends it (an outbox entry on the wire).
struct Change {
  std::string changeId;
  std::string recordType;
  std::string record;
  std::string parent;  // empty for households
  std::string field;   // field key or "_deleted"
  Value value;
  std::optional<std::string> baseVersion;
  std::string hlc;

  Json toJson() const;
};

/// The id of the change a device stamped hlc on record's field: a UUID v8 whose first 48 bits are the
/// stamp's wall time and the rest a SHA-256 of (hlc, record, field). A device's stamps never repeat,
/// so the id is unique without being sent; the value is not hashed (a sensitive value must not
/// be guessable from its change id).
std::string changeIdFor(const std::string& hlc, const std::string& record, const std::string& field);

/// A batch of changes pushed under one id; resending the same id and content is safe.
struct Changeset {
  std::string id;
  std::string device;
  std::vector<Change> changes;
  /// The changeset this device sent just before this one and has no answer to yet: the server merges
  /// this one only after that one was stored (docs/sync-protocol.md, "Pipelined batches"). Empty: none.
  /// Transport order, not content: not part of the digest.
  std::string after;

  Json toJson() const;
  /// SHA-256 (hex) of the canonical content, used to spot a replayed id with altered content.
  std::string digest() const;
};

/// The outcome of one change in a push.
enum class ChangeOutcome { Applied, Duplicate, Conflict, Rejected };
std::string_view outcomeName(ChangeOutcome outcome);
std::optional<ChangeOutcome> outcomeFromName(std::string_view name);

/// One accepted change as the server returns it from a pull.
struct PulledChange {
  int64_t seq = 0;
  Change change;
  std::string version;  // the HLC the field now has on the server
  std::string author;
  std::string device;
  Json toJson() const;
  static PulledChange fromJson(const Json& j);  // throws std::invalid_argument
};

/// Strict parser for request bodies: every error names the JSON path and what was expected.
class WireError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
Change changeFromJson(const Json& j, const std::string& path);
Changeset changesetFromJson(const Json& j);

constexpr const char* kDeletedField = "_deleted";
constexpr size_t kMaxChangesPerChangeset = 2000;

}  // namespace synccore
