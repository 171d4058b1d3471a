// The device file's layout: field versions in "<field>__v" (stamp) and "<field>__d" (device id) columns
// of the record tables, the upgrade of store-format-1 files (versions in a table of their own) and of
// store-format-2 files (versions as text), and the field keys a definition may not use because the
// store's own columns are named so (docs/device-store.md, "Tables" and "Upgrading the file's layout").
#include "fixtures.h"
#include "temp_dir.h"

#include "synccore/random_id.h"
#include "synccore/sqlite.h"
#include "synccore/stored_version.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace synccore;

namespace {

/// Turns a file made by this program back into store format 2: each version's stamp and device id
/// become its text in the "<field>__v" column, the "<field>__d" columns and table devices go; the
/// outbox's change ids get their unique index and the batch in flight is named by its change ids.
void toStoreFormat2(Database& db) {
  db.exec("CREATE UNIQUE INDEX outbox_change_id ON outbox(change_id)");
  auto inflight = db.prepare("SELECT value FROM meta WHERE key='inflight_changeset'");
  if (inflight.step()) {
    const Json batch = Json::parse(inflight.text(0));
    inflight.reset();
    Json changeIds = Json::array();
    auto ids = db.prepare("SELECT change_id FROM outbox WHERE seq BETWEEN ? AND ? ORDER BY seq");
    ids.bind(1, batch.at("first_seq").get<int64_t>()).bind(2, batch.at("last_seq").get<int64_t>());
    while (ids.step()) changeIds.push_back(ids.text(0));
    db.prepare("UPDATE meta SET value=? WHERE key='inflight_changeset'")
        .bind(1, Json{{"id", batch.at("id")}, {"change_ids", changeIds}}.dump())
        .run();
  }
  for (const std::string table : {"household", "person", "visit"}) {
    for (const std::string& column : fixtures::versionColumns(db, table)) {
      const std::string device = "\"" + fixtures::versionDeviceColumn(column) + "\"";
      db.exec("UPDATE " + table + " SET \"" + column + "\"=" + VersionCodec::textSql("\"" + column + "\"", device));
      db.exec("ALTER TABLE " + table + " DROP COLUMN " + device);
    }
  }
  db.exec("DROP TABLE devices");
  db.exec("UPDATE meta SET value='2' WHERE key='store_format'");
}

/// Turns a file made by this program back into store format 1 (through format 2): every
/// "<field>__v" column's versions go into a field_version table and the columns are dropped.
void toStoreFormat1(Database& db) {
  toStoreFormat2(db);
  db.exec("CREATE TABLE field_version(record_uuid TEXT NOT NULL, field TEXT NOT NULL, hlc TEXT NOT NULL,"
          " PRIMARY KEY(record_uuid, field)) WITHOUT ROWID");
  for (const std::string table : {"household", "person", "visit"}) {
    for (const std::string& column : fixtures::versionColumns(db, table)) {
      const std::string field = column.substr(0, column.size() - 3);
      db.exec("INSERT INTO field_version SELECT uuid, '" + field + "', \"" + column + "\" FROM " + table +
              " WHERE \"" + column + "\" IS NOT NULL");
      db.exec("ALTER TABLE " + table + " DROP COLUMN \"" + column + "\"");
    }
  }
  db.exec("UPDATE meta SET value='1' WHERE key='store_format'");
}

/// Turns a file made by this program back into an older store format (1 or 2).
void toStoreFormat(const std::string& path, int format) {
  Database db(path);
  Transaction tx(db);
  if (format == 1) toStoreFormat1(db);
  else toStoreFormat2(db);
  tx.commit();
}

/// Opening the file must stop its upgrade, saying why in English and Chinese.
void requireUpgradeRefused(const std::string& path, const std::string& why) {
  try {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    FAIL("the upgrade should have stopped");
  } catch (const StoreError& e) {
    const std::string message = e.what();
    CHECK(message.find(why) != std::string::npos);
    CHECK(message.find("无法升级设备数据文件") != std::string::npos);
  }
}

}  // namespace

