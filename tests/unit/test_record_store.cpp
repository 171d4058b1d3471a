// The server's record store: a field's writer comes from its change log row, and a database of an
// older layout (field rows keyed by record uuid, with or without writer columns) is rebuilt without
// losing a value or a writer.
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
  void close() {
    service.reset();
    state.reset();
  }
  /// Closes and opens the server's database again (as a restart does).
  void reopen() {
    close();
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
    const auto value = t.state->records().fieldValue(*t.state->records().record(household), field);
    REQUIRE(value);
    CHECK(value->value == side->value);
    CHECK(value->version == side->version);
  }
}

TEST_CASE("a database of an older layout is rebuilt without losing anything", "[server][records]") {
  // Before 2026-11 records had no id and field rows were keyed by record uuid; before that, every field
  // row also held its author, device and change id.
  const bool writerColumns = GENERATE(false, true);
  INFO((writerColumns ? "fields with writer columns" : "fields keyed by uuid"));
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
  int64_t fieldRows = 0;
  {
    std::lock_guard lock(t.state->mutex());
    before = t.state->records().snapshot(true, {});
    fieldsBefore = t.state->records().fields(household);
    auto rows = t.state->db().prepare("SELECT count(*) FROM fields");
    REQUIRE(rows.step());
    fieldRows = rows.int64(0);
  }
  t.close();
  {
    synccore::Database db(t.dir.file("server.db"));
    db.exec(
        "CREATE TABLE records_old(uuid TEXT PRIMARY KEY, type TEXT NOT NULL, parent_uuid TEXT,"
        " household_uuid TEXT NOT NULL, grid TEXT, deleted INTEGER NOT NULL DEFAULT 0);"
        "INSERT INTO records_old SELECT uuid, type, parent_uuid, household_uuid, grid, deleted FROM records ORDER BY id;"
        "CREATE TABLE fields_old(record_uuid TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
        " version TEXT NOT NULL, author TEXT NOT NULL, device TEXT NOT NULL, change_id TEXT NOT NULL,"
        " seq INTEGER NOT NULL, PRIMARY KEY(record_uuid, field)) WITHOUT ROWID;"
        "INSERT INTO fields_old SELECT r.uuid, f.field, f.value, f.version, c.author, c.device, c.change_id, f.seq"
        " FROM fields f JOIN records r ON r.id = f.record_id JOIN change_log c ON c.seq = f.seq;"
        "DROP TABLE fields; ALTER TABLE fields_old RENAME TO fields;"
        "DROP TABLE records; ALTER TABLE records_old RENAME TO records;");
    if (!writerColumns)
      db.exec(
          "ALTER TABLE fields DROP COLUMN author; ALTER TABLE fields DROP COLUMN device;"
          " ALTER TABLE fields DROP COLUMN change_id;");
  }
  t.reopen();
  {
    std::lock_guard lock(t.state->mutex());
    auto columns = t.state->db().prepare(
        "SELECT (SELECT group_concat(name) FROM pragma_table_info('fields')),"
        " (SELECT count(*) FROM pragma_table_info('records') WHERE name='id'), (SELECT count(*) FROM fields)");
    REQUIRE(columns.step());
    CHECK(columns.text(0) == "record_id,field,value,version,seq");
    CHECK(columns.int64(1) == 1);
    CHECK(columns.int64(2) == fieldRows);
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
  // The rebuilt store goes on merging: a later edit lands on the same record.
  REQUIRE(t.a.save({{"household", household, "", {{"remarks", "升级后"}}}}).ok());
  syncThrough(t.a, *t.service, t.wang);
  std::lock_guard lock(t.state->mutex());
  CHECK(t.state->records().fields(household).at("remarks").value == "升级后");
  CHECK(t.state->records().snapshot(true, {}).size() == before.size());
}

TEST_CASE("field rows of a record that is not stored stop the upgrade and leave the database as it was", "[server][records]") {
  TempDir dir;
  {
    synccore::Database db(dir.file("server.db"));
    db.exec(
        "CREATE TABLE records(uuid TEXT PRIMARY KEY, type TEXT NOT NULL, parent_uuid TEXT,"
        " household_uuid TEXT NOT NULL, grid TEXT, deleted INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE fields(record_uuid TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
        " version TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(record_uuid, field)) WITHOUT ROWID;"
        "INSERT INTO records(uuid, type, household_uuid, grid) VALUES('h1', 'household', 'h1', 'G01');"
        "INSERT INTO fields VALUES('h1', 'address', '\"a\"', 'v1', 1), ('lost', 'address', '\"b\"', 'v2', 2);");
  }
  CHECK_THROWS_WITH(syncserver::ServerState(dir.file("server.db")), Catch::Contains("belong to no record"));
  synccore::Database db(dir.file("server.db"));
  auto st = db.prepare(
      "SELECT (SELECT count(*) FROM fields), (SELECT count(*) FROM pragma_table_info('fields') WHERE name='record_uuid'),"
      " (SELECT count(*) FROM pragma_table_info('records') WHERE name='id')");
  REQUIRE(st.step());
  CHECK(st.int64(0) == 2);
  CHECK(st.int64(1) == 1);
  CHECK(st.int64(2) == 0);
}
