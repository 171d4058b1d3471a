// DeviceStore's part of recovering from a clock set ahead: pending edits the server refused as stamped
// in its future get new stamps from the server's clock, in the order the worker made them
// (docs/device-store.md, "A clock set ahead").
#include "synccore/changeset.h"
#include "synccore/device_store.h"
#include "synccore/field_cipher.h"

#include <unordered_map>

namespace synccore {

size_t DeviceStore::restampAheadLocked(int64_t serverTimeMs) {
  // The newest stamp the server takes now. Every write of this tablet the server holds is stamped at
  // most this (it took each no later than now), so stamps from here on stay after all of them; pending
  // entries stamped at most this go as they are.
  const int64_t latest = serverTimeMs + HybridClock::kDefaultMaxDriftMs;
  const std::vector<OutboxEntry> pending = outboxLocked();
  Hlc next{latest, 0, m_deviceId};
  size_t first = pending.size();  // the first entry stamped beyond `latest`: it and all after it move
  for (size_t i = 0; i < pending.size(); ++i) {
    const auto stamp = Hlc::parse(pending[i].hlc);
    if (!stamp || stamp->wallMs > latest) {
      first = i;
      break;
    }
    if (stamp->wallMs == latest) next = HybridClock::successor(Hlc{latest, stamp->counter, m_deviceId});
  }
  if (first == pending.size()) return 0;
  std::unordered_map<std::string, std::string> renamed;  // old stamp -> new, for bases naming one
  Hlc last = next;
  for (size_t i = first; i < pending.size(); ++i, next = HybridClock::successor(next)) {
    const OutboxEntry& e = pending[i];
    const std::string hlc = next.toString();
    const std::string changeId = changeIdFor(hlc, e.recordUuid, e.field);
    std::optional<std::string> base = e.baseVersion;
    if (base) {
      const auto moved = renamed.find(*base);
      if (moved != renamed.end()) base = moved->second;
    }
    // A sealed value is bound to its change id: sealed again under the new one.
    auto update = m_db->cached(
        "UPDATE outbox SET hlc=?1, change_id=?2, base_version=?3,"
        " value=CASE sealed WHEN 0 THEN value ELSE ?4 END WHERE seq=?5");
    update.bind(1, hlc).bind(2, changeId);
    if (base) update.bind(3, *base); else update.bind(3, nullptr);
    update.bindBlob(4, m_cipher->seal(e.value.dump(), "outbox/" + changeId)).bind(5, e.seq).run();
    // The record shows the write with its new version (unless a pulled write replaced it since).
    if (const auto old = Hlc::parse(e.hlc); old && VersionCodec::storable(*old))
      moveFieldVersion(e.recordType, e.recordUuid, e.field, m_versions->store(*old), m_versions->store(next));
    renamed.emplace(e.hlc, hlc);
    last = next;
  }
  m_clock->resetTo(last);
  metaSet("hlc_last", last.toString());
  return pending.size() - first;
}

}  // namespace synccore