TEST_CASE("a field's version lives in its record's row and is written with its value", "[store][format]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  auto saved = store.save({{"household", "", "", fixtures::household(), false}});
  REQUIRE(saved.ok());
  const std::string uuid = saved.uuids.front();
  const auto loaded = store.load(uuid);
  REQUIRE(loaded);
  CHECK(loaded->versions.size() == fixtures::household().size());
  Database raw(dir.file("d.db"), Database::Mode::ReadOnly);
  CHECK(raw.queryInteger("SELECT count(*) FROM sqlite_schema WHERE name='field_version'") == 0);
  CHECK(raw.queryInteger("SELECT value FROM meta WHERE key='store_format'") == 3);
  // A version is an integer stamp and the id of its device, whose name is kept once.
  auto st = raw.prepare("SELECT typeof(address__v), typeof(address__d), " +
                        VersionCodec::textSql("address__v", "address__d") + " FROM household WHERE uuid=?");
  st.bind(1, uuid);
  REQUIRE(st.step());
  CHECK(st.text(0) == "integer");
  CHECK(st.text(1) == "integer");
  CHECK(st.text(2) == loaded->versions.at("address"));
  CHECK(raw.queryInteger("SELECT count(*) FROM devices") == 1);
  // Every outbox entry's stamp is the version its field now has.
  auto outbox = raw.prepare("SELECT field, hlc FROM outbox WHERE record_uuid=?");
  outbox.bind(1, uuid);
  int entries = 0;
  while (outbox.step()) {
    CHECK(loaded->versions.at(outbox.text(0)) == outbox.text(1));
    ++entries;
  }
  CHECK(entries == static_cast<int>(fixtures::household().size()));
}

