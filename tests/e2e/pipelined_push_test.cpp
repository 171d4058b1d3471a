// Pipelined pushes against a real server: a changeset sent `after` another waits for it and is merged
// after it; it is refused, changing nothing, when that one was not stored or never comes; and a device's
// pipelined sync keeps every change once and in order through a refused batch.
#include "../unit/fixtures.h"
#include "harness.h"
#include "raw_http.h"

#include <synccore/changeset_columns.h>
#include <synccore/device_store.h>
#include <synccore/hlc.h>
#include <synccore/http_client.h>
#include <synccore/random_id.h>
#include <synccore/sqlite.h>
#include <synccore/sync_client.h>

#include <chrono>
#include <future>
#include <mutex>
#include <set>

using namespace e2e;

namespace {

/// Two connections of one signed-in user, as a device with a pipelined push has.
struct TwoConnections {
  explicit TwoConnections(Community& community)
      : first("127.0.0.1", community.process().port()), second("127.0.0.1", community.process().port()),
        auth{{"Authorization", "Bearer " + signIn(first, "wang")}} {
    // A refusal may come after the server's 5 s wait for the changeset named: more than httplib's default.
    first.set_read_timeout(30, 0);
    second.set_read_timeout(30, 0);
  }
  httplib::Result post(httplib::Client& via, const synccore::Changeset& cs) {
    return via.Post("/v1/changesets", auth, synccore::changesetToColumns(cs).dump(), "application/json");
  }
  httplib::Client first, second;
  httplib::Headers auth;
};

}  // namespace

TEST_CASE("a changeset sent after another waits for it and is merged after it", "[e2e][pipelined]") {
  Community community;
  TwoConnections http(community);
  Stamps stamps;
  const std::string record = synccore::newUuid();
  const synccore::Changeset created = stampedHousehold(record, "G01", "玉泉家园3号楼", stamps);
  // The device's next edit of the address, based on the version the first changeset sends.
  synccore::Changeset edited{synccore::newUuid(), "dev2", {}, created.id};
  edited.changes.push_back(stampedChange(record, "address", "玉泉家园9号楼", stamps.next(), created.changes[1].hlc));

  // It arrives first (on its own connection): alone it would be refused (the household is unknown).
  auto later = std::async(std::launch::async, [&] { return http.post(http.second, edited); });
  CHECK(later.wait_for(std::chrono::milliseconds(500)) == std::future_status::timeout);
  const Json first = answerOf(http.post(http.first, created));
  const Json second = answerOf(later.get());
  CHECK(first["accepts_after"] == true);
  CHECK(second["results"].empty());  // applied as sent: no conflict with the device's own earlier write
  CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM conflicts") == 0);
  synccore::Database raw(community.dbPath(), synccore::Database::Mode::ReadOnly);
  auto st = raw.prepare("SELECT f.value FROM fields f JOIN records r ON r.id=f.record_id WHERE r.uuid=? AND f.field='address'");
  st.bind(1, record);
  REQUIRE(st.step());
  CHECK(Json::parse(st.text(0)) == "玉泉家园9号楼");
  // Merged in the order sent: the edit's log row after every row of the changeset it names.
  auto order = raw.prepare("SELECT (SELECT seq FROM change_log WHERE change_id=?) > (SELECT max(seq) FROM change_log"
                           " WHERE change_id IN (?, ?, ?, ?))");
  order.bind(1, edited.changes[0].changeId);
  for (int i = 0; i < 4; ++i) order.bind(i + 2, created.changes[static_cast<size_t>(i)].changeId);
  REQUIRE(order.step());
  CHECK(order.int64(0) == 1);

  SECTION("sent again (its answer lost), it is answered from the store and changes nothing") {
    const auto before = rowCounts(community.dbPath());
    const Json again = answerOf(http.post(http.first, edited));
    CHECK(again["results"] == second["results"]);
    CHECK(again["last_seq"] == second["last_seq"]);
    CHECK(rowCounts(community.dbPath()) == before);
  }
}

