// Replays of pushed changesets through the real sync service (in process): a change applied as sent
// keeps no answer row, its change log row marks it, and every replay still gets its first answer.
#include "fixtures.h"
#include "in_process_sync.h"
#include "sync_service.h"
#include "synccore/changeset_columns.h"
#include "synccore/random_id.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

using namespace synccore;
using syncserver::Role;
using syncserver::Session;
using syncserver::SyncService;

namespace {

int64_t rows(syncserver::ServerState& state, const std::string& sql) {
  auto st = state.db().prepare(sql);
  st.step();
  return st.int64(0);
}

Session signIn(SyncService& service, const std::string& user) {
  return *service.authenticate(service.signIn({{"user", user}, {"password", "password-" + user}}).body["token"]);
}

/// The device's next batch as the changeset it sends, acknowledged with the service's answer.
std::pair<Json, Json> pushNext(DeviceStore& device, SyncService& service, const Session& session) {
  PushBatch batch = device.nextPushBatch(500);
  REQUIRE_FALSE(batch.entries.empty());
  const Json body = batch.toChangeset(device.deviceId()).toJson();
  auto reply = service.push(session, body);
  INFO(reply.body.dump());
  REQUIRE(reply.status == 200);
  REQUIRE(device.acknowledgePush(batch, reply.body["results"]) == batch.entries.size());
  return {body, reply.body};
}

/// A server with worker wang (grid G01), and wang's device with one new household not pushed yet.
struct WangWithOneHousehold {
  TempDir dir;
  syncserver::ServerState state{dir.file("server.db")};
  SyncService service{state};
  Session wang;
  DeviceStore a{dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options()};

  WangWithOneHousehold() {
    state.accounts().addUser("wang", Role::Worker, {"G01"}, "password-wang");
    wang = signIn(service, "wang");
    REQUIRE(a.save({{"household", "", "", fixtures::household("G01")}}).ok());
  }
};

}  // namespace

TEST_CASE("a change applied as sent is marked by its change log row and replays get their first answer",
          "[sync][replay]") {
  TempDir dir;
  syncserver::ServerState state(dir.file("server.db"));
  state.accounts().addUser("wang", Role::Worker, {"G01"}, "password-wang");
  state.accounts().addUser("sun", Role::Supervisor, {"G01", "G02"}, "password-sun");
  SyncService service(state);
  const Session wang = signIn(service, "wang"), sun = signIn(service, "sun");
  DeviceStore a(dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options());

  auto saved = a.save({{"household", "", "", fixtures::household("G01")}});
  REQUIRE(saved.ok());
  const std::string household = saved.uuids.front();
  const auto [first, firstAnswer] = pushNext(a, service, wang);
  const int64_t changes = static_cast<int64_t>(first["changes"].size());
  REQUIRE(changes >= 4);
  for (const Json& r : firstAnswer["results"]) REQUIRE(r["outcome"] == "applied");
  // Every change applied as sent: no answer rows, one change log row each.
  CHECK(rows(state, "SELECT count(*) FROM applied_changes") == 0);
  CHECK(rows(state, "SELECT count(*) FROM change_log") == changes);

  // A second changeset carries one change of the first again, and a new edit.
  REQUIRE(a.save({{"household", household, "", {{"address", "玉泉家园5号楼"}}}}).ok());
  PushBatch edit = a.nextPushBatch(500);
  REQUIRE(edit.entries.size() == 1);
  Json second = edit.toChangeset(a.deviceId()).toJson();
  second["id"] = newUuid();
  second["changes"] = Json::array({first["changes"][1], second["changes"][0]});
  const Json secondAnswer = service.push(wang, second).body;
  REQUIRE(secondAnswer["results"].size() == 2);
  CHECK(secondAnswer["results"][0]["outcome"] == "duplicate");
  CHECK(secondAnswer["results"][0]["first"] == firstAnswer["results"][1]);
  CHECK(secondAnswer["results"][1]["outcome"] == "applied");
  const int64_t logRows = rows(state, "SELECT count(*) FROM change_log");
  CHECK(logRows == changes + 1);

  const auto replaysAnswerAsFirst = [&] {
    CHECK(service.push(wang, first).body == firstAnswer);
    CHECK(service.push(wang, second).body == secondAnswer);
  };
  replaysAnswerAsFirst();
  CHECK(rows(state, "SELECT count(*) FROM change_log") == logRows);
  CHECK(rows(state, "SELECT count(*) FROM applied_changes") == 0);

  SECTION("after its household moved grid, which copies its change log rows") {
    DeviceStore s(dir.file("s.db"), SurveyDefinition::builtin(), fixtures::options());
    fixtures::syncThrough(s, service, sun);
    REQUIRE(s.save({{"household", household, "", {{"grid", "G02"}}}}).ok());
    fixtures::syncThrough(s, service, sun);
    // The standing writes of the first changeset (not its address and grid, changed since) were copied.
    for (const Json& c : first["changes"])
      if (c["field"] != "address" && c["field"] != "grid")
        REQUIRE(rows(state, "SELECT count(*) FROM change_log WHERE change_id='" + c["change_id"].get<std::string>() +
                                "'") == 2);
    replaysAnswerAsFirst();
  }
  SECTION("for a changeset stored before change log rows marked changes (an answer row each, no start seq)") {
    state.db().prepare("UPDATE changesets SET start_seq=NULL WHERE id=?").bind(1, first["id"].get<std::string>()).run();
    for (const Json& c : first["changes"])
      state.db()
          .prepare("INSERT INTO applied_changes(change_id, outcome, changeset_id) VALUES(?, '', ?)")
          .bind(1, c["change_id"].get<std::string>())
          .bind(2, first["id"].get<std::string>())
          .run();
    CHECK(service.push(wang, first).body == firstAnswer);
  }
}

