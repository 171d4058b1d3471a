#include "fixtures.h"
#include "temp_dir.h"

#include "synccore/changeset_columns.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace synccore;
using fixtures::household;
using fixtures::makeId;
using fixtures::person;

namespace {
std::string addHousehold(DeviceStore& store, RecordValues values = household()) {
  auto r = store.save({{"household", "", "", values, false}});
  REQUIRE(r.ok());
  return r.uuids.front();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST_CASE("a household round-trips through the store with typed values", "[store]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  auto values = household();
  values["floor_area"] = 85.5;
  values["dibao"] = true;
  values["move_in_year"] = 2018;
  values["monitoring_category"] = "marginal";
  values["risk_reasons"] = Json::array({"illness", "schooling"});
  values["phone"] = "13912345678";
  const std::string uuid = addHousehold(store, values);
  auto loaded = store.load(uuid);
  REQUIRE(loaded);
  CHECK(loaded->type == "household");
  CHECK_FALSE(loaded->deleted);
  for (const auto& [k, v] : values) {
    INFO(k);
    CHECK(loaded->values.at(k) == v);
  }
  CHECK(loaded->versions.size() == values.size());
}

TEST_CASE("a save appends exactly one outbox entry per changed field with its base version", "[store]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  const std::string uuid = addHousehold(store);
  auto created = store.outbox();
  REQUIRE(created.size() == household().size());
  for (const auto& e : created) {
    CHECK(e.recordUuid == uuid);
    CHECK_FALSE(e.baseVersion);
    CHECK(e.author == "local");
  }
  const auto before = *store.load(uuid);

  SECTION("changed fields only, base = the version the device had") {
    auto r = store.save({{"household", uuid, "", {{"address", "玉泉家园5号楼1单元101"}, {"grid", "G01"},
                                                  {"phone", "13800001111"}}, false}});
    REQUIRE(r.ok());
    CHECK(r.changedFields == 2);
    auto entries = store.outbox();
    REQUIRE(entries.size() == created.size() + 2);
    const auto& address = entries[entries.size() - 2];
    const auto& phone = entries.back();
    CHECK(address.field == "address");
    CHECK(address.value == "玉泉家园5号楼1单元101");
    CHECK(address.baseVersion == before.versions.at("address"));
    CHECK(phone.field == "phone");
    CHECK_FALSE(phone.baseVersion);
    auto after = *store.load(uuid);
    CHECK(after.versions.at("address") == address.hlc);
    CHECK(after.versions.at("grid") == before.versions.at("grid"));
    CHECK(address.hlc > before.versions.at("address"));
  }
  SECTION("saving unchanged values adds nothing") {
    auto r = store.save({{"household", uuid, "", household(), false}});
    REQUIRE(r.ok());
    CHECK(r.changedFields == 0);
    CHECK(store.outboxSize() == created.size());
    CHECK(store.load(uuid)->versions == before.versions);
  }
  SECTION("clearing a field is a change to null") {
    REQUIRE(store.save({{"household", uuid, "", {{"phone", "13800001111"}}, false}}).ok());
    REQUIRE(store.save({{"household", uuid, "", {{"phone", nullptr}}, false}}).ok());
    auto last = store.outbox().back();
    CHECK(last.field == "phone");
    CHECK(last.value.is_null());
    CHECK(store.load(uuid)->values.count("phone") == 0);
  }
}

TEST_CASE("a delete leaves a tombstone and an outbox entry", "[store]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  const std::string uuid = addHousehold(store);
  const size_t before = store.outboxSize();
  auto r = store.save({{"household", uuid, "", {}, true}});
  REQUIRE(r.ok());
  auto tomb = store.load(uuid);
  REQUIRE(tomb);
  CHECK(tomb->deleted);
  CHECK(tomb->values.at("head_name") == "马文明");  // the data is kept
  CHECK(store.outboxSize() == before + 1);
  CHECK(store.outbox().back().field == "_deleted");
  CHECK(store.outbox().back().value == true);
  CHECK(store.listHouseholds().empty());
  auto again = store.save({{"household", uuid, "", {{"phone", "13800001111"}}, false}});
  CHECK_FALSE(again.ok());
  CHECK(store.outboxSize() == before + 1);
}

TEST_CASE("invalid input is refused and changes nothing", "[store]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  const std::string uuid = addHousehold(store);
  const auto before = *store.load(uuid);
  const size_t outbox = store.outboxSize();

  auto bad = store.save({{"household", uuid, "", {{"address", "新地址"}, {"residence_status", "palace"}}, false}});
  CHECK_FALSE(bad.ok());
  REQUIRE(bad.failures.size() == 1);
  CHECK(bad.failures[0].field == "residence_status");
  CHECK(bad.failures[0].rule == "options");
  CHECK(bad.failures[0].recordUuid == uuid);
  CHECK(store.load(uuid)->values == before.values);
  CHECK(store.outboxSize() == outbox);

  SECTION("a batch is all or nothing") {
    auto batch = store.save({{"household", "", "", household("G02", "李四"), false},
                             {"household", uuid, "", {{"income_wages", -5.0}}, false}});
    CHECK_FALSE(batch.ok());
    CHECK(batch.failures.at(0).rule == "non_negative_income");
    CHECK(store.listHouseholds().size() == 1);
    CHECK(store.outboxSize() == outbox);
  }
  SECTION("a member of an unknown household is refused") {
    auto orphan = store.save({{"person", "", "no-such-household", person("张三", "head"), false}});
    CHECK_FALSE(orphan.ok());
    CHECK(orphan.failures.at(0).rule == "unknown_parent");
    CHECK(store.outboxSize() == outbox);
  }
}

TEST_CASE("a household has exactly one head", "[store][rules]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  const std::string hh = addHousehold(store);
  auto spouseFirst = store.save({{"person", "", hh, person("李梅", "spouse", makeId("640121", "19820704", "142")), false}});
  REQUIRE_FALSE(spouseFirst.ok());
  CHECK(spouseFirst.failures.at(0).rule == "one_head");
  REQUIRE(store.save({{"person", "", hh, person("马文明", "head"), false}}).ok());
  REQUIRE(store.save({{"person", "", hh, person("李梅", "spouse", makeId("640121", "19820704", "142")), false}}).ok());
  auto secondHead = store.save({{"person", "", hh, person("马小军", "head", makeId("640121", "20050101", "153")), false}});
  REQUIRE_FALSE(secondHead.ok());
  CHECK(secondHead.failures.at(0).rule == "one_head");
  CHECK(store.children(hh, "person").size() == 2);

  SECTION("the head can change within one save") {
    auto members = store.children(hh, "person");
    auto r = store.save({{"person", members[0].uuid, "", {{"relation", "spouse"}}, false},
                         {"person", members[1].uuid, "", {{"relation", "head"}}, false}});
    CHECK(r.ok());
  }
}

TEST_CASE("an ID number is unique on the device and stored encrypted", "[store][rules]") {
  TempDir dir;
  const std::string id = makeId("640121", "19800315", "123");
  {
    DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
    const std::string a = addHousehold(store), b = addHousehold(store, household("G02", "张三"));
    REQUIRE(store.save({{"person", "", a, person("马文明", "head", id), false}}).ok());
    auto dup = store.save({{"person", "", b, person("马文明", "head", id), false}});
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.failures.at(0).rule == "unique_id_number");
    CHECK(dup.failures.at(0).field == "id_number");
    auto lower = id;
    if (lower.back() == 'X') lower.back() = 'x';
    CHECK(store.listHouseholds(lower).size() == 1);
    CHECK(store.listHouseholds("马文明").size() == 1);
    CHECK(store.listHouseholds("玉泉家园").size() == 2);
    CHECK(store.listHouseholds("不存在").empty());
  }
  const std::string bytes = readFile(dir.file("d.db")) + readFile(dir.file("d.db-wal"));
  CHECK(bytes.find(id) == std::string::npos);
  CHECK(bytes.find("马文明") != std::string::npos);  // not sensitive: searchable in plain

  // The wrong key is refused with a clear error, not garbage.
  std::ofstream(dir.file("other.key")) << std::string(64, 'a');
  DeviceStore::Options wrongKey = fixtures::options();
  wrongKey.keyFile = dir.file("other.key");
  CHECK_THROWS_AS(DeviceStore(dir.file("d.db"), SurveyDefinition::builtin(), wrongKey), StoreError);
}

TEST_CASE("opening a file made with an older definition upgrades it and keeps the data", "[store][upgrade]") {
  TempDir dir;
  Json oldJson = SurveyDefinition::builtin().json();
  Json newJson = oldJson;
  newJson["version"] = oldJson["version"].get<int>() + 1;
  // The old definition lacks the "housing" fields the new one has.
  auto& sections = oldJson["records"][0]["sections"];
  Json removed = sections.back();
  sections.erase(sections.size() - 1);
  const std::string removedKey = removed["fields"][0]["key"];
  auto oldDef = SurveyDefinition::fromJson(oldJson.dump());
  auto newDef = SurveyDefinition::fromJson(newJson.dump());
  REQUIRE_FALSE(oldDef.requireRecord("household").field(removedKey));

  std::string uuid;
  {
    DeviceStore store(dir.file("d.db"), oldDef, fixtures::options());
    uuid = addHousehold(store);
  }
  {
    DeviceStore store(dir.file("d.db"), newDef, fixtures::options());
    CHECK(store.definitionVersion() == newDef.version());
    auto loaded = store.load(uuid);
    REQUIRE(loaded);
    CHECK(loaded->values == household());
    CHECK(store.outboxSize() == household().size());
    CHECK(store.integrityCheck() == "ok");
  }
  // A file upgraded to the newer definition is not opened by an older program.
  CHECK_THROWS_AS(DeviceStore(dir.file("d.db"), oldDef, fixtures::options()), StoreError);
}

TEST_CASE("a pulled change never overwrites a field with a pending local edit", "[store][pull]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  const std::string uuid = addHousehold(store);
  // The household as pushed: its outbox emptied as the server's acknowledgement would.
  while (true) {
    PushBatch batch = store.nextPushBatch(500);
    if (batch.entries.empty()) break;
    Json results = Json::array();
    for (const auto& c : batch.toChangeset(store.deviceId()).changes) results.push_back(plainPushResult(c));
    REQUIRE(store.acknowledgePush(batch, results) == batch.entries.size());
  }
  const auto pulled = [&](const std::string& field, const Json& value, int64_t seq) {
    return fixtures::pulledChange("household", uuid, "", field, value, seq);
  };
  // A local edit of the address is waiting to be pushed; a pull brings other values of both fields.
  REQUIRE(store.save({{"household", uuid, "", {{"address", "本机地址"}}}}).ok());
  REQUIRE(store.outboxSize() == 1);
  CHECK(store.applyPulled({pulled("address", "服务器地址", 1), pulled("remarks", "服务器备注", 2)}, 2) == 1);
  auto loaded = store.load(uuid);
  REQUIRE(loaded);
  CHECK(loaded->values.at("address") == "本机地址");
  CHECK(loaded->values.at("remarks") == "服务器备注");
  // With nothing pending, a pulled value is taken.
  while (true) {
    PushBatch batch = store.nextPushBatch(500);
    if (batch.entries.empty()) break;
    REQUIRE(store.rejectChanges(batch, Json::array({{{"change_id", batch.entries.front().changeId}, {"code", "test"}}})).moved == 1);
  }
  REQUIRE(store.outboxSize() == 0);
  CHECK(store.applyPulled({pulled("address", "服务器地址", 3)}, 3) == 1);
  CHECK(store.load(uuid)->values.at("address") == "服务器地址");
}

TEST_CASE("pulls and acknowledgements commit without their own fsync; saves stay fully synchronous", "[store]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"));
  REQUIRE(store.synchronousLevel() == 2);
  const std::string uuid = addHousehold(store);
  CHECK(store.synchronousLevel() == 2);
  PushBatch batch = store.nextPushBatch(500);
  REQUIRE_FALSE(batch.entries.empty());
  Json results = Json::array();
  for (const auto& e : batch.entries)
    results.push_back(plainPushResult({e.changeId, e.recordType, e.recordUuid, e.parentUuid, e.field, e.value,
                                       e.baseVersion, e.hlc}));
  REQUIRE(store.acknowledgePush(batch, results) == batch.entries.size());
  CHECK(store.synchronousLevel() == 2);
  REQUIRE(store.applyPulled({fixtures::pulledChange("household", uuid, "", "remarks", "服务器备注", 7)}, 7) == 1);
  CHECK(store.synchronousLevel() == 2);
  REQUIRE(store.applyReviews({}, 3) == 0);
  CHECK(store.synchronousLevel() == 2);
  // What the pull stored is there, and the next save is a normal durable one.
  CHECK(store.load(uuid)->values.at("remarks") == "服务器备注");
  CHECK(store.pullCursor() == 7);
  REQUIRE(store.save({{"household", uuid, "", {{"remarks", "本机备注"}}}}).ok());
  CHECK(store.synchronousLevel() == 2);
}
