// Grid names against a real server: an administrator names grids with `syncserver grid name`, bad
// names are refused and change nothing, each user is told the names of the grids they see (at sign-in,
// GET /v1/grids, the dashboard), and a rename reaches a worker's device with its next sync.
#include "harness.h"
#include "raw_http.h"

#include <catch2/catch.hpp>

using namespace e2e;

namespace {

Json getJson(httplib::Client& http, const std::string& token, const std::string& path) {
  auto res = http.Get(path.c_str(), httplib::Headers{{"Authorization", "Bearer " + token}});
  REQUIRE(res);
  INFO(path << " " << res->body);
  REQUIRE(res->status == 200);
  return Json::parse(res->body);
}

}  // namespace

TEST_CASE("grid names: set by an administrator, shown to whoever sees the grid", "[e2e][grids]") {
  Community community;
  const std::string g01 = "玉泉家园一区1号楼网格";
  REQUIRE(community.server({"grid", "name", "--code", "G01", "--name", g01}).exitCode == 0);

  SECTION("a bad code or name is refused with a message and changes nothing") {
    std::string longName;
    for (int i = 0; i < 41; ++i) longName += "网";
    const auto [code, name] = GENERATE_COPY(table<std::string, std::string>({
        {"G 01", "一网格"},    // not a grid code
        {"G01", "   "},        // empty once trimmed
        {"G01", longName},     // 41 characters
        {"G01", "一\n网格"},  // a control character
        {"G01", "\xff\xfe"},  // not UTF-8
    }));
    const RunResult refused = community.server({"grid", "name", "--code", code, "--name", name});
    INFO(refused.err);
    CHECK(refused.exitCode == 1);
    CHECK(refused.out.empty());  // nothing claims the grid was named
    CHECK(refused.err.find("网格") != std::string::npos);
    const RunResult list = community.server({"grid", "list", "--json"});
    REQUIRE(list.exitCode == 0);
    CHECK(Json::parse(list.out) == Json{{"G01", g01}});
  }

  SECTION("each user gets the names of their grids; a rename reaches the device with its next sync") {
    REQUIRE(community.server({"user", "add", "--name", "root", "--role", "admin"}, "password-root\n").exitCode == 0);
    Device wang = community.device("wang", "wang");
    CHECK(Json::parse(wang.ok({"grids", "--json"})) == Json{{"G01", g01}});

    httplib::Client http("127.0.0.1", community.process().port());
    // zhao's grid G02 has no name: it is shown by its code.
    CHECK(getJson(http, signIn(http, "zhao"), "/v1/grids") ==
          Json{{"grids", Json::array({Json{{"code", "G02"}, {"name", "G02"}}})}});
    // An administrator sees every named grid; the supervisor's dashboard rows carry the name.
    CHECK(getJson(http, signIn(http, "root"), "/v1/grids") ==
          Json{{"grids", Json::array({Json{{"code", "G01"}, {"name", g01}}})}});
    const Json dashboard = getJson(http, signIn(http, "sun"), "/v1/dashboard");
    REQUIRE(dashboard["grids"].size() == 1);
    CHECK(dashboard["grids"][0]["grid"] == "G01");
    CHECK(dashboard["grids"][0]["grid_name"] == g01);
    auto csv = http.Get("/v1/dashboard?format=csv", httplib::Headers{{"Authorization", "Bearer " + signIn(http, "sun")}});
    REQUIRE(csv);
    CHECK(csv->body.find("网格名称 grid_name") != std::string::npos);
    CHECK(csv->body.find(g01) != std::string::npos);
    auto anonymous = http.Get("/v1/grids");
    expectRefusal(anonymous, 401, "unauthorized");

    const std::string renamed = "玉泉家园一区一号楼网格";
    REQUIRE(community.server({"grid", "name", "--code", "G01", "--name", "  " + renamed + " "}).exitCode == 0);
    REQUIRE(wang.sync()["ok"] == true);
    CHECK(Json::parse(wang.ok({"grids", "--json"})) == Json{{"G01", renamed}});
  }
}
