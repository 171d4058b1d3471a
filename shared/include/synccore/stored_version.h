#pragma once
// HLC versions as the server's and the device's rows keep them: one integer stamp and a small device id.
#include "synccore/hlc.h"
#include "synccore/sqlite.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace synccore {

/// A version as stored: the HLC's wall ms and counter in one integer, and its device's id.
struct StoredVersion {
  int64_t stamp = 0;
  int64_t device = 0;
};

/// Turns version text into stored versions and back; each device name is kept once, in table devices.
/// Used by the server's record store and the device store (docs/server-store.md, docs/device-store.md).
/// Ids given inside a transaction that rolls back are forgotten with it (SQLite's rollback hook).
class VersionCodec {
 public:
  explicit VersionCodec(Database& db);
  ~VersionCodec();
  VersionCodec(const VersionCodec&) = delete;
  VersionCodec& operator=(const VersionCodec&) = delete;

  /// The stored form of a version, giving its device an id if it has none.
  /// Throws std::invalid_argument for text that is not an HLC stamp the server can store.
  StoredVersion store(const std::string& version);
  /// The same for a stamp already parsed.
  StoredVersion store(const Hlc& version);
  /// The stored form of a version whose device already has an id (nullopt: no stored row holds it).
  std::optional<StoredVersion> find(const std::string& version) const;
  /// A device's id, given one if it has none.
  int64_t deviceId(const std::string& name);
  /// A device's id if it has one.
  std::optional<int64_t> knownDeviceId(const std::string& name) const;
  const std::string& deviceName(int64_t id) const;
  /// The version's text ("<wall ms>-<counter>-<device>", the HLC's own order).
  std::string text(const StoredVersion& version) const;

  /// True when the stamp fits a stored version (wall clock before the year 4900, counter below 100,000).
  static bool storable(const Hlc& version);

  /// SQL for the stamp of a version text column (wall ms × 100,000 + counter), for rebuilding old files.
  static std::string stampSql(const std::string& column);
  /// SQL for the device name of a version text column (what follows the counter), for rebuilding old files.
  static std::string deviceSql(const std::string& column);
  /// SQL true when a version text column holds a stamp `stampSql` can convert.
  static std::string storableSql(const std::string& column);
  /// SQL for a stored version's text, from its stamp and device-id columns (NULL when the stamp is NULL).
  static std::string textSql(const std::string& stampColumn, const std::string& deviceColumn);

 private:
  /// Caches a device's id both ways; returns the cached name.
  const std::string& remember(const std::string& name, int64_t id) const;
  void forgetIds();

  Database& m_db;
  mutable std::unordered_map<std::string, int64_t> m_ids;
  mutable std::unordered_map<int64_t, std::string> m_names;
};

}  // namespace synccore
