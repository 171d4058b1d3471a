// Supervisors assign the grids of their community to grid workers against a real server: the list of
// workers, a change that holds from the worker's next request, an audit entry naming the supervisor,
// other communities' grids left alone, and refusals that change nothing.
#include "harness.h"
#include "raw_http.h"

#include <catch2/catch.hpp>

#include <synccore/sqlite.h>

using namespace e2e;

namespace {

httplib::Result getAs(httplib::Client& http, const std::string& token, const std::string& path) {
  return http.Get(path.c_str(), httplib::Headers{{"Authorization", "Bearer " + token}});
}

httplib::Result assignAs(httplib::Client& http, const std::string& token, const std::string& worker, const Json& body) {
  return http.Post(("/v1/workers/" + worker + "/grids").c_str(), httplib::Headers{{"Authorization", "Bearer " + token}},
                   body.dump(), "application/json");
}

/// Users and audit entries as stored: what an assignment may change.
std::string accountsAndLog(const std::string& db) {
  synccore::Database raw(db, synccore::Database::Mode::ReadOnly);
  std::string all;
  for (const char* sql : {"SELECT name, role, grids, revoked FROM users ORDER BY name", "SELECT seq, kind, body FROM audit_log"}) {
    auto st = raw.prepare(sql);
    while (st.step())
      for (int i = 0; i < st.columnCount(); ++i) all += st.text(i) + '\x1f';
  }
  return all;
}

/// The workers of GET /v1/workers by name.
std::map<std::string, Json> workersByName(const Json& answer) {
  std::map<std::string, Json> out;
  for (const Json& w : answer["workers"]) out[w["name"]] = w;
  return out;
}

}  // namespace

