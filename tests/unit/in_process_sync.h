#pragma once
// Syncs a device store through the real sync service in process (no HTTP), as SyncClient does.
#include "sync_service.h"
#include "synccore/device_store.h"

#include <catch2/catch.hpp>

#include <vector>

namespace fixtures {

/// Pushes and pulls one device through the service, as SyncClient does over HTTP.
inline void syncThrough(synccore::DeviceStore& device, syncserver::SyncService& service,
                        const syncserver::Session& session) {
  for (synccore::PushBatch batch = device.nextPushBatch(500); !batch.entries.empty(); batch = device.nextPushBatch(500)) {
    auto reply = service.push(session, batch.toChangeset(device.deviceId()).toJson());
    INFO(reply.body.dump());
    REQUIRE(reply.status == 200);
    REQUIRE(device.acknowledgePush(batch, reply.body["results"]) == batch.entries.size());
  }
  while (true) {
    auto reply = service.pull(session, device.pullCursor(), 500);
    REQUIRE(reply.status == 200);
    std::vector<synccore::PulledChange> changes;
    for (const auto& j : reply.body["changes"]) changes.push_back(synccore::PulledChange::fromJson(j));
    device.applyPulled(changes, reply.body["next_after"]);
    if (!reply.body["has_more"].get<bool>()) break;
  }
}

}  // namespace fixtures