TEST_CASE("a changeset sent after one that was not stored is refused and changes nothing", "[e2e][pipelined]") {
  Community community;
  TwoConnections http(community);
  Stamps stamps;
  const synccore::Changeset outOfScope = stampedHousehold(synccore::newUuid(), "G02", "玉泉家园3号楼", stamps);  // wang has G01 only
  synccore::Changeset following = stampedHousehold(synccore::newUuid(), "G01", "玉泉家园3号楼", stamps);
  following.after = outOfScope.id;
  const auto before = rowCounts(community.dbPath());

  SECTION("the one before it was refused") {
    expectRefusal(http.post(http.first, outOfScope), 403, "out_of_scope");
    expectRefusal(http.post(http.second, following), 409, "previous_not_applied");
  }
  SECTION("the one before it was refused while this one waited for it") {
    auto later = std::async(std::launch::async, [&] { return http.post(http.second, following); });
    CHECK(later.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
    expectRefusal(http.post(http.first, outOfScope), 403, "out_of_scope");
    expectRefusal(later.get(), 409, "previous_not_applied");
  }
  SECTION("the one before it never comes (after the arrival wait)") {
    expectRefusal(http.post(http.second, following), 409, "previous_not_applied");
  }
  CHECK(rowCounts(community.dbPath()) == before);
  // Its id was not used: the same changeset sent alone is merged.
  following.after.clear();
  answerOf(http.post(http.first, following));
  CHECK(rowCounts(community.dbPath()) != before);
}

TEST_CASE("an after that is no other changeset's id is a bad request", "[e2e][pipelined]") {
  Community community;
  TwoConnections http(community);
  Stamps stamps;
  Json body = synccore::changesetToColumns(stampedHousehold(synccore::newUuid(), "G01", "玉泉家园3号楼", stamps));
  const auto before = rowCounts(community.dbPath());
  for (const Json& after : {Json("not-a-uuid"), Json(42), body["id"]}) {
    body["after"] = after;
    auto res = http.first.Post("/v1/changesets", http.auth, body.dump(), "application/json");
    expectRefusal(res, 400, "bad_request");
    CHECK(res->body.find("changeset.after") != std::string::npos);
  }
  CHECK(rowCounts(community.dbPath()) == before);
}

TEST_CASE("a device's pipelined sync sends every change once, in order, through a refused batch",
          "[e2e][pipelined]") {
  Community community;
  TempDir dir;
  synccore::DeviceStore store(dir.file("tablet.db"), synccore::SurveyDefinition::builtin(), fixtures::options());
  synccore::HttpClient http("http://127.0.0.1:" + std::to_string(community.process().port()));
  synccore::SyncClient::Options options;
  options.pushBatch = 3;
  synccore::SyncClient client(store, http, options);
  REQUIRE(client.login("wang", "password-wang").ok);
  // Households in G01, one in G02 (not wang's) among them: its batch is refused while the next is out.
  for (const std::string grid : {"G01", "G01", "G01", "G02", "G01", "G01"})
    REQUIRE(store.save({synccore::RecordWrite{"household", "", "", fixtures::household(grid, "户主" + grid)}}).ok());
  const size_t saved = store.outboxSize();
  const std::vector<synccore::OutboxEntry> outbox = store.outbox();
  std::mutex mutex;
  size_t namedAfter = 0;
  http.observe([&](const synccore::HttpExchange& x) {
    std::lock_guard lock(mutex);
    if (x.requestJson.find("\"after\"") != std::string_view::npos) ++namedAfter;
  });

  const synccore::SyncSummary summary = client.sync();
  http.observe({});
  INFO(summary.toJson().dump());
  CHECK(summary.ok);
  CHECK(namedAfter > 0);  // batches went pipelined
  CHECK(store.outboxSize() == 0);
  const size_t refused = store.notices().size();
  CHECK(refused > 0);
  CHECK(summary.rejected == refused);
  CHECK(summary.pushed + summary.rejected == saved);
  // Every accepted change once, none of G02, and no conflict from changes merged out of order.
  CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM change_log") == static_cast<int64_t>(summary.pushed));
  CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM records WHERE grid='G02'") == 0);
  CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM conflicts") == 0);
  // ... in outbox order: the batch sent ahead of the refused one went again after what was left of it.
  std::set<std::string> refusedRecords;
  for (const auto& n : store.notices()) refusedRecords.insert(n.recordUuid);
  std::vector<std::string> expected, logged;
  for (const auto& e : outbox)
    if (!refusedRecords.count(e.recordUuid)) expected.push_back(e.changeId);
  synccore::Database raw(community.dbPath(), synccore::Database::Mode::ReadOnly);
  auto st = raw.prepare("SELECT change_id FROM change_log ORDER BY seq");
  while (st.step()) logged.push_back(st.text(0));
  CHECK(logged == expected);
}

TEST_CASE("a dozen kept connections are served at once (a pipelining tablet keeps two)", "[e2e][pipelined]") {
  Community community;
  // Each connection stays open after its request; cpp-httplib's 8 default workers would leave the
  // ninth unserved until one of them closed (5 s idle), past this client's 3 s timeout.
  std::vector<std::unique_ptr<httplib::Client>> tablets;
  for (int i = 0; i < 12; ++i) {
    tablets.push_back(std::make_unique<httplib::Client>("127.0.0.1", community.process().port()));
    tablets.back()->set_keep_alive(true);
    tablets.back()->set_read_timeout(3, 0);
    auto res = tablets.back()->Get("/v1/health");
    INFO("connection " << i + 1);
    REQUIRE(res);
    CHECK(res->status == 200);
  }
}