// The change log can mark a change as seen only because no changeset applies one change twice.
TEST_CASE("a changeset that carries one change twice is refused and changes nothing", "[sync][replay]") {
  const bool columns = GENERATE(false, true);
  WangWithOneHousehold t;
  Changeset twice = t.a.nextPushBatch(500).toChangeset(t.a.deviceId());
  twice.changes.push_back(twice.changes[2]);
  const auto reply = t.service.push(t.wang, columns ? changesetToColumns(twice) : twice.toJson());
  INFO(reply.body.dump());
  CHECK(reply.status == 400);
  CHECK(reply.body["code"] == "bad_request");
  CHECK(reply.body["message"].get<std::string>().find("repeats an earlier change") != std::string::npos);
  for (const char* table : {"change_log", "fields", "records", "changesets", "applied_changes"})
    CHECK(rows(t.state, std::string("SELECT count(*) FROM ") + table) == 0);
}

TEST_CASE("a change sent again under a new changeset id is a duplicate, its device's newest too", "[sync][replay]") {
  // A push skips the change log's look-up for changes newer than every logged version of their device:
  // the newest logged one itself must still be found.
  WangWithOneHousehold t;
  const auto [first, firstAnswer] = pushNext(t.a, t.service, t.wang);
  const Json& changes = first["changes"];
  REQUIRE(changes.size() >= 2);
  const int64_t logRows = rows(t.state, "SELECT count(*) FROM change_log");

  const auto which = GENERATE(as<std::string>{}, "oldest", "newest");
  const Json& again = which == "oldest" ? changes.front() : changes.back();
  INFO(which << " change " << again["change_id"]);
  Json resent = first;
  resent["id"] = newUuid();
  resent["changes"] = Json::array({again});
  const auto reply = t.service.push(t.wang, resent);
  REQUIRE(reply.status == 200);
  CHECK(reply.body["results"][0]["outcome"] == "duplicate");
  CHECK(rows(t.state, "SELECT count(*) FROM change_log") == logRows);
}

TEST_CASE("a server file from before start_seq gets the column at start-up and goes on merging", "[sync][replay]") {
  TempDir dir;
  {
    Database old(dir.file("server.db"));
    old.exec("CREATE TABLE changesets(id TEXT PRIMARY KEY, user_name TEXT NOT NULL, digest TEXT NOT NULL,"
             " last_seq INTEGER NOT NULL, received_ms INTEGER NOT NULL)");
  }
  syncserver::ServerState state(dir.file("server.db"));
  CHECK(state.db().hasColumn("changesets", "start_seq"));
  state.accounts().addUser("wang", Role::Worker, {"G01"}, "password-wang");
  SyncService service(state);
  const Session wang = signIn(service, "wang");
  DeviceStore a(dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options());
  REQUIRE(a.save({{"household", "", "", fixtures::household("G01")}}).ok());
  const auto [body, answer] = pushNext(a, service, wang);
  CHECK(service.push(wang, body).body == answer);
}
