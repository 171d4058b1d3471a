#pragma once
// Worker wang's tablet and the server in process, for tests of what a refused push does on the tablet.
#include "fixtures.h"
#include "sync_service.h"
#include "temp_dir.h"

#include "synccore/device_store.h"

#include <catch2/catch.hpp>

#include <algorithm>

constexpr int64_t kOneDayMs = 24 * 60 * 60 * 1000;

/// Worker wang (grid G01), the server in process, and wang's tablet whose clock can run ahead.
struct WangsTablet {
  TempDir dir;
  syncserver::ServerState state{dir.file("server.db")};
  syncserver::SyncService service{state};
  syncserver::Session wang;
  int64_t aheadMs = 0;
  synccore::DeviceStore tablet{dir.file("a.db"), synccore::SurveyDefinition::builtin(), optionsWithClock()};
  std::string household;

  WangsTablet() {
    state.accounts().addUser("wang", syncserver::Role::Worker, {"G01"}, "password-wang");
    wang = signIn();
    synccore::RecordValues values = fixtures::household("G01");
    values["phone"] = "13800000001";
    const synccore::SaveResult saved = tablet.save({{"household", "", "", values}});
    REQUIRE(saved.ok());
    household = saved.uuids.front();
    synccore::PushBatch batch = tablet.nextPushBatch(500);
    const auto reply = service.push(wang, batch.toChangeset(tablet.deviceId()).toJson());
    REQUIRE(reply.status == 200);
    REQUIRE(tablet.acknowledgePush(batch, reply.body["results"]) == batch.entries.size());
  }

  synccore::DeviceStore::Options optionsWithClock() {
    synccore::DeviceStore::Options o = fixtures::options();
    o.wallClock = [this] { return synccore::HybridClock::systemWallMs() + aheadMs; };
    return o;
  }

  syncserver::Session signIn() {
    return *service.authenticate(service.signIn({{"user", "wang"}, {"password", "password-wang"}}).body["token"]);
  }

  /// Sends the tablet's next batch to the server; expects the answer's status.
  std::pair<synccore::PushBatch, syncserver::Reply> pushNext(int status) {
    synccore::PushBatch batch = tablet.nextPushBatch(500);
    REQUIRE_FALSE(batch.entries.empty());
    auto reply = service.push(wang, batch.toChangeset(tablet.deviceId()).toJson());
    INFO(reply.body.dump());
    REQUIRE(reply.status == status);
    return {std::move(batch), std::move(reply)};
  }

  /// Sends the tablet's next batch; expects it refused and hands the refusals (not the server's time) to
  /// the tablet: every refused change becomes a notice.
  synccore::Json pushRefused(int status) {
    const auto [batch, reply] = pushNext(status);
    REQUIRE(tablet.rejectChanges(batch, reply.body["rejected"]).moved == reply.body["rejected"].size());
    return reply.body["rejected"];
  }

  /// The server's value and version of one of the household's fields.
  std::optional<syncserver::FieldSide> onServer(const std::string& field) {
    const auto record = state.records().record(household);
    REQUIRE(record);
    return state.records().fieldValue(*record, field);
  }

  const synccore::Json& refusedNotice(const std::string& field) {
    m_notices = tablet.notices();
    const auto n = std::find_if(m_notices.begin(), m_notices.end(),
                                [&](const synccore::SyncNotice& x) { return x.recordUuid == household && x.field == field; });
    REQUIRE(n != m_notices.end());
    CHECK(n->kind == "rejected");
    return n->value;
  }

 private:
  std::vector<synccore::SyncNotice> m_notices;
};