TEST_CASE("supervisors assign their community's grids to workers", "[e2e][assign]") {
  Community community;  // wang, li: workers of G01; zhao: worker of G02; sun: supervisor of G01
  REQUIRE(community.server({"grid", "name", "--code", "G01", "--name", "玉泉一区"}).exitCode == 0);
  REQUIRE(community.server({"user", "add", "--name", "ma", "--role", "worker", "--grid", "G01", "--grid", "G02"},
                           "password-ma\n").exitCode == 0);
  REQUIRE(community.server({"user", "add", "--name", "new1", "--role", "worker"}, "password-new1\n").exitCode == 0);
  REQUIRE(community.server({"user", "add", "--name", "zhou", "--role", "supervisor", "--grid", "G02"},
                           "password-zhou\n").exitCode == 0);
  Device wang = community.device("a", "wang");
  wang.ok(householdArgs("G01", "马一"));
  REQUIRE(wang.sync()["ok"] == true);
  httplib::Client http("127.0.0.1", community.process().port());
  const std::string sun = signIn(http, "sun"), zhou = signIn(http, "zhou");

  // sun's list: the workers of G01 and the one without grids, each with only G01's part.
  auto listed = getAs(http, sun, "/v1/workers");
  REQUIRE(listed);
  INFO(listed->body);
  REQUIRE(listed->status == 200);
  auto workers = workersByName(Json::parse(listed->body));
  CHECK(workers.size() == 4);
  CHECK(workers.count("zhao") == 0);
  CHECK(workers["wang"]["grids"] == Json::array({"G01"}));
  CHECK(workers["ma"]["grids"] == Json::array({"G01"}));
  CHECK(workers["ma"]["other_grids"] == 1);
  CHECK(workers["new1"]["grids"] == Json::array());
  CHECK(Json::parse(listed->body)["grids"] == Json::array({Json{{"code", "G01"}, {"name", "玉泉一区"}}}));

  SECTION("a worker's grid is taken away: from their next request they pull none of it; the log names sun") {
    const std::string token = signIn(http, "wang");
    auto before = getAs(http, token, "/v1/changes?after=0");
    REQUIRE(before);
    CHECK_FALSE(Json::parse(before->body)["changes"].empty());
    auto res = assignAs(http, sun, "wang", Json{{"grids", Json::array()}});
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    CHECK(Json::parse(res->body)["changed"] == true);
    auto after = getAs(http, token, "/v1/changes?after=0");
    REQUIRE(after);
    const Json page = Json::parse(after->body);
    CHECK(page["changes"].empty());
    CHECK(page["grids"] == Json::array());
    auto log = getAs(http, signIn(http, "qian"), "/v1/audit?kind=user");
    REQUIRE(log);
    const Json entries = Json::parse(log->body)["entries"];
    REQUIRE_FALSE(entries.empty());
    CHECK(entries.back()["actor"] == "sun");
    CHECK(entries.back()["body"] == Json{{"action", "grids"}, {"user", "wang"}, {"from", {"G01"}}, {"to", Json::array()}});
    // Given back to the new worker as well: both appear with G01 in the next list.
    REQUIRE(assignAs(http, sun, "new1", Json{{"grids", {"G01"}}})->status == 200);
    workers = workersByName(Json::parse(getAs(http, sun, "/v1/workers")->body));
    CHECK(workers["new1"]["grids"] == Json::array({"G01"}));
    CHECK(workers["wang"]["grids"] == Json::array());
  }

  SECTION("a worker of two communities keeps the other's grid") {
    auto res = assignAs(http, zhou, "ma", Json{{"grids", Json::array()}});
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    CHECK(Json::parse(res->body)["other_grids"] == 1);
    workers = workersByName(Json::parse(getAs(http, sun, "/v1/workers")->body));
    CHECK(workers["ma"]["grids"] == Json::array({"G01"}));
    CHECK(workers["ma"]["other_grids"] == 0);
  }

  SECTION("the same grids again (in any order, repeated) change nothing and log nothing") {
    const std::string before = accountsAndLog(community.dbPath());
    for (const Json& grids : {Json{"G01"}, Json{"G01", "G01"}}) {
      auto res = assignAs(http, sun, "wang", Json{{"grids", grids}});
      REQUIRE(res);
      REQUIRE(res->status == 200);
      CHECK(Json::parse(res->body)["changed"] == false);
    }
    // ma holds G01 and G02: zhou giving G02 again leaves her list as it was.
    auto res = assignAs(http, zhou, "ma", Json{{"grids", {"G02"}}});
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(Json::parse(res->body)["changed"] == false);
    CHECK(accountsAndLog(community.dbPath()) == before);
  }

  SECTION("refusals change nothing") {
    const std::string wangToken = signIn(http, "wang");
    const std::string before = accountsAndLog(community.dbPath());
    struct Refusal {
      std::string token, worker;
      Json body;
      int status;
      std::string code;
    };
    const std::vector<Refusal> refusals = {
        {sun, "wang", Json{{"grids", {"G02"}}}, 403, "out_of_scope"},          // not sun's grid
        {sun, "wang", Json{{"grids", {"G01", "G 1"}}}, 400, "bad_request"},    // not a grid code
        {sun, "wang", Json{{"grids", "G01"}}, 400, "bad_request"},             // not a list
        {sun, "wang", Json{{"grids", {1}}}, 400, "bad_request"},               // not text
        {sun, "wang", Json::array({"G01"}), 400, "bad_request"},               // not an object
        {sun, "wang", Json{{"grids", {"G01"}}, {"role", "supervisor"}}, 400, "unknown_field"},
        {sun, "nobody", Json{{"grids", {"G01"}}}, 404, "not_found"},           // no such user
        {sun, "zhou", Json{{"grids", {"G01"}}}, 404, "not_found"},             // a supervisor, not a worker
        {sun, "zhao", Json{{"grids", {"G01"}}}, 404, "not_found"},             // another community's worker
        {zhou, "wang", Json{{"grids", {"G02"}}}, 404, "not_found"},            // likewise, the other way
        {wangToken, "li", Json{{"grids", {"G01"}}}, 403, "forbidden"},        // workers assign nothing
    };
    for (const auto& r : refusals) {
      INFO(r.worker << " " << r.body.dump());
      expectRefusal(assignAs(http, r.token, r.worker, r.body), r.status, r.code);
      CHECK(accountsAndLog(community.dbPath()) == before);
    }
    expectRefusal(getAs(http, wangToken, "/v1/workers"), 403, "forbidden");
    auto malformed = http.Post("/v1/workers/wang/grids", httplib::Headers{{"Authorization", "Bearer " + sun}},
                               "{\"grids\": [", "application/json");
    expectRefusal(malformed, 400, "bad_json");
    CHECK(accountsAndLog(community.dbPath()) == before);
  }
}