TEST_CASE("a store-format-1 or -2 file is upgraded with every value and version kept", "[store][format][upgrade]") {
  const int format = GENERATE(1, 2);
  INFO("store format " << format);
  TempDir dir;
  const std::string path = dir.file("d.db");
  std::string household, head, removed, other;
  Json snapshot;
  std::map<std::string, std::map<std::string, std::string>> versions;
  PushBatch inFlight;
  std::vector<OutboxEntry> outbox;
  {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    auto saved = store.save({{"household", "", "", fixtures::household(), false}});
    REQUIRE(saved.ok());
    household = saved.uuids.front();
    saved = store.save({{"person", "", household, fixtures::person("马文明", "head"), false},
                        {"person", "", household, fixtures::person("马小军", "child", fixtures::makeId("640121", "20050101", "113")), false}});
    REQUIRE(saved.ok());
    head = saved.uuids[0];
    removed = saved.uuids[1];
    RecordWrite remove{"person", removed, household, {}, false};
    remove.remove = true;
    REQUIRE(store.save({remove}).ok());
    // A household another device made, pulled.
    other = newUuid();
    REQUIRE(store.applyPulled({fixtures::pulledChange("household", other, "", "grid", "G02", 1),
                               fixtures::pulledChange("household", other, "", "head_name", "李秀兰", 2)}, 2) == 2);
    snapshot = store.snapshot();
    for (const std::string& uuid : {household, head, removed, other}) versions[uuid] = store.load(uuid)->versions;
    // The first entries were pushed and acknowledged; the next two were sent and the answer never came.
    const PushBatch pushed = store.nextPushBatch(2);
    REQUIRE(store.acknowledgePush(pushed, std::vector<const Json*>(2, nullptr)) == 2);
    inFlight = store.nextPushBatch(2);
    REQUIRE(inFlight.entries.size() == 2);
    outbox = store.outbox();
  }
  REQUIRE(versions[removed].count(kDeletedField));
  const auto seqCounter = [&path] {
    Database db(path, Database::Mode::ReadOnly);
    return db.queryInteger("SELECT seq FROM sqlite_sequence WHERE name='outbox'");
  };
  const int64_t lastSeq = seqCounter();
  toStoreFormat(path, format);
  // A field an older definition had, with its answer and version (its column stays, as on any upgrade).
  const std::string retiredVersion = Hlc{HybridClock::systemWallMs(), 7, "old-device"}.toString();
  {
    Database db(path);
    db.exec("ALTER TABLE household ADD COLUMN retired_question");
    db.prepare("UPDATE household SET retired_question='旧答案' WHERE uuid=?").bind(1, household).run();
    if (format == 1) {
      db.prepare("INSERT INTO field_version VALUES(?, 'retired_question', ?)").bind(1, household).bind(2, retiredVersion).run();
      REQUIRE(fixtures::versionColumns(db, "household").empty());
    } else {
      db.exec("ALTER TABLE household ADD COLUMN retired_question__v");
      db.prepare("UPDATE household SET retired_question__v=? WHERE uuid=?").bind(1, retiredVersion).bind(2, household).run();
      REQUIRE(db.queryInteger("SELECT count(*) FROM household WHERE typeof(grid__v)='text'") == 2);
    }
  }
  versions[household]["retired_question"] = retiredVersion;

  DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
  CHECK(store.snapshot() == snapshot);
  for (const std::string& uuid : {household, head, removed, other}) {
    INFO(uuid);
    CHECK(store.load(uuid)->versions == versions[uuid]);
  }
  CHECK(store.integrityCheck() == "ok");
  {
    Database raw(path, Database::Mode::ReadOnly);
    CHECK(raw.queryInteger("SELECT count(*) FROM sqlite_schema WHERE name='field_version'") == 0);
    CHECK(raw.queryInteger("SELECT value FROM meta WHERE key='store_format'") == 3);
    CHECK(raw.queryInteger("SELECT count(*) FROM household WHERE retired_question='旧答案'") == 1);
    CHECK(raw.queryInteger("SELECT count(*) FROM household WHERE typeof(retired_question__v)='integer'"
                           " AND typeof(retired_question__d)='integer'") == 1);
    CHECK(raw.queryInteger("SELECT count(*) FROM household WHERE typeof(grid__v)<>'integer'") == 0);
    // The device's own name, the other device's and the retired answer's: each once.
    CHECK(raw.queryInteger("SELECT count(*) FROM devices") == 3);
  }
  // The outbox: the same entries and seqs, no index of change ids, the counter where it was, and the
  // batch in flight comes back whole under its changeset id.
  const auto changeIdsOf = [](const std::vector<OutboxEntry>& entries) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const OutboxEntry& e : entries) out.emplace_back(e.seq, e.changeId);
    return out;
  };
  CHECK(changeIdsOf(store.outbox()) == changeIdsOf(outbox));
  CHECK(seqCounter() == lastSeq);
  {
    Database raw(path, Database::Mode::ReadOnly);
    CHECK(raw.queryInteger("SELECT count(*) FROM pragma_index_list('outbox') AS l"
                           " JOIN pragma_index_info(l.name) AS i WHERE i.name='change_id'") == 0);
  }
  const PushBatch again = store.nextPushBatch(500);
  CHECK(again.changesetId == inFlight.changesetId);
  CHECK(changeIdsOf(again.entries) == changeIdsOf(inFlight.entries));
  REQUIRE(store.acknowledgePush(again, std::vector<const Json*>(again.entries.size(), nullptr)) == 2);
  // The upgraded file goes on working: an edit's base is the version the file had.
  const size_t before = store.outboxSize();
  RecordWrite edit{"household", household, "", {{"address", "玉泉家园5号楼"}}, false};
  REQUIRE(store.save({edit}).ok());
  const auto after = store.outbox();
  REQUIRE(after.size() == before + 1);
  CHECK(after.back().seq == lastSeq + 1);
  CHECK(after.back().baseVersion == versions[household].at("address"));
  CHECK(store.load(household)->versions.at("address") == after.back().hlc);
}

TEST_CASE("an upgraded outbox numbers new entries after every entry it ever had", "[store][format][upgrade]") {
  TempDir dir;
  const std::string path = dir.file("d.db");
  int64_t lastSeq = 0;
  std::string household;
  {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    auto saved = store.save({{"household", "", "", fixtures::household(), false}});
    REQUIRE(saved.ok());
    household = saved.uuids.front();
    // Everything pushed and acknowledged: the outbox is empty, its counter is not.
    const PushBatch all = store.nextPushBatch(500);
    REQUIRE(store.acknowledgePush(all, std::vector<const Json*>(all.entries.size(), nullptr)) == all.entries.size());
    REQUIRE(store.outboxSize() == 0);
    lastSeq = all.entries.back().seq;
  }
  toStoreFormat(path, 2);
  DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
  REQUIRE(store.save({{"household", household, "", {{"address", "玉泉家园5号楼"}}, false}}).ok());
  REQUIRE(store.outboxSize() == 1);
  // A seq is never given twice: a batch in flight is named by its first and last seq.
  CHECK(store.outbox().front().seq == lastSeq + 1);
}

