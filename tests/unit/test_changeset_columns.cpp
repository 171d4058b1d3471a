// Push format 2: derived change ids, columns round trip to the same changeset and digest, a strict
// parser, and compact answers that expand to the format 1 answer.
#include <catch2/catch.hpp>

#include <synccore/changeset_columns.h>
#include <synccore/hlc.h>
#include <synccore/random_id.h>

#include <set>

using synccore::Change;
using synccore::Changeset;
using synccore::Hlc;
using synccore::Json;
using synccore::WireError;

namespace {

const std::string kDevice = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const std::string kHousehold = "9c41a3e0-1b2c-4d5e-8f60-718293a4b5c6";
const std::string kPerson = "77aa0011-2233-4455-8899-aabbccddeeff";
const std::string kSeed = "000001763800000000-00000-0000seed";

std::string stamp(int64_t wall, uint32_t counter, const std::string& node = kDevice) {
  return Hlc{wall, counter, node}.toString();
}

Change change(const std::string& type, const std::string& record, const std::string& parent, const std::string& field,
              Json value, std::optional<std::string> base, const std::string& hlc) {
  return Change{synccore::changeIdFor(hlc, record, field), type, record, parent, field, std::move(value), base, hlc};
}

/// A changeset with every shape a device sends: edits, a new member (no base), a delete, numbers,
/// null, Chinese text, and a stamp of another node (a server-stamped value re-sent).
Changeset sample() {
  Changeset cs{synccore::newUuid(), kDevice, {}, {}};
  cs.changes.push_back(change("household", kHousehold, "", "address", "玉泉家园5号楼1单元101", kSeed, stamp(1763801234567, 0)));
  cs.changes.push_back(change("household", kHousehold, "", "income_transfer", 78600.0, kSeed, stamp(1763801234567, 1)));
  cs.changes.push_back(change("person", kPerson, kHousehold, "name", "马小军", std::nullopt, stamp(1763801234570, 0)));
  cs.changes.push_back(change("person", kPerson, kHousehold, "phone", nullptr, std::nullopt, stamp(1763801234570, 1)));
  cs.changes.push_back(change("household", kHousehold, "", "room", 202, stamp(1763800000001, 0, "server"),
                              stamp(1763801234571, 0, "server")));
  cs.changes.push_back(change("person", "11111111-2222-4333-8444-555555555555", kHousehold, "_deleted", true, kSeed,
                              stamp(1763801234580, 0)));
  return cs;
}

Json reparsed(const Json& body) { return Json::parse(body.dump()); }

}  // namespace

TEST_CASE("change ids derive from stamp, record and field, time first", "[columns]") {
  const std::string hlc = stamp(1763801234567, 3);
  const std::string id = synccore::changeIdFor(hlc, kHousehold, "address");
  CHECK(synccore::isUuid(id));
  CHECK(id[14] == '8');  // UUID v8
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);
  CHECK(std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16) == 1763801234567);
  CHECK(synccore::changeIdFor(hlc, kHousehold, "address") == id);
  CHECK(synccore::changeIdFor(stamp(1763801234567, 4), kHousehold, "address") != id);
  CHECK(synccore::changeIdFor(hlc, kPerson, "address") != id);
  CHECK(synccore::changeIdFor(hlc, kHousehold, "phone") != id);
  std::set<std::string> ids;
  for (uint32_t i = 0; i < 20000; ++i) ids.insert(synccore::changeIdFor(stamp(1763801234567, i % 100), kHousehold, std::to_string(i)));
  CHECK(ids.size() == 20000);
}

TEST_CASE("format 2 carries the same changeset as format 1", "[columns]") {
  const Changeset cs = sample();
  const Json body = synccore::changesetToColumns(cs);
  CHECK(synccore::isColumnarChangeset(body));
  CHECK_FALSE(synccore::isColumnarChangeset(cs.toJson()));
  CHECK(body["records"].size() == 3);            // each record once
  CHECK(body["versions"].size() == 2);           // the seed and the server's version, once each
  CHECK(body["nodes"] == Json({kDevice, "server"}));
  CHECK_FALSE(body["changes"].contains("change_id"));  // all derived: none sent

  const Changeset back = synccore::changesetFromColumns(reparsed(body));
  REQUIRE(back.changes.size() == cs.changes.size());
  for (size_t i = 0; i < cs.changes.size(); ++i) {
    INFO("change " << i);
    CHECK(back.changes[i].toJson() == cs.changes[i].toJson());
    CHECK(back.changes[i].value.dump() == cs.changes[i].value.dump());  // 78600.0 stays a float
  }
  CHECK(back.digest() == cs.digest());
  CHECK(synccore::changesetFromJson(reparsed(cs.toJson())).digest() == back.digest());
}

