// The server's record store: a field's writer comes from its change log row, and a database of an
// older layout (versions as text; field rows keyed by record uuid, with or without writer columns) is
// rebuilt without losing a value, a version or a writer.
#include "fixtures.h"
#include "in_process_sync.h"
#include "synccore/random_id.h"
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

namespace {
/// SQL for the text of a version stored as (stamp, device id), joined to devices as `device`.
std::string versionText(const std::string& row, const std::string& device) {
  return "printf('%018d-%05d-', " + row + ".stamp / 100000, " + row + ".stamp % 100000) || " + device + ".name";
}

/// Every change a supervisor's first pull would get, as JSON.
Json allChanges(syncserver::ServerState& state) {
  Json out = Json::array();
  for (const auto& c : state.records().changesAfter(0, 100000, true, {})) out.push_back(c.toJson());
  return out;
}
}  // namespace

TEST_CASE("a database of an older layout is rebuilt without losing anything", "[server][records]") {
  // Until 2026-11-24 versions, record uuids and devices were text in fields and the change log. Before
  // that, records had no id and field rows were keyed by record uuid; before that, every field row also
  // held its author, device and change id.
  const int layout = GENERATE(0, 1, 2);
  const bool oldRecords = layout >= 1, writerColumns = layout == 2;
  INFO((layout == 0 ? "versions as text" : writerColumns ? "fields with writer columns" : "fields keyed by uuid"));
  TwoWorkers t;
  auto saved = t.a.save({{"household", "", "", fixtures::household()}});
  REQUIRE(saved.ok());
  const std::string household = saved.uuids.front();
  REQUIRE(t.a.save({{"person", "", household, fixtures::person("马文明", "head")}}).ok());
  syncThrough(t.a, *t.service, t.wang);
  syncThrough(t.b, *t.service, t.li);
  REQUIRE(t.b.save({{"household", household, "", {{"address", "玉泉家园7号楼"}}}}).ok());
  syncThrough(t.b, *t.service, t.li);
  Json before, pulledBefore;
  std::map<std::string, syncserver::FieldSide> fieldsBefore;
  int64_t fieldRows = 0, logRows = 0;
  {
    std::lock_guard lock(t.state->mutex());
    before = t.state->records().snapshot(true, {});
    pulledBefore = allChanges(*t.state);
    fieldsBefore = t.state->records().fields(household);
    fieldRows = t.state->db().queryInteger("SELECT count(*) FROM fields");
    logRows = t.state->db().queryInteger("SELECT count(*) FROM change_log");
  }
  REQUIRE(logRows > 10);
  t.close();
  {
    synccore::Database db(t.dir.file("server.db"));
    db.exec(
        "CREATE TABLE change_log_text(seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL, record_uuid TEXT NOT NULL,"
        " field TEXT NOT NULL, value TEXT NOT NULL, version TEXT NOT NULL, author TEXT NOT NULL, device TEXT NOT NULL,"
        " received_ms INTEGER NOT NULL);"
        "INSERT INTO change_log_text SELECT c.seq, c.change_id, r.uuid, c.field, c.value, " + versionText("c", "v") +
        ", c.author, d.name, c.received_ms FROM change_log c JOIN records r ON r.id = c.record_id"
        " JOIN devices v ON v.id = c.stamp_device JOIN devices d ON d.id = c.device;"
        "DROP TABLE change_log; ALTER TABLE change_log_text RENAME TO change_log;"
        "CREATE INDEX change_log_version ON change_log(version);"
        "CREATE TABLE fields_text(record_id INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
        " version TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(record_id, field)) WITHOUT ROWID;"
        "INSERT INTO fields_text SELECT f.record_id, f.field, f.value, " + versionText("f", "v") + ", f.seq"
        " FROM fields f JOIN devices v ON v.id = f.stamp_device;"
        "DROP TABLE fields; ALTER TABLE fields_text RENAME TO fields; DROP TABLE devices;");
    if (oldRecords)
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
    if (oldRecords && !writerColumns)
      db.exec(
          "ALTER TABLE fields DROP COLUMN author; ALTER TABLE fields DROP COLUMN device;"
          " ALTER TABLE fields DROP COLUMN change_id;");
  }
  t.reopen();
  {
    std::lock_guard lock(t.state->mutex());
    auto columns = t.state->db().prepare(
        "SELECT (SELECT group_concat(name) FROM pragma_table_info('fields')),"
        " (SELECT group_concat(name) FROM pragma_table_info('change_log')),"
        " (SELECT count(*) FROM pragma_table_info('records') WHERE name='id'), (SELECT count(*) FROM fields),"
        " (SELECT count(*) FROM change_log), (SELECT group_concat(name) FROM pragma_index_list('change_log'))");
    REQUIRE(columns.step());
    CHECK(columns.text(0) == "record_id,field,value,stamp,stamp_device,seq");
    CHECK(columns.text(1) == "seq,change_id,record_id,field,value,stamp,stamp_device,author,device,received_ms");
    CHECK(columns.int64(2) == 1);
    CHECK(columns.int64(3) == fieldRows);
    CHECK(columns.int64(4) == logRows);
    CHECK(columns.text(5) == "change_log_device_stamp");
    CHECK(t.state->records().snapshot(true, {}) == before);
    CHECK(allChanges(*t.state) == pulledBefore);
    const auto fieldsAfter = t.state->records().fields(household);
    REQUIRE(fieldsAfter.size() == fieldsBefore.size());
    for (const auto& [key, side] : fieldsBefore) {
      INFO(key);
      CHECK(fieldsAfter.at(key).toJson() == side.toJson());
      // Still found by version: the change it came from and the value it had then.
      CHECK(t.state->records().firstLogSeq(side.version, side.changeId));
      CHECK(t.state->records().valueAtVersion(household, key, side.version) == side.value);
    }
    CHECK(fieldsAfter.at("address").author == "li");
    CHECK(fieldsAfter.at("head_name").author == "wang");
    CHECK(fieldsAfter.at("address").device == t.b.deviceId());
  }
  // The rebuilt store goes on merging: a later edit lands on the same record, and a device that pushed
  // its edits before the upgrade gets nothing of them back.
  REQUIRE(t.a.save({{"household", household, "", {{"remarks", "升级后"}}}}).ok());
  syncThrough(t.a, *t.service, t.wang);
  std::lock_guard lock(t.state->mutex());
  CHECK(t.state->records().fields(household).at("remarks").value == "升级后");
  CHECK(t.state->records().snapshot(true, {}).size() == before.size());
  CHECK(t.state->records().changesAfter(0, 100000, true, {}, t.b.deviceId()).size() ==
        t.state->records().changesAfter(0, 100000, true, {}).size() - 1);
}

