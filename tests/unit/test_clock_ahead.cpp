// A tablet whose clock ran ahead: edits the server refused as stamped in its future go again with
// stamps from the server's clock, in the order the worker made them, and nothing becomes a notice
// (docs/device-store.md, "A clock set ahead").
#include "local_server.h"
#include "wangs_tablet.h"

#include "synccore/changeset.h"
#include "synccore/changeset_columns.h"
#include "synccore/sync_client.h"

#include <catch2/catch.hpp>

using namespace synccore;

namespace {

/// Sends the tablet's next batch, expects the server to refuse it as stamped ahead, and hands the
/// refusal to the tablet with the server's time, as SyncClient does.
RefusalOutcome refusedAsAhead(WangsTablet& t) {
  const auto [batch, reply] = t.pushNext(422);
  for (const Json& r : reply.body["rejected"]) REQUIRE(r["code"] == "clock_ahead");
  REQUIRE(reply.body["server_time_ms"].is_number_integer());
  const int64_t serverTime = reply.body["server_time_ms"];
  CHECK(std::abs(serverTime - HybridClock::systemWallMs()) < 60'000);
  return t.tablet.rejectChanges(batch, reply.body["rejected"], serverTime);
}

/// Sends the tablet's next batch, expects it merged, and acknowledges it.
void pushAccepted(WangsTablet& t) {
  const auto [batch, reply] = t.pushNext(200);
  REQUIRE(t.tablet.acknowledgePush(batch, reply.body["results"]) == batch.entries.size());
}

int64_t wallOf(const std::string& stamp) { return Hlc::parse(stamp)->wallMs; }

}  // namespace

TEST_CASE("edits stamped a day ahead go again with the server's time, in the worker's order",
          "[sync][clock]") {
  WangsTablet t;
  t.aheadMs = kOneDayMs;
  // The worker corrects the phone twice, adds a member (ID number: sealed in the outbox) and deletes a
  // member added by mistake, all while the tablet's date is a day ahead.
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"phone", "13900000002"}}}}).ok());
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"phone", "13900000003"}}}}).ok());
  const SaveResult head = t.tablet.save({{"person", "", t.household, fixtures::person("马文明", "head")}});
  REQUIRE(head.ok());
  const SaveResult mistake = t.tablet.save(
      {{"person", "", t.household, fixtures::person("马小明", "child", fixtures::makeId("640121", "20100315", "113"))}});
  REQUIRE(mistake.ok());
  REQUIRE(t.tablet.save({{"person", mistake.uuids.front(), t.household, {}, true}}).ok());
  const std::vector<OutboxEntry> before = t.tablet.outbox();
  REQUIRE(before.size() > 4);
  for (const OutboxEntry& e : before) REQUIRE(wallOf(e.hlc) > HybridClock::systemWallMs() + kOneDayMs / 2);

  SECTION("the date was set right before the sync") { t.aheadMs = 0; }
  SECTION("the date is still a day ahead") {}

  const int64_t sentAt = HybridClock::systemWallMs();
  const RefusalOutcome refusal = refusedAsAhead(t);
  CHECK(refusal.moved == 0);
  CHECK(refusal.resent == before.size());
  CHECK(refusal.restamped == before.size());
  if (t.aheadMs == 0) CHECK(std::abs(refusal.clockOffsetMs) < 60'000);
  else CHECK(refusal.clockOffsetMs > kOneDayMs - 60'000);
  CHECK(t.tablet.notices().empty());

  // The same edits in the same order, stamped from the server's time on, with ids, bases and sealed
  // values to match.
  const std::vector<OutboxEntry> after = t.tablet.outbox();
  REQUIRE(after.size() == before.size());
  std::map<std::string, std::string> renamed;
  for (size_t i = 0; i < after.size(); ++i) {
    INFO(i << ": " << after[i].toJson().dump());
    CHECK(after[i].seq == before[i].seq);
    CHECK(after[i].recordUuid == before[i].recordUuid);
    CHECK(after[i].field == before[i].field);
    CHECK(after[i].value == before[i].value);
    CHECK(wallOf(after[i].hlc) >= sentAt);
    CHECK(wallOf(after[i].hlc) <= HybridClock::systemWallMs() + HybridClock::kDefaultMaxDriftMs);
    if (i > 0) CHECK(after[i].hlc > after[i - 1].hlc);
    CHECK(after[i].changeId == changeIdFor(after[i].hlc, after[i].recordUuid, after[i].field));
    const auto base = before[i].baseVersion ? renamed.find(*before[i].baseVersion) : renamed.end();
    CHECK(after[i].baseVersion == (base != renamed.end() ? std::optional(base->second) : before[i].baseVersion));
    renamed[before[i].hlc] = after[i].hlc;
  }
  // The second phone edit was based on the first: it still is.
  CHECK(after[1].baseVersion == after[0].hlc);
  // The household file shows each field's write with its new version.
  const StoredRecord household = *t.tablet.load(t.household);
  CHECK(household.versions.at("phone") == after[1].hlc);
  CHECK(t.tablet.load(head.uuids.front())->versions.at("id_number") == renamed.at(
      std::find_if(before.begin(), before.end(), [&](const OutboxEntry& e) {
        return e.recordUuid == head.uuids.front() && e.field == "id_number";
      })->hlc));

  // Sent again, the server takes them all: its records equal the tablet's.
  pushAccepted(t);
  CHECK(t.tablet.outboxSize() == 0);
  CHECK(t.onServer("phone")->value == "13900000003");
  CHECK(t.onServer("phone")->version == household.versions.at("phone"));
  CHECK(t.state.records().snapshot(true, {}) == t.tablet.snapshot());
  CHECK(t.tablet.notices().empty());

  // The next edit: with the date set right it is stamped now and taken at once; with the date still
  // ahead it is refused and re-stamped after the earlier ones again.
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"remarks", "门口有台阶"}}}}).ok());
  if (t.aheadMs == 0) {
    CHECK(wallOf(t.tablet.outbox().front().hlc) <= HybridClock::systemWallMs() + HybridClock::kDefaultMaxDriftMs);
  } else {
    const RefusalOutcome again = refusedAsAhead(t);
    CHECK(again.restamped == 1);
    CHECK(t.tablet.outbox().front().hlc > after.back().hlc);
  }
  pushAccepted(t);
  CHECK(t.onServer("remarks")->value == "门口有台阶");
  CHECK(t.state.records().snapshot(true, {}) == t.tablet.snapshot());
}