TEST_CASE("format 2 sends change ids that are not derived (outbox entries from older versions)", "[columns]") {
  Changeset cs = sample();
  cs.changes[2].changeId = synccore::newUuid();
  const Json body = synccore::changesetToColumns(cs);
  REQUIRE(body["changes"].contains("change_id"));
  CHECK(body["changes"]["change_id"][2] == cs.changes[2].changeId);
  CHECK(body["changes"]["change_id"][0].is_null());
  const Changeset back = synccore::changesetFromColumns(reparsed(body));
  CHECK(back.changes[2].changeId == cs.changes[2].changeId);
  CHECK(back.changes[0].changeId == cs.changes[0].changeId);
  CHECK(back.digest() == cs.digest());
}

TEST_CASE("format 2 is smaller than format 1 for a realistic batch", "[columns]") {
  Changeset cs{synccore::newUuid(), kDevice, {}, {}};
  int64_t wall = 1763801234567;
  for (int r = 0; r < 200; ++r) {
    const std::string record = synccore::newUuid();
    for (const char* field : {"address", "phone", "room", "income_transfer"})
      cs.changes.push_back(change("household", record, "", field, "值" + std::to_string(r), kSeed, stamp(++wall, 0)));
  }
  const size_t v1 = cs.toJson().dump().size(), v2 = synccore::changesetToColumns(cs).dump().size();
  CHECK(v2 * 2 < v1);
}

TEST_CASE("format 2 bodies are checked strictly, naming the place of each error", "[columns]") {
  const Json good = reparsed(synccore::changesetToColumns(sample()));
  REQUIRE_NOTHROW(synccore::changesetFromColumns(good));
  const auto refused = [&](const std::function<void(Json&)>& edit, const std::string& words) {
    Json body = good;
    edit(body);
    INFO(body.dump());
    CHECK_THROWS_WITH(synccore::changesetFromColumns(body), Catch::Contains(words));
  };
  refused([](Json& b) { b["format"] = 3; }, "changeset.format must be 2");
  refused([](Json& b) { b["extra"] = 1; }, "changeset.extra is not a known field");
  refused([](Json& b) { b.erase("records"); }, "changeset.records is missing");
  refused([](Json& b) { b["id"] = "not-a-uuid"; }, "changeset.id must be a UUID");
  refused([](Json& b) { b["device"] = std::string(65, 'd'); }, "changeset.device");
  refused([](Json& b) { b["fields"][0] = 5; }, "changeset.fields[0]");
  refused([](Json& b) { b["versions"][0] = "yesterday"; }, "changeset.versions[0] must be an HLC stamp");
  refused([](Json& b) { b["records"][0][1] = "x"; }, "changeset.records[0][1] must be a UUID");
  refused([](Json& b) { b["records"][1][0] = 9; }, "changeset.records[1][0] must point into changeset.record_types");
  refused([](Json& b) { b["changes"]["field"].push_back(0); }, "changeset.changes.field must hold 6 entries");
  refused([](Json& b) { b["changes"]["field"][1] = 99; }, "changeset.changes.field[1] must point into changeset.fields");
  refused([](Json& b) { b["changes"]["field"][1] = "address"; }, "changeset.changes.field[1] must be an integer");
  refused([](Json& b) { b["changes"]["record"][0] = -1; }, "changeset.changes.record[0] must point into");
  refused([](Json& b) { b["changes"]["base"][0] = 7; }, "changeset.changes.base[0] must point into");
  refused([](Json& b) { b["changes"]["counter"][0] = 100000; }, "changeset.changes.counter[0] must be 0-99999");
  refused([](Json& b) { b["changes"]["wall"][0] = -5; }, "changeset.changes.wall[0] gives a wall time out of range");
  refused([](Json& b) { b["changes"]["value"][0] = Json::object(); }, "changeset.changes.value[0] must not be an object");
  refused([](Json& b) { b["changes"]["node"][0] = 4; }, "changeset.changes.node[0] must point into changeset.nodes");
  refused([](Json& b) { b["changes"]["change_id"] = Json::array({1, 2, 3, 4, 5, 6}); }, "change_id[0] must be a UUID");
  refused([](Json& b) { b["changes"]["unknown"] = Json::array(); }, "changeset.changes.unknown is not a known field");
  refused([](Json& b) { b["changes"] = Json::array(); }, "changeset.changes must be an object of columns");
  refused(
      [](Json& b) {  // the same change twice
        for (const char* k : {"record", "field", "value", "base", "wall", "counter", "node"})
          b["changes"][k].push_back(k == std::string("record") || k == std::string("wall") ? Json(0) : b["changes"][k][5]);
      },
      "repeats an earlier change");
  refused(
      [](Json& b) {
        for (const char* k : {"record", "field", "value", "base", "wall", "counter", "node"}) {
          Json column = Json::array();
          for (int i = 0; i < 2001; ++i) column.push_back(0);
          b["changes"][k] = column;
        }
      },
      "more than 2000 changes");
}

