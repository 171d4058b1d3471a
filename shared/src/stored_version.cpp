#include "synccore/stored_version.h"

#include <limits>
#include <stdexcept>

namespace synccore {

namespace {
// The counter takes five decimal digits of the HLC text, so stamp = wall ms × 100,000 + counter keeps
// the HLC's order and fits 63 bits for any wall clock before the year 4900.
constexpr int64_t kCounterSpan = 100000;
constexpr int64_t kMaxWallMs = std::numeric_limits<int64_t>::max() / kCounterSpan - 1;

int64_t stampOf(const Hlc& hlc) {
  if (!VersionCodec::storable(hlc)) throw std::invalid_argument("version out of the storable range");
  return hlc.wallMs * kCounterSpan + hlc.counter;
}

Hlc parsed(const std::string& version) {
  auto hlc = Hlc::parse(version);
  if (!hlc) throw std::invalid_argument("not an HLC version: " + version);
  return *hlc;
}
}  // namespace

VersionCodec::VersionCodec(Database& db) : m_db(db) {
  m_db.exec("CREATE TABLE IF NOT EXISTS devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
  sqlite3_rollback_hook(m_db.handle(), [](void* self) { static_cast<VersionCodec*>(self)->forgetIds(); }, this);
}

VersionCodec::~VersionCodec() { sqlite3_rollback_hook(m_db.handle(), nullptr, nullptr); }

const std::string& VersionCodec::remember(const std::string& name, int64_t id) const {
  m_ids.emplace(name, id);
  return m_names.emplace(id, name).first->second;
}

void VersionCodec::forgetIds() {
  m_ids.clear();
  m_names.clear();
}

bool VersionCodec::storable(const Hlc& hlc) {
  return hlc.wallMs >= 0 && hlc.wallMs <= kMaxWallMs && hlc.counter < kCounterSpan;
}

StoredVersion VersionCodec::store(const std::string& version) { return store(parsed(version)); }

StoredVersion VersionCodec::store(const Hlc& version) { return {stampOf(version), deviceId(version.device)}; }

std::optional<StoredVersion> VersionCodec::find(const std::string& version) const {
  auto hlc = Hlc::parse(version);
  if (!hlc || !storable(*hlc)) return std::nullopt;
  auto device = knownDeviceId(hlc->device);
  if (!device) return std::nullopt;
  return StoredVersion{stampOf(*hlc), *device};
}

int64_t VersionCodec::deviceId(const std::string& name) {
  if (auto known = knownDeviceId(name)) return *known;
  m_db.cached("INSERT INTO devices(name) VALUES(?)").bind(1, name).run();
  const int64_t id = m_db.lastInsertRowId();
  remember(name, id);
  return id;
}

std::optional<int64_t> VersionCodec::knownDeviceId(const std::string& name) const {
  auto cached = m_ids.find(name);
  if (cached != m_ids.end()) return cached->second;
  auto st = m_db.cached("SELECT id FROM devices WHERE name=?");
  if (!st.bind(1, name).step()) return std::nullopt;
  const int64_t id = st.int64(0);
  remember(name, id);
  return id;
}

const std::string& VersionCodec::deviceName(int64_t id) const {
  auto cached = m_names.find(id);
  if (cached != m_names.end()) return cached->second;
  auto st = m_db.cached("SELECT name FROM devices WHERE id=?");
  if (!st.bind(1, id).step()) throw std::runtime_error("device id " + std::to_string(id) + " is not in table devices");
  return remember(st.text(0), id);
}

std::string VersionCodec::text(const StoredVersion& version) const {
  return Hlc{version.stamp / kCounterSpan, static_cast<uint32_t>(version.stamp % kCounterSpan),
                       deviceName(version.device)}
      .toString();
}

std::string VersionCodec::stampSql(const std::string& column) {
  return "(CAST(substr(" + column + ", 1, 18) AS INTEGER) * " + std::to_string(kCounterSpan) + " + CAST(substr(" +
         column + ", 20, 5) AS INTEGER))";
}

std::string VersionCodec::deviceSql(const std::string& column) { return "substr(" + column + ", 26)"; }

std::string VersionCodec::textSql(const std::string& stampColumn, const std::string& deviceColumn) {
  const std::string span = std::to_string(kCounterSpan);
  return "iif(" + stampColumn + " IS NULL, NULL, printf('%018d-%05d-%s', " + stampColumn + " / " + span + ", " +
         stampColumn + " % " + span + ", (SELECT name FROM devices WHERE id = " + deviceColumn + ")))";
}

std::string VersionCodec::storableSql(const std::string& column) {
  std::string digits18, digits5;
  for (int i = 0; i < 18; ++i) digits18 += "[0-9]";
  for (int i = 0; i < 5; ++i) digits5 += "[0-9]";
  return "(" + column + " GLOB '" + digits18 + "-" + digits5 + "-?*' AND CAST(substr(" + column + ", 1, 18) AS INTEGER) <= " +
         std::to_string(kMaxWallMs) + ")";
}

}  // namespace synccore
