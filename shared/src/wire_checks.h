#pragma once
// Checks shared by the strict wire parsers (changeset.cpp: format 1, changeset_columns.cpp: format 2):
// each failure is a WireError naming the JSON path and what was expected.
#include "synccore/changeset.h"
#include "synccore/random_id.h"

#include <set>
#include <string>

namespace synccore::wire {

/// The member `key` of an object, or a WireError "<path>.<key> is missing".
inline const Json& member(const Json& object, const char* key, const std::string& path) {
  if (!object.contains(key)) throw WireError(path + "." + key + " is missing");
  return object.at(key);
}

/// A WireError for the first member not in `allowed`.
inline void onlyKeys(const Json& object, const std::set<std::string>& allowed, const std::string& path) {
  for (const auto& [k, _] : object.items())
    if (!allowed.count(k)) throw WireError(path + "." + k + " is not a known field");
}

/// The member `key` as a UUID string.
inline std::string uuidAt(const Json& object, const char* key, const std::string& path) {
  const Json& v = member(object, key, path);
  if (!v.is_string() || !isUuid(v.get<std::string>())) throw WireError(path + "." + key + " must be a UUID string");
  return v;
}

/// A device id, node or other short name: 1-64 characters.
inline bool isShortName(const std::string& text) { return !text.empty() && text.size() <= 64; }

/// The changeset's `device` member (1-64 characters).
inline std::string deviceAt(const Json& changeset, const std::string& path) {
  const Json& device = member(changeset, "device", path);
  if (!device.is_string() || !isShortName(device.get<std::string>()))
    throw WireError(path + ".device must be a string of 1-64 characters");
  return device;
}

/// The changeset's optional `after` member: another changeset's UUID, or "" when it is absent.
inline std::string afterAt(const Json& changeset, const std::string& id) {
  if (!changeset.contains("after")) return "";
  std::string after = uuidAt(changeset, "after", "changeset");
  if (after == id) throw WireError("changeset.after must name another changeset than its own id");
  return after;
}

}  // namespace synccore::wire