TEST_CASE("a compact answer lists only what the device must learn and expands to the full one", "[columns]") {
  const Changeset cs = sample();
  Json results = Json::array();
  for (const Change& c : cs.changes)
    results.push_back(Json{{"change_id", c.changeId}, {"outcome", "applied"}, {"applied", true},
                           {"current", Json{{"value", c.value}, {"version", c.hlc}, {"record_deleted", false}}}});
  const Json allPlain = synccore::compactPushAnswer(cs, Json{{"id", cs.id}, {"results", results}, {"last_seq", 42}});
  CHECK(allPlain["results"].empty());
  CHECK(synccore::expandPushAnswer(cs, allPlain)["results"] == results);
  results[1]["current"]["value"] = 78600;  // the server stored another form of the number: said
  results[3] = Json{{"change_id", cs.changes[3].changeId}, {"outcome", "conflict"}, {"applied", false},
                    {"conflict_id", "c1"}, {"current", Json{{"value", "13900000000"}, {"version", "v"}}}};
  results[5]["current"]["record_deleted"] = true;
  const Json answer{{"id", cs.id}, {"results", results}, {"last_seq", 42}};

  const Json compact = synccore::compactPushAnswer(cs, answer);
  REQUIRE(compact["results"].size() == 3);
  CHECK(compact["results"][0]["index"] == 1);
  CHECK(compact["results"][1]["index"] == 3);
  CHECK(compact["results"][2]["index"] == 5);
  CHECK(compact["changes"] == 6);

  const Json expanded = synccore::expandPushAnswer(cs, reparsed(compact));
  CHECK(expanded == answer);
  CHECK(expanded["results"][1]["current"]["value"].dump() == "78600");

  Json other = compact;
  other["id"] = synccore::newUuid();
  CHECK_THROWS_AS(synccore::expandPushAnswer(cs, other), WireError);
  Json miscounted = compact;
  miscounted["changes"] = 5;
  CHECK_THROWS_AS(synccore::expandPushAnswer(cs, miscounted), WireError);
  Json outOfRange = compact;
  outOfRange["results"][0]["index"] = 6;
  CHECK_THROWS_AS(synccore::expandPushAnswer(cs, outOfRange), WireError);
  CHECK_THROWS_AS(synccore::expandPushAnswer(cs, answer), WireError);  // a format 1 answer
}

TEST_CASE("a pull page in columns carries the same changes as format 1", "[columns]") {
  std::vector<synccore::PulledChange> page;
  int64_t seq = 4200;
  for (const Change& c : sample().changes) {
    synccore::PulledChange p;
    p.seq = (seq += 3);
    p.change = c;
    p.change.baseVersion.reset();
    p.version = c.hlc;
    p.author = c.hlc.find("server") != std::string::npos ? "sun" : "wang";
    p.device = c.hlc.find("server") != std::string::npos ? "server" : kDevice;
    page.push_back(p);
  }
  page[1].change.changeId = synccore::newUuid();  // a change id that is not derived is sent
  const Json columns = synccore::pullPageToColumns(page, 4300, true);
  CHECK(columns["format"] == 2);
  CHECK(columns["next_after"] == 4300);
  CHECK(columns["has_more"] == true);
  CHECK(columns["authors"] == Json({"wang", "sun"}));
  CHECK(columns["changes"]["change_id"][1] == page[1].change.changeId);
  CHECK(columns["changes"]["change_id"][0].is_null());

  const auto back = synccore::pullPageFromColumns(reparsed(columns));
  REQUIRE(back.size() == page.size());
  for (size_t i = 0; i < page.size(); ++i) {
    INFO("change " << i);
    CHECK(back[i].toJson() == page[i].toJson());
    CHECK(back[i].change.value.dump() == page[i].change.value.dump());
  }
  CHECK(synccore::pullPageFromColumns(synccore::pullPageToColumns({}, 17, false)).empty());

  Json bad = reparsed(columns);
  bad["changes"]["author"][0] = 9;
  CHECK_THROWS_WITH(synccore::pullPageFromColumns(bad), Catch::Contains("page.changes.author[0] must point into page.authors"));
  bad = reparsed(columns);
  bad.erase("nodes");
  CHECK_THROWS_WITH(synccore::pullPageFromColumns(bad), Catch::Contains("page.nodes is missing"));
  bad = reparsed(columns);
  bad["changes"]["seq"].erase(0);
  CHECK_THROWS_WITH(synccore::pullPageFromColumns(bad), Catch::Contains("page.changes.seq must hold 6 entries"));
  CHECK_THROWS_AS(synccore::pullPageFromColumns(Json{{"changes", Json::array()}}), WireError);
}