TEST_CASE("a version of no record stops the upgrade and leaves the file as it was", "[store][format][upgrade]") {
  TempDir dir;
  const std::string path = dir.file("d.db");
  {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    REQUIRE(store.save({{"household", "", "", fixtures::household(), false}}).ok());
  }
  toStoreFormat(path, 1);
  int64_t rows = 0;
  {
    Database db(path);
    db.exec("INSERT INTO field_version VALUES('00000000-0000-4000-8000-000000000000', 'address', 'x')");
    rows = db.queryInteger("SELECT count(*) FROM field_version");
  }
  requireUpgradeRefused(path, "1 field versions belong to no record");
  Database db(path, Database::Mode::ReadOnly);
  CHECK(db.queryInteger("SELECT count(*) FROM field_version") == rows);
  CHECK(fixtures::versionColumns(db, "household").empty());
  CHECK(db.queryInteger("SELECT value FROM meta WHERE key='store_format'") == 1);
}

TEST_CASE("a version text that is no clock stamp stops the upgrade and leaves the file as it was",
          "[store][format][upgrade]") {
  TempDir dir;
  const std::string path = dir.file("d.db");
  {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    REQUIRE(store.save({{"household", "", "", fixtures::household(), false},
                        {"household", "", "", fixtures::household("G01", "李四"), false}}).ok());
  }
  toStoreFormat(path, 2);
  const auto versionsIn = [](Database& db) {
    auto st = db.prepare("SELECT group_concat(address__v || '|' || grid__v, ';') FROM household");
    REQUIRE(st.step());
    return st.text(0);
  };
  std::string before;
  {
    Database db(path);
    db.exec("UPDATE household SET address__v='yesterday' WHERE rowid=(SELECT min(rowid) FROM household)");
    before = versionsIn(db);
  }
  requireUpgradeRefused(path, "1 field versions are not clock stamps");
  Database db(path, Database::Mode::ReadOnly);
  CHECK(versionsIn(db) == before);
  CHECK_FALSE(db.hasColumn("household", "address__d"));
  CHECK(db.queryInteger("SELECT count(*) FROM sqlite_schema WHERE name='devices'") == 0);
  CHECK(db.queryInteger("SELECT value FROM meta WHERE key='store_format'") == 2);
}

TEST_CASE("a definition may not use the store's own column names as field keys", "[definition]") {
  const Json builtin = SurveyDefinition::builtin().json();
  const auto problemsWith = [&](const std::string& record, const std::string& key) {
    Json j = builtin;
    for (Json& r : j["records"])
      if (r["type"] == record) {
        Json field = r["sections"][0]["fields"][0];
        field["key"] = key;
        r["sections"][0]["fields"].push_back(field);
      }
    try {
      SurveyDefinition::fromJson(j.dump());
    } catch (const DefinitionError& e) {
      return e.problems();
    }
    return std::vector<std::string>{};
  };
  for (const std::string key : {"uuid", "parent_uuid", "deleted", "address__v", "id_number__bidx", "a__b"}) {
    INFO(key);
    const auto problems = problemsWith("household", key);
    REQUIRE(problems.size() == 1);
    CHECK(problems.front().find("reserved") != std::string::npos);
  }
  // Nor a record type the names of the store's own tables.
  for (const std::string type : {"outbox", "devices", "sqlite_stat1"}) {
    INFO(type);
    Json j = builtin;
    j["records"][0]["type"] = type;
    std::vector<std::string> problems;
    try {
      SurveyDefinition::fromJson(j.dump());
    } catch (const DefinitionError& e) {
      problems = e.problems();
    }
    CHECK(std::count_if(problems.begin(), problems.end(),
                        [](const std::string& p) { return p.find("record type is reserved") != std::string::npos; }) == 1);
  }
  const auto derived = problemsWith("person", "age");
  REQUIRE(derived.size() == 1);
  CHECK(derived.front().find("derived key") != std::string::npos);
  CHECK(problemsWith("household", "address_note").empty());
}