TEST_CASE("a change log version that is not an HLC stamp stops the upgrade and leaves the database as it was",
          "[server][records]") {
  TempDir dir;
  {
    synccore::Database db(dir.file("server.db"));
    db.exec(
        "CREATE TABLE records(id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, type TEXT NOT NULL, parent_uuid TEXT,"
        " household_uuid TEXT NOT NULL, grid TEXT, deleted INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE change_log(seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL, record_uuid TEXT NOT NULL,"
        " field TEXT NOT NULL, value TEXT NOT NULL, version TEXT NOT NULL, author TEXT NOT NULL, device TEXT NOT NULL,"
        " received_ms INTEGER NOT NULL);"
        "INSERT INTO records(uuid, type, household_uuid, grid) VALUES('h1', 'household', 'h1', 'G01');"
        "INSERT INTO change_log VALUES(1, 'c1', 'h1', 'address', '\"a\"', '000001700000000000-00000-dev', 'wang', 'dev', 1),"
        " (2, 'c2', 'h1', 'address', '\"b\"', 'yesterday', 'wang', 'dev', 2);");
  }
  CHECK_THROWS_WITH(syncserver::ServerState(dir.file("server.db")), Catch::Contains("not HLC stamps"));
  synccore::Database db(dir.file("server.db"));
  CHECK(db.queryInteger("SELECT count(*) FROM change_log") == 2);
  CHECK(db.queryInteger("SELECT count(*) FROM pragma_table_info('change_log') WHERE name='version'") == 1);
  CHECK(db.queryInteger("SELECT count(*) FROM sqlite_master WHERE name='devices'") == 0);
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

TEST_CASE("a device id given in a transaction that rolls back is forgotten with it", "[server][records]") {
  TempDir dir;
  syncserver::ServerState state(dir.file("server.db"));
  std::lock_guard lock(state.mutex());
  auto& versions = state.records().versions();
  int64_t given = 0;
  {
    synccore::Transaction tx(state.db());
    given = versions.store("000001732300000000-00007-tablet-x").device;
    CHECK(versions.knownDeviceId("tablet-x") == given);
  }  // rolled back
  CHECK_FALSE(versions.knownDeviceId("tablet-x"));
  synccore::Transaction tx(state.db());
  const auto stored = versions.store("000001732300000001-00000-tablet-y");
  tx.commit();
  CHECK(stored.device == given);  // SQLite gives the same id again
  CHECK(versions.deviceName(given) == "tablet-y");
  CHECK(versions.text(stored) == "000001732300000001-00000-tablet-y");
  CHECK(versions.text({173230000000000007, given}) == "000001732300000000-00007-tablet-y");
  CHECK_THROWS_AS(versions.store("not a version"), std::invalid_argument);
}

TEST_CASE("a change log indexed by stamp alone is re-indexed by device and stamp, and replays stay no-ops",
          "[server][records]") {
  TwoWorkers t;
  REQUIRE(t.a.save({{"household", "", "", fixtures::household()}}).ok());
  PushBatch batch = t.a.nextPushBatch(500);
  const Json body = batch.toChangeset(t.a.deviceId()).toJson();
  REQUIRE(t.service->push(t.wang, body).status == 200);
  t.close();
  {
    // The index of files until 2026-11-24.
    synccore::Database db(t.dir.file("server.db"));
    db.exec("DROP INDEX change_log_device_stamp; CREATE INDEX change_log_stamp ON change_log(stamp);");
  }
  t.reopen();
  std::lock_guard lock(t.state->mutex());
  CHECK(t.state->db().queryInteger("SELECT count(*) FROM pragma_index_list('change_log')") == 1);
  CHECK(t.state->db().queryInteger("SELECT count(*) FROM pragma_index_list('change_log')"
                                   " WHERE name='change_log_device_stamp'") == 1);
  const int64_t logRows = t.state->db().queryInteger("SELECT count(*) FROM change_log");
  Json again = body;
  again["id"] = newUuid();
  const auto reply = t.service->push(t.wang, again);
  REQUIRE(reply.status == 200);
  for (const Json& r : reply.body["results"]) CHECK(r["outcome"] == "duplicate");
  CHECK(t.state->db().queryInteger("SELECT count(*) FROM change_log") == logRows);
}
