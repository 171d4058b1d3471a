// Pull and replay at the protocol level: what a device is sent, and what a changeset sent again is answered.
#include "harness.h"
#include "raw_http.h"

#include <synccore/random_id.h>
#include <synccore/sqlite.h>

#include "../unit/zstd_text.h"

using namespace e2e;

namespace {

/// Every change a GET /v1/changes page holds, after `after`, as (device, field, value).
Json pullAll(httplib::Client& http, const httplib::Headers& auth, const std::string& deviceParam, bool withDevice) {
  std::string path = "/v1/changes?after=0&limit=1000";
  if (withDevice) path += "&device=" + deviceParam;
  auto res = http.Get(path, auth);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  Json page = Json::parse(res->body);
  CHECK(page["has_more"] == false);
  Json out = Json::array();
  for (const Json& c : page["changes"]) out.push_back(Json{c["device"], c["field"], c["value"]});
  return out;
}

int64_t changeLogRows(const std::string& db) {
  return synccore::Database(db, synccore::Database::Mode::ReadOnly).queryInteger("SELECT count(*) FROM change_log");
}

}  // namespace

TEST_CASE("a pull leaves out the caller's own changes and changes overwritten later", "[e2e][pull]") {
  Community community;
  httplib::Client http("127.0.0.1", community.process().port());
  const httplib::Headers auth{{"Authorization", "Bearer " + signIn(http, "wang")}};
  const std::string record = synccore::newUuid();
  auto created = http.Post("/v1/changesets", auth, newHousehold(record).dump(), "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 200);
  // Device dev2 overwrites the address dev1 set.
  Json edit = validChange(record, "address", "玉泉家园2号");
  edit["base_version"] = "000000000000001000-00000-dev1";
  edit["hlc"] = "000000000000002000-00000-dev2";
  auto edited = http.Post("/v1/changesets", auth,
                          Json{{"id", synccore::newUuid()}, {"device", "dev2"}, {"changes", {edit}}}.dump(),
                          "application/json");
  REQUIRE(edited);
  REQUIRE(edited->status == 200);

  const Json dev1Rest = {Json{"dev1", "grid", "G01"}, Json{"dev1", "head_name", "马文明"},
                         Json{"dev1", "residence_status", "resident"}};
  const Json dev2Address = Json{"dev2", "address", "玉泉家园2号"};
  // Without a device: every field's current value once; dev1's first address is not sent.
  Json all = dev1Rest;
  all.push_back(dev2Address);
  CHECK(pullAll(http, auth, "", false) == all);
  // dev1 gets only what another device wrote; dev2 gets dev1's fields but not its own address.
  CHECK(pullAll(http, auth, "dev1", true) == Json::array({dev2Address}));
  CHECK(pullAll(http, auth, "dev2", true) == dev1Rest);

  expectRefusal(http.Get("/v1/changes?after=0&limit=10&device=", auth), 400, "bad_request");
  expectRefusal(http.Get("/v1/changes?after=0&limit=10&device=" + std::string(65, 'd'), auth), 400, "bad_request");
}

TEST_CASE("a changeset sent again gets its first answer, duplicates included, and changes nothing", "[e2e][pull]") {
  Community community;
  httplib::Client http("127.0.0.1", community.process().port());
  const httplib::Headers auth{{"Authorization", "Bearer " + signIn(http, "wang")}};
  const auto post = [&](const Json& cs) {
    auto res = http.Post("/v1/changesets", auth, cs.dump(), "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    return Json::parse(res->body);
  };
  const std::string record = synccore::newUuid();
  const Json first = newHousehold(record);
  const Json firstAnswer = post(first);
  // A second changeset repeats one change of the first and adds a new one.
  const Json second{{"id", synccore::newUuid()},
                    {"device", "dev1"},
                    {"changes", {first["changes"][1], validChange(record, "phone", "13900000000")}}};
  const Json secondAnswer = post(second);
  REQUIRE(secondAnswer["results"].size() == 2);
  CHECK(secondAnswer["results"][0]["outcome"] == "duplicate");
  CHECK(secondAnswer["results"][0]["first"] == firstAnswer["results"][1]);
  CHECK(secondAnswer["results"][1]["outcome"] == "applied");

  const int64_t rows = changeLogRows(community.dbPath());
  CHECK(post(second) == secondAnswer);
  CHECK(post(first) == firstAnswer);
  CHECK(changeLogRows(community.dbPath()) == rows);
}

TEST_CASE("a household moved into another grid reaches that grid's tablets whole, with its review, and leaves the others", "[e2e][pull]") {
  Community community;
  REQUIRE(community.server({"user", "add", "--name", "zhou", "--role", "supervisor"}, "password-zhou\n").exitCode == 0);
  Device a = community.device("a", "wang"), z = community.device("z", "zhao");
  Device sun = community.device("sun", "sun"), zhou = community.device("zhou", "zhou");
  const std::string hh = a.ok(householdArgs("G01", "周一"));
  const std::string person = a.ok({"member", "add", hh, "name=周一", "relation=head", "id_number=" + idNumber("19700101", "011")});
  a.ok({"household", "set", hh, "address=玉泉家园7号楼"});
  REQUIRE(a.sync()["ok"] == true);
  sun.ok({"return", hh, "--comment", "address=门牌号与实际不符"});
  // zhao's tablet (G02) is up to date, its cursors past every change of the household.
  REQUIRE(z.sync()["ok"] == true);
  REQUIRE_FALSE(z.snapshot().contains(hh));

  REQUIRE(zhou.sync()["ok"] == true);
  zhou.ok({"household", "set", hh, "grid=G02"});
  REQUIRE(zhou.sync()["ok"] == true);

  REQUIRE(z.sync()["ok"] == true);
  const Json mine = z.snapshot(), server = zhou.snapshot();
  REQUIRE(mine.contains(hh));
  REQUIRE(mine.contains(person));
  CHECK(mine[hh] == server[hh]);
  CHECK(mine[person] == server[person]);
  CHECK(mine[hh]["fields"]["address"] == "玉泉家园7号楼");
  CHECK(mine[hh]["fields"]["grid"] == "G02");
  const Json reviews = Json::parse(z.ok({"reviews", "--json"}));
  REQUIRE(reviews.size() == 1);
  CHECK(reviews[0]["household"] == hh);
  CHECK(reviews[0]["state"] == "returned");
  // Sent again it changes nothing; wang's tablet (G01 only), with nothing of it unsent, no longer holds
  // it (workers see only their grids' households).
  CHECK(z.sync()["ok"] == true);
  CHECK(z.snapshot() == mine);
  const Json moved = a.sync();
  REQUIRE(moved["ok"] == true);
  CHECK(moved["removed"] == 1);
  CHECK_FALSE(a.snapshot().contains(hh));
  CHECK_FALSE(a.snapshot().contains(person));
  // A new G01 tablet never held the household: the move alone must not leave a bare record on it.
  Device fresh = community.device("fresh", "li");
  REQUIRE(fresh.sync()["ok"] == true);
  CHECK_FALSE(fresh.snapshot().contains(hh));
  CHECK_FALSE(fresh.snapshot().contains(person));
}

TEST_CASE("a pull page is sent zstd-compressed to a client that takes zstd, gzip'd or plain otherwise",
          "[e2e][pull]") {
  Community community;
  httplib::Client http("127.0.0.1", community.process().port());
  const httplib::Headers auth{{"Authorization", "Bearer " + signIn(http, "wang")}};
  for (int i = 0; i < 10; ++i) {
    auto created = http.Post("/v1/changesets", auth, newHousehold(synccore::newUuid()).dump(), "application/json");
    REQUIRE(created);
    REQUIRE(created->status == 200);
  }
  http.set_decompress(false);  // the bytes as sent
  const auto pageAccepting = [&](const std::string& encodings) {
    httplib::Headers headers = auth;
    if (!encodings.empty()) headers.emplace("Accept-Encoding", encodings);
    auto res = http.Get("/v1/changes?after=0&limit=1000&format=2", headers);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return std::make_pair(res->get_header_value("Content-Encoding"), res->body);
  };
  const auto [plainEncoding, plain] = pageAccepting("");
  CHECK(plainEncoding.empty());
  REQUIRE(plain.size() > 1024);
  CHECK(Json::parse(plain)["has_more"] == false);
  const auto [zstdEncoding, frame] = pageAccepting("zstd, gzip");
  CHECK(zstdEncoding == "zstd");
  CHECK(frame.size() * 2 < plain.size());
  // The same page, but for the server's clock (a last page tells it).
  const auto withoutTime = [](const std::string& text) {
    Json page = Json::parse(text);
    CHECK(page.contains("server_time_ms"));
    page.erase("server_time_ms");
    return page;
  };
  CHECK(withoutTime(fixtures::zstdDecompress(frame)) == withoutTime(plain));
  CHECK(pageAccepting("gzip").first == "gzip");
  CHECK(pageAccepting("zstd;q=0, gzip").first == "gzip");
  httplib::Headers takesZstd = auth;
  takesZstd.emplace("Accept-Encoding", "zstd");
  // A large refusal goes compressed too, its status and body intact (the server's error handler
  // leaves an answer it already has alone).
  Json changeset = newHousehold(synccore::newUuid());
  for (int i = 0; i < 30; ++i) changeset["changes"].push_back(validChange(synccore::newUuid(), "phone", "not a phone"));
  auto refused = http.Post("/v1/changesets", takesZstd, changeset.dump(), "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 422);
  CHECK(refused->get_header_value("Content-Encoding") == "zstd");
  const Json refusal = Json::parse(fixtures::zstdDecompress(refused->body));
  CHECK(refusal["code"] == "invalid_changes");
  CHECK(refusal["rejected"].size() == 30);
  // A small answer stays as it is.
  auto small = http.Get("/v1/changes?after=x", takesZstd);
  REQUIRE(small);
  CHECK(small->status == 400);
  CHECK_FALSE(small->has_header("Content-Encoding"));
}