TEST_CASE("edits stamped within what the server takes keep their stamps; the later ones follow them",
          "[sync][clock]") {
  WangsTablet t;
  t.aheadMs = 60'000;  // a minute ahead: within the drift the server allows
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"phone", "13900000002"}}}}).ok());
  t.aheadMs = kOneDayMs;
  REQUIRE(t.tablet.save({{"household", t.household, "", {{"remarks", "门口有台阶"}}}}).ok());
  const std::vector<OutboxEntry> before = t.tablet.outbox();
  REQUIRE(before.size() == 2);
  const RefusalOutcome refusal = refusedAsAhead(t);
  CHECK(refusal.resent == 1);
  CHECK(refusal.restamped == 1);
  const std::vector<OutboxEntry> after = t.tablet.outbox();
  REQUIRE(after.size() == 2);
  CHECK(after[0].hlc == before[0].hlc);
  CHECK(after[1].hlc != before[1].hlc);
  CHECK(after[1].hlc > after[0].hlc);
  pushAccepted(t);
  CHECK(t.state.records().snapshot(true, {}) == t.tablet.snapshot());
}

TEST_CASE("a second clock refusal in one sync ends it with clock_ahead and keeps every edit", "[sync][clock]") {
  TempDir dir;
  DeviceStore tablet(dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options());
  REQUIRE(tablet.save({{"household", "", "", fixtures::household("G01")}}).ok());
  const size_t saved = tablet.outboxSize();
  // A server at the HTTP seam whose clock says every stamp is a day ahead of it, however re-stamped.
  LocalServer server;
  int pushes = 0;
  server.routes().Post("/v1/changesets", [&](const httplib::Request& req, httplib::Response& res) {
    ++pushes;
    Json rejected = Json::array();
    for (const Change& c : changesetFromColumns(Json::parse(req.body)).changes)
      rejected.push_back({{"change_id", c.changeId}, {"outcome", "rejected"}, {"code", "clock_ahead"}});
    answerRefusal(res, rejected, {{"server_time_ms", HybridClock::systemWallMs() - kOneDayMs}});
  });
  server.start();
  tablet.setSetting("token", "test-token", true);
  HttpClient http(server.url());
  const SyncSummary summary = SyncClient(tablet, http).pushOutbox();
  CHECK(pushes == 2);
  CHECK_FALSE(summary.ok);
  CHECK(summary.errorCode == "clock_ahead");
  CHECK(summary.restamped == saved);
  CHECK(*summary.clockOffsetMs > kOneDayMs - 60'000);
  CHECK(tablet.outboxSize() == saved);
  CHECK(tablet.notices().empty());
}

TEST_CASE("the sync's note on the tablet's clock says how many edits went again and how far off it is",
          "[sync][clock]") {
  SyncSummary summary;
  CHECK(summary.clockNote().first.empty());
  CHECK(summary.clockNote().second.empty());
  summary.clockOffsetMs = -4 * 60'000;  // within what the server allows: nothing to say
  CHECK(summary.clockNote().first.empty());
  summary.restamped = 3;
  summary.clockOffsetMs = 1'000;  // the date was set right before the sync: nothing to set
  CHECK(summary.clockNote().first == "3 条修改的时间晚于服务器时间,已按服务器时间重新记录并上传");
  CHECK(summary.clockNote().second.find("set its date") == std::string::npos);
  summary.clockOffsetMs = 47 * 60'000;
  CHECK(summary.clockNote().first.find(";本机时间比服务器快约 47 分钟,请校正日期和时间") != std::string::npos);
  CHECK(summary.clockNote().second.find("; this tablet's clock is about 47 minutes ahead of the server's") !=
        std::string::npos);
  summary.clockOffsetMs = 5 * 60 * 60'000;
  CHECK(summary.clockNote().first.find("约 5 小时") != std::string::npos);
  summary.clockOffsetMs = 366 * kOneDayMs;
  CHECK(summary.clockNote().first.find("约 366 天") != std::string::npos);
  CHECK(summary.clockNote().second.find("about 366 days ahead") != std::string::npos);
  // A clock behind is refused nothing, but its edits lose to others' and its dates are wrong: said too.
  summary.restamped = 0;
  summary.clockOffsetMs = -9 * 365 * kOneDayMs;
  CHECK(summary.clockNote().first == "本机时间比服务器慢约 3285 天,请校正日期和时间");
  CHECK(summary.clockNote().second == "This tablet's clock is about 3285 days behind the server's: set its date and time");
}

TEST_CASE("a server time that is no time is a bad answer and changes nothing", "[sync][clock]") {
  TempDir dir;
  DeviceStore tablet(dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options());
  REQUIRE(tablet.save({{"household", "", "", fixtures::household("G01")}}).ok());
  const std::vector<OutboxEntry> before = tablet.outbox();
  tablet.setSetting("token", "test-token", true);
  for (const Json& time : {Json("tomorrow"), Json(-1), Json(std::numeric_limits<int64_t>::max()), Json(1.5e12)}) {
    CAPTURE(time.dump());
    DYNAMIC_SECTION("in a refusal: no edit moves, none becomes a notice; server_time_ms " << time.dump()) {
      LocalServer server;
      server.routes().Post("/v1/changesets", [&](const httplib::Request&, httplib::Response& res) {
        Json rejected = Json::array();
        for (const OutboxEntry& e : before) rejected.push_back({{"change_id", e.changeId}, {"code", "clock_ahead"}});
        answerRefusal(res, rejected, {{"server_time_ms", time}});
      });
      server.start();
      HttpClient http(server.url());
      const SyncSummary summary = SyncClient(tablet, http).pushOutbox();
      CHECK(summary.errorCode == "bad_response");
      CHECK(summary.restamped == 0);
      CHECK(tablet.outbox().size() == before.size());
      CHECK(tablet.outbox().front().hlc == before.front().hlc);
      CHECK(tablet.notices().empty());
    }
    DYNAMIC_SECTION("on a pull's last page: the page is not kept; server_time_ms " << time.dump()) {
      while (tablet.outboxSize() > 0) {
        const PushBatch batch = tablet.nextPushBatch(500);
        REQUIRE(tablet.acknowledgePush(batch, std::vector<const Json*>(batch.entries.size(), nullptr)) > 0);
      }
      LocalServer server;
      answerNoReviews(server);
      server.routes().Get("/v1/changes", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(Json{{"changes", Json::array()}, {"next_after", 7}, {"has_more", false}, {"server_time_ms", time}}
                            .dump(),
                        "application/json");
      });
      server.start();
      const SyncSummary summary = syncOverHttp(tablet, server.url());
      CHECK(summary.errorCode == "bad_response");
      CHECK_FALSE(summary.clockOffsetMs);
      CHECK(tablet.pullCursor() == 0);
    }
  }
}
