// The server's record store: a field's writer comes from its change log row, and a database of the
// old layout (writer columns in every field row) is rebuilt without losing a value or a writer.
#include "fixtures.h"
#include "in_process_sync.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <map>
#include <thread>
#include <tuple>

using namespace synccore;
using fixtures::syncThrough;
using syncserver::Session;
using syncserver::SyncService;

namespace {

/// A server with workers wang and li on grid G01, and one device for each.
struct TwoWorkers {
  TempDir dir;
  std::unique_ptr<syncserver::ServerState> state = std::make_unique<syncserver::ServerState>(dir.file("server.db"));
  std::unique_ptr<SyncService> service;
  Session wang, li;
  DeviceStore a{dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options()};
  DeviceStore b{dir.file("b.db"), SurveyDefinition::builtin(), fixtures::options()};

  TwoWorkers() {
    state->accounts().addUser("wang", syncserver::Role::Worker, {"G01"}, "password-wang");
    state->accounts().addUser("li", syncserver::Role::Worker, {"G01"}, "password-li");
    signIn();
  }
  void signIn() {
    service = std::make_unique<SyncService>(*state);
    wang = *service->authenticate(service->signIn({{"user", "wang"}, {"password", "password-wang"}}).body["token"]);
    li = *service->authenticate(service->signIn({{"user", "li"}, {"password", "password-li"}}).body["token"]);
  }
  /// Closes and opens the server's database again (as a restart does).
  void reopen() {
    service.reset();
    state.reset();
    state = std::make_unique<syncserver::ServerState>(dir.file("server.db"));
    signIn();
  }
};

}  // namespace

TEST_CASE("a conflict logs the overwritten side with its writer", "[server][records]") {
  TwoWorkers t;
  auto saved = t.a.save({{"household", "", "", fixtures::household()}});
  REQUIRE(saved.ok());
  const std::string household = saved.uuids.front();
  syncThrough(t.a, *t.service, t.wang);
  syncThrough(t.b, *t.service, t.li);
  // address is reviewed (the server keeps its side), remarks is automatic (B's newer edit wins).
  REQUIRE(t.a.save({{"household", household, "", {{"address", "玉泉家园5号楼"}, {"remarks", "王记"}}}}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  REQUIRE(t.b.save({{"household", household, "", {{"address", "玉泉家园7号楼"}, {"remarks", "李记"}}}}).ok());
  syncThrough(t.a, *t.service, t.wang);
  syncThrough(t.b, *t.service, t.li);

  std::map<std::string, syncserver::Conflict> byField;
  for (const auto& c : t.state->conflicts().list({})) byField[c.field] = c;
  REQUIRE(byField.size() == 2);
  for (const auto& [field, wangValue, standing, standingAuthor] :
       {std::tuple{"address", "玉泉家园5号楼", "玉泉家园5号楼", "wang"}, std::tuple{"remarks", "王记", "李记", "li"}}) {
    INFO(field);
    const auto& c = byField.at(field);
    CHECK(c.serverSide["value"] == wangValue);
    CHECK(c.serverSide["user"] == "wang");
    CHECK(c.serverSide["device"] == t.a.deviceId());
    CHECK(c.incomingSide["user"] == "li");
    // The field's writer as the store reports it now.
    std::lock_guard lock(t.state->mutex());
    const auto side = t.state->records().field(household, field);
    REQUIRE(side);
    CHECK(side->value == standing);
    CHECK(side->author == standingAuthor);
    CHECK_FALSE(side->changeId.empty());
    const auto value = t.state->records().fieldValue(household, field);
    REQUIRE(value);
    CHECK(value->value == side->value);
    CHECK(value->version == side->version);
  }
}

TEST_CASE("a database with writer columns in its field rows is rebuilt without losing anything", "[server][records]") {
  TwoWorkers t;
  auto saved = t.a.save({{"household", "", "", fixtures::household()}});
  REQUIRE(saved.ok());
  const std::string household = saved.uuids.front();
  REQUIRE(t.a.save({{"person", "", household, fixtures::person("马文明", "head")}}).ok());
  syncThrough(t.a, *t.service, t.wang);
  syncThrough(t.b, *t.service, t.li);
  REQUIRE(t.b.save({{"household", household, "", {{"address", "玉泉家园7号楼"}}}}).ok());
  syncThrough(t.b, *t.service, t.li);
  Json before;
  std::map<std::string, syncserver::FieldSide> fieldsBefore;
  {
    std::lock_guard lock(t.state->mutex());
    before = t.state->records().snapshot(true, {});
    fieldsBefore = t.state->records().fields(household);
    // The layout before 2026-11: every field row also held its author, device and change id.
    t.state->db().exec(
        "CREATE TABLE fields_old(record_uuid TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
        " version TEXT NOT NULL, author TEXT NOT NULL, device TEXT NOT NULL, change_id TEXT NOT NULL,"
        " seq INTEGER NOT NULL, PRIMARY KEY(record_uuid, field)) WITHOUT ROWID;"
        "INSERT INTO fields_old SELECT f.record_uuid, f.field, f.value, f.version, c.author, c.device, c.change_id, f.seq"
        " FROM fields f JOIN change_log c ON c.seq = f.seq;"
        "DROP TABLE fields; ALTER TABLE fields_old RENAME TO fields;");
  }
  t.reopen();
  std::lock_guard lock(t.state->mutex());
  auto column = t.state->db().prepare("SELECT count(*) FROM pragma_table_info('fields') WHERE name IN ('author', 'device', 'change_id')");
  REQUIRE(column.step());
  CHECK(column.int64(0) == 0);
  CHECK(t.state->records().snapshot(true, {}) == before);
  const auto fieldsAfter = t.state->records().fields(household);
  REQUIRE(fieldsAfter.size() == fieldsBefore.size());
  for (const auto& [key, side] : fieldsBefore) {
    INFO(key);
    CHECK(fieldsAfter.at(key).toJson() == side.toJson());
  }
  CHECK(fieldsAfter.at("address").author == "li");
  CHECK(fieldsAfter.at("head_name").author == "wang");
}
