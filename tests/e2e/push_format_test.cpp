// Push format 2 (columns) against a real server: the same changeset as format 1, compact answers,
// replays, refusals with a JSON path, and nothing written by a bad body.
#include "harness.h"
#include "raw_http.h"

#include <synccore/changeset_columns.h>
#include <synccore/hlc.h>
#include <synccore/random_id.h>
#include <synccore/sqlite.h>

using namespace e2e;

namespace {

/// A new household in grid G01 as a device stamps it: derived change ids, one HLC per change.
synccore::Changeset household(const std::string& record, const std::string& address) {
  Stamps stamps;
  return stampedHousehold(record, "G01", address, stamps);
}

}  // namespace

TEST_CASE("a changeset in columns is merged like the same changeset in format 1", "[e2e][push-format]") {
  Community community;
  httplib::Client http("127.0.0.1", community.process().port());
  const httplib::Headers auth{{"Authorization", "Bearer " + signIn(http, "wang")}};
  const auto post = [&](const Json& body) { return http.Post("/v1/changesets", auth, body.dump(), "application/json"); };

  auto health = answerOf(http.Get("/v1/health"));
  CHECK(health["push_formats"] == Json({1, 2}));

  const std::string record = synccore::newUuid();
  const synccore::Changeset cs = household(record, "玉泉家园3号楼");
  const Json body = synccore::changesetToColumns(cs);
  CHECK_FALSE(body["changes"].contains("change_id"));
  const Json answer = answerOf(post(body));
  CHECK(answer["format"] == 2);
  CHECK(answer["changes"] == 4);
  CHECK(answer["results"].empty());  // every change applied as sent: nothing more to say
  const Json full = synccore::expandPushAnswer(cs, answer);
  for (const Json& r : full["results"]) CHECK(r["outcome"] == "applied");

  SECTION("the server derived the same change ids and holds the values") {
    synccore::Database raw(community.dbPath(), synccore::Database::Mode::ReadOnly);
    for (const auto& c : cs.changes) {
      auto st = raw.prepare("SELECT f.value, printf('%018d-%05d-', f.stamp / 100000, f.stamp % 100000) || d.name"
                            " FROM change_log c, records r, fields f, devices d WHERE c.change_id=? AND r.uuid=?"
                            " AND f.record_id=r.id AND f.field=? AND f.seq=c.seq AND d.id=f.stamp_device");
      st.bind(1, c.changeId).bind(2, record).bind(3, c.field);
      REQUIRE(st.step());
      CHECK(Json::parse(st.text(0)) == c.value);
      CHECK(st.text(1) == c.hlc);
    }
  }
  SECTION("sent again it gets the same compact answer and writes nothing") {
    const auto before = rowCounts(community.dbPath());
    CHECK(answerOf(post(body)) == answer);
    CHECK(rowCounts(community.dbPath()) == before);
    synccore::Changeset altered = cs;
    altered.changes[1].value = "别的地址";
    expectRefusal(post(synccore::changesetToColumns(altered)), 409, "changeset_mismatch");
    CHECK(rowCounts(community.dbPath()) == before);
  }
  SECTION("format 1 and format 2 of one changeset are one changeset") {
    const synccore::Changeset second = household(synccore::newUuid(), "玉泉家园4号楼");
    const Json first = answerOf(post(second.toJson()));
    const auto before = rowCounts(community.dbPath());
    const Json again = answerOf(post(synccore::changesetToColumns(second)));
    CHECK(synccore::expandPushAnswer(second, again) == first);
    CHECK(rowCounts(community.dbPath()) == before);
  }
  SECTION("a change the server changed or refused is named with its index") {
    synccore::Changeset edit{synccore::newUuid(), "dev2", {}};
    const std::string hlc = synccore::Hlc{synccore::HybridClock::systemWallMs(), 9, "dev2"}.toString();
    // Based on a version the server never had: a concurrent edit, decided by policy.
    edit.changes.push_back({synccore::changeIdFor(hlc, record, "address"), "household", record, "", "address",
                            "另一个地址", synccore::Hlc{1, 0, "old"}.toString(), hlc});
    const Json conflict = answerOf(post(synccore::changesetToColumns(edit)));
    REQUIRE(conflict["results"].size() == 1);
    CHECK(conflict["results"][0]["index"] == 0);
    CHECK(conflict["results"][0]["outcome"] == "conflict");
    CHECK(conflict["results"][0]["change_id"] == edit.changes[0].changeId);

    synccore::Changeset bad = household(synccore::newUuid(), "玉泉家园5号楼");
    bad.changes[3].value = "castle";
    bad.changes[3].changeId = synccore::changeIdFor(bad.changes[3].hlc, bad.changes[3].record, "residence_status");
    const auto before = rowCounts(community.dbPath());
    auto refused = post(synccore::changesetToColumns(bad));
    expectRefusal(refused, 422, "invalid_changes");
    const Json rejected = Json::parse(refused->body)["rejected"];
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0]["change_id"] == bad.changes[3].changeId);
    CHECK(rowCounts(community.dbPath()) == before);
  }
}

