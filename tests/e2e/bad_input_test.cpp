// Bad input against a real server: every refusal is a 4xx with {code, message} and changes nothing.
#include "harness.h"
#include "raw_http.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <zlib.h>

#include <synccore/random_id.h>
#include <synccore/sqlite.h>

#include <thread>

using namespace e2e;

namespace {

std::string gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

TEST_CASE("bad input is refused with a JSON error and changes nothing", "[e2e][bad-input]") {
  Community community;
  httplib::Client http("127.0.0.1", community.process().port());
  const std::string token = signIn(http, "wang");
  const httplib::Headers auth{{"Authorization", "Bearer " + token}};
  // One good household so there is something to protect.
  const std::string record = synccore::newUuid();
  auto good = http.Post("/v1/changesets", auth, newHousehold(record).dump(), "application/json");
  REQUIRE(good);
  REQUIRE(good->status == 200);
  auto before = rowCounts(community.dbPath());
  const auto post = [&](const std::string& body, const httplib::Headers& headers) {
    return http.Post("/v1/changesets", headers, body, "application/json");
  };

  SECTION("no token, a forged token") {
    expectRefusal(post(newHousehold(synccore::newUuid()).dump(), {}), 401, "unauthorized");
    expectRefusal(post(newHousehold(synccore::newUuid()).dump(), {{"Authorization", "Bearer " + std::string(64, 'a')}}),
                  401, "token_invalid");
  }
  SECTION("malformed, truncated and non-object JSON") {
    expectRefusal(post("{\"id\": ", auth), 400, "bad_json");
    const std::string full = newHousehold(synccore::newUuid()).dump();
    expectRefusal(post(full.substr(0, full.size() / 2), auth), 400, "bad_json");
    expectRefusal(post("[1,2,3]", auth), 400, "bad_request");
  }
  SECTION("wrong types and unknown members") {
    Json cs = newHousehold(synccore::newUuid());
    cs["id"] = 42;
    expectRefusal(post(cs.dump(), auth), 400, "bad_request");
    cs = newHousehold(synccore::newUuid());
    cs["changes"][0]["hlc"] = 7;
    expectRefusal(post(cs.dump(), auth), 400, "bad_request");
    cs = newHousehold(synccore::newUuid());
    cs["colour"] = "red";
    expectRefusal(post(cs.dump(), auth), 400, "bad_request");
    cs = newHousehold(synccore::newUuid());
    cs["changes"][0]["record"] = "not-a-uuid";
    expectRefusal(post(cs.dump(), auth), 400, "bad_request");
  }
  SECTION("unknown fields and record types, values the definition rejects") {
    for (auto [field, value] : std::vector<std::pair<std::string, Json>>{
             {"favourite_colour", "red"}, {"residence_status", "castle"}, {"floor_area", "big"}, {"income_wages", -5.0}}) {
      INFO(field);
      Json cs = newHousehold(synccore::newUuid());
      cs["changes"].push_back(validChange(cs["changes"][0]["record"], field, value));
      auto res = post(cs.dump(), auth);
      expectRefusal(res, 422, "invalid_changes");
      Json body = Json::parse(res->body);
      REQUIRE(body["rejected"].size() == 1);
      CHECK(body["rejected"][0]["change_id"] == cs["changes"].back()["change_id"]);
    }
    Json cs = newHousehold(synccore::newUuid());
    cs["changes"][1]["record_type"] = "spaceship";
    expectRefusal(post(cs.dump(), auth), 422, "invalid_changes");
    Json person = newHousehold(synccore::newUuid());
    person["changes"] = Json::array({validChange(synccore::newUuid(), "name", "张三")});
    person["changes"][0]["record_type"] = "person";
    person["changes"][0]["parent"] = record;
    person["changes"].push_back(person["changes"][0]);
    person["changes"][1]["change_id"] = synccore::newUuid();
    person["changes"][1]["field"] = "id_number";
    person["changes"][1]["value"] = "11010519491231002Y";
    expectRefusal(post(person.dump(), auth), 422, "invalid_changes");
  }
  SECTION("another grid's household") {
    expectRefusal(post(newHousehold(synccore::newUuid(), "G02").dump(), auth), 403, "out_of_scope");
    // Stamped in 1970 (validChange), before wang held G01: nothing of his to pass to the community (a move
    // of his own household stamped while he held it goes to his supervisor: test_forwarded_edits.cpp).
    Json move = newHousehold(record);
    move["changes"] = Json::array({validChange(record, "grid", "G02")});
    expectRefusal(post(move.dump(), auth), 403, "out_of_scope");
  }
  SECTION("oversized bodies, plain and as a gzip bomb") {
    expectRefusal(post(std::string(9 * 1024 * 1024, ' '), auth), 413, "body_too_large");
    httplib::Headers gz = auth;
    gz.emplace("Content-Encoding", "gzip");
    auto bomb = post(gzip(std::string(64 * 1024 * 1024, ' ')), gz);
    REQUIRE(bomb);
    CHECK(bomb->status >= 400);
    CHECK(bomb->status < 500);
  }
  SECTION("a replayed changeset id with altered content") {
    Json cs = newHousehold(synccore::newUuid());
    auto first = post(cs.dump(), auth);
    REQUIRE(first->status == 200);
    auto again = post(cs.dump(), auth);
    REQUIRE(again->status == 200);
    CHECK(Json::parse(again->body) == Json::parse(first->body));
    const auto afterFirst = rowCounts(community.dbPath());
    cs["changes"][1]["value"] = "别的地址";
    expectRefusal(post(cs.dump(), auth), 409, "changeset_mismatch");
    CHECK(rowCounts(community.dbPath()) == afterFirst);
    return;  // this section wrote the first push on purpose
  }
  SECTION("pull parameters, roles and resolve by a worker") {
    expectRefusal(http.Get("/v1/changes?after=abc", auth), 400, "bad_request");
    expectRefusal(http.Get("/v1/changes?after=0&limit=5000", auth), 400, "bad_request");
    const httplib::Headers auditor{{"Authorization", "Bearer " + signIn(http, "qian")}};
    expectRefusal(post(newHousehold(synccore::newUuid()).dump(), auditor), 403, "forbidden");
    expectRefusal(http.Post("/v1/conflicts/" + synccore::newUuid() + "/resolve", auth,
                            Json{{"take", "server"}, {"reason", "x"}}.dump(), "application/json"),
                  403, "forbidden");
    expectRefusal(http.Get("/v1/no-such-endpoint", auth), 404, "not_found");
  }
  SECTION("wrong password and unknown user look the same") {
    auto wrong = http.Post("/v1/session", Json{{"user", "wang"}, {"password", "nope"}}.dump(), "application/json");
    auto unknown = http.Post("/v1/session", Json{{"user", "nobody"}, {"password", "nope"}}.dump(), "application/json");
    expectRefusal(wrong, 401, "bad_credentials");
    expectRefusal(unknown, 401, "bad_credentials");
    CHECK(wrong->body == unknown->body);
  }
  SECTION("a revoked user's token dies at once") {
    REQUIRE(community.server({"user", "revoke", "--name", "wang"}).exitCode == 0);
    ++before.back();  // the revocation's own audit entry; the refused push must add nothing
    expectRefusal(post(newHousehold(synccore::newUuid()).dump(), auth), 401, "token_invalid");
  }
  CHECK(rowCounts(community.dbPath()) == before);
  auto health = http.Get("/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("an expired token is refused and the outbox is kept", "[e2e][bad-input]") {
  Community community({"--token-ttl-seconds", "1"});
  Device a = community.device("a", "wang");
  a.ok(householdArgs("G01", "过期"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  Json summary = a.sync();
  CHECK(summary["ok"] == false);
  CHECK(summary["error"] == "token_invalid");
  CHECK(summary["exit_code"] != 0);
  CHECK(Json::parse(a.ok({"outbox", "--json"})).size() == 5);
  a.ok({"login", "--server", community.process().url(), "--user", "wang"}, "password-wang\n");
  CHECK(a.sync()["ok"] == true);
  CHECK(Json::parse(a.ok({"outbox", "--json"})).empty());
}
