// A change the server refuses: the device's household file goes back to what the server holds, the
// refused value stays as a notice, and nothing is told of records outside the worker's grids
// (docs/sync-protocol.md, "Errors").
#include "local_server.h"
#include "wangs_tablet.h"

#include "synccore/sync_client.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace synccore;

TEST_CASE("a refused edit of a stored household goes back to the server's value; the notice keeps it",
          "[sync][refused]") {
  WangsTablet t;
  // The tablet's date is a day ahead: the server refuses its edits (clock_ahead). Handed over without the
  // server's time, as a server older than re-stamping sent them, they are refused like any other change
  // (test_clock_ahead.cpp: with it, they go again with new stamps).
  t.aheadMs = kOneDayMs;
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"phone", "13900000002"}, {"remarks", "门口有台阶"}}}}).ok());
  CHECK(t.tablet.load(t.household)->values.at("phone") == "13900000002");
  const Json refused = t.pushRefused(422);
  REQUIRE(refused.size() == 2);
  for (const Json& r : refused) {
    CHECK(r["code"] == "clock_ahead");
    REQUIRE(r.contains("current"));
  }
  const auto phone = t.onServer("phone");
  REQUIRE(phone);
  const StoredRecord back = *t.tablet.load(t.household);
  CHECK(back.values.at("phone") == "13800000001");
  CHECK(back.versions.at("phone") == phone->version);
  // A field the server never set is cleared, as on the server.
  CHECK_FALSE(t.onServer("remarks"));
  CHECK((!back.values.count("remarks") || back.values.at("remarks").is_null()));
  // The refused values wait in the notices for the worker to fix.
  CHECK(t.refusedNotice("phone") == "13900000002");
  CHECK(t.refusedNotice("remarks") == "门口有台阶");
  CHECK(t.tablet.outboxSize() == 0);
}

TEST_CASE("a refused edit does not overwrite a newer edit of the same field made meanwhile", "[sync][refused]") {
  WangsTablet t;
  t.aheadMs = kOneDayMs;
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"phone", "13900000002"}}}}).ok());
  const auto [batch, reply] = t.pushNext(422);
  // While the push was out, the worker corrected the number again.
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"phone", "13900000003"}}}}).ok());
  REQUIRE(t.tablet.rejectChanges(batch, reply.body["rejected"]).moved == 1);
  CHECK(t.tablet.load(t.household)->values.at("phone") == "13900000003");
  CHECK(t.tablet.outboxSize() == 1);
}

TEST_CASE("a refusal tells nothing of a household outside the worker's grids, nor of one never stored",
          "[sync][refused]") {
  WangsTablet t;
  SECTION("the grid was taken away: out_of_scope, no state, the tablet keeps its value") {
    t.state.accounts().setGrids("wang", {"G02"});
    t.wang = t.signIn();
    REQUIRE(t.tablet.save({{"household", t.household, "", {{"phone", "13900000002"}}}}).ok());
    const Json refused = t.pushRefused(403);
    REQUIRE(refused.size() == 1);
    CHECK(refused[0]["code"] == "out_of_scope");
    CHECK_FALSE(refused[0].contains("current"));
    CHECK(t.tablet.load(t.household)->values.at("phone") == "13900000002");
  }
  SECTION("a new household refused whole: nothing on the server to go back to") {
    t.aheadMs = kOneDayMs;
    const SaveResult saved = t.tablet.save({{"household", "", "", fixtures::household("G01", "新户主")}});
    REQUIRE(saved.ok());
    const Json refused = t.pushRefused(422);
    REQUIRE_FALSE(refused.empty());
    for (const Json& r : refused) CHECK_FALSE(r.contains("current"));
    CHECK(t.tablet.load(saved.uuids.front())->values.at("head_name") == "新户主");
  }
}

TEST_CASE("a refusal whose field state the tablet cannot take ends the sync and moves nothing",
          "[sync][refused]") {
  TempDir dir;
  DeviceStore tablet(dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options());
  REQUIRE(tablet.save({{"household", "", "", fixtures::household("G01")}}).ok());
  const std::vector<OutboxEntry> before = tablet.outbox();
  // A server at the HTTP seam refusing the first change with a `current` whose version is no clock stamp.
  LocalServer server;
  server.routes().Post("/v1/changesets", [&](const httplib::Request&, httplib::Response& res) {
    const std::string first = before.front().changeId;  // the batch starts with the outbox's first entry
    answerRefusal(res, {{{"change_id", first}, {"outcome", "rejected"}, {"code", "invalid_value"},
                         {"current", {{"value", "x"}, {"version", "not-a-stamp"}, {"record_deleted", false}}}}});
  });
  server.start();
  tablet.setSetting("token", "test-token", true);
  HttpClient http(server.url());
  const SyncSummary summary = SyncClient(tablet, http).pushOutbox();
  CHECK_FALSE(summary.ok);
  CHECK(summary.errorCode == "bad_response");
  CHECK(tablet.notices().empty());
  CHECK(tablet.outbox().size() == before.size());
}