TEST_CASE("bad bodies in columns are refused with the JSON path and change nothing", "[e2e][push-format][bad-input]") {
  Community community;
  httplib::Client http("127.0.0.1", community.process().port());
  const httplib::Headers auth{{"Authorization", "Bearer " + signIn(http, "wang")}};
  const Json good = synccore::changesetToColumns(household(synccore::newUuid(), "玉泉家园6号楼"));
  const auto before = rowCounts(community.dbPath());
  const auto refused = [&](const std::function<void(Json&)>& edit, const std::string& words) {
    Json body = good;
    edit(body);
    auto res = http.Post("/v1/changesets", auth, body.dump(), "application/json");
    expectRefusal(res, 400, "bad_request");
    CHECK_THAT(Json::parse(res->body).value("message", ""), Catch::Contains(words));
  };
  refused([](Json& b) { b["format"] = "2"; }, "changeset.format must be 2");
  refused([](Json& b) { b["changes"]["field"][2] = 40; }, "changeset.changes.field[2] must point into changeset.fields");
  refused([](Json& b) { b["changes"]["value"].erase(0); }, "changeset.changes.value must hold 4 entries");
  refused([](Json& b) { b["records"][0] = "9c41"; }, "changeset.records[0] must be");
  refused([](Json& b) { b["changes"]["wall"][0] = 1e30; }, "changeset.changes.wall[0] must be an integer");
  refused([](Json& b) { b["versions"] = Json::array({"v1"}); }, "changeset.versions[0] must be an HLC stamp");
  CHECK(rowCounts(community.dbPath()) == before);
  auto health = http.Get("/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("a pull page in columns holds the changes of the format 1 page", "[e2e][push-format][pull]") {
  Community community;
  httplib::Client http("127.0.0.1", community.process().port());
  const httplib::Headers auth{{"Authorization", "Bearer " + signIn(http, "wang")}};
  for (const char* address : {"玉泉家园8号楼", "玉泉家园9号楼"})
    answerOf(http.Post("/v1/changesets", auth, synccore::changesetToColumns(household(synccore::newUuid(), address)).dump(),
                       "application/json"));
  const httplib::Headers li{{"Authorization", "Bearer " + signIn(http, "li")}};
  const Json v1 = answerOf(http.Get("/v1/changes?after=0&limit=5&device=tablet-li", li));
  const Json v2 = answerOf(http.Get("/v1/changes?after=0&limit=5&device=tablet-li&format=2", li));
  CHECK(v2["format"] == 2);
  CHECK(v2["next_after"] == v1["next_after"]);
  CHECK(v2["has_more"] == true);
  const auto changes = synccore::pullPageFromColumns(v2);
  REQUIRE(changes.size() == v1["changes"].size());
  for (size_t i = 0; i < changes.size(); ++i) CHECK(changes[i].toJson() == v1["changes"][i]);
  CHECK(v2.dump().size() < v1.dump().size());
  expectRefusal(http.Get("/v1/changes?after=0&format=3", li), 400, "bad_request");
  CHECK(answerOf(http.Get("/v1/health"))["pull_formats"] == Json({1, 2}));
}
