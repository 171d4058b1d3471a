// Administrators' changes against a real server: adding and revoking users, changing a user's grids or
// password and naming grids each leave an entry in the audit log (who, when, what; never a password),
// refused changes leave nothing, and the changes hold for the running server from the next request on.
#include "harness.h"
#include "raw_http.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace e2e;

namespace {

Json auditEntries(httplib::Client& http, const std::string& kind) {
  auto res = http.Get(("/v1/audit?kind=" + kind).c_str(),
                      httplib::Headers{{"Authorization", "Bearer " + signIn(http, "qian")}});
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  const Json answer = Json::parse(res->body);
  CHECK(answer["verification"]["ok"] == true);
  return answer["entries"];
}

httplib::Result getWith(httplib::Client& http, const std::string& token, const std::string& path) {
  return http.Get(path.c_str(), httplib::Headers{{"Authorization", "Bearer " + token}});
}

}  // namespace

TEST_CASE("administrators' changes are in the audit log and hold from the next request", "[e2e][admin]") {
  Community community;  // its users were added with `syncserver user add`
  httplib::Client http("127.0.0.1", community.process().port());

  const Json added = auditEntries(http, "user");
  REQUIRE(added.size() == 5);
  CHECK(added[0]["body"] == Json{{"action", "add"}, {"user", "wang"}, {"role", "worker"}, {"grids", {"G01"}}});
  CHECK(added[0]["actor"].get<std::string>().rfind("admin-cli:", 0) == 0);
  CHECK(added[4]["body"]["grids"] == Json::array());

  SECTION("a user's grids change: their open session sees the new grid, the log shows both") {
    const std::string token = signIn(http, "wang");
    const RunResult moved = community.server({"user", "grids", "--name", "wang", "--grid", "G02"});
    INFO(moved.err);
    REQUIRE(moved.exitCode == 0);
    CHECK(moved.out.find("G01 -> G02") != std::string::npos);
    auto grids = getWith(http, token, "/v1/grids");
    REQUIRE(grids);
    CHECK(Json::parse(grids->body)["grids"] == Json::array({Json{{"code", "G02"}, {"name", "G02"}}}));
    const Json entries = auditEntries(http, "user");
    REQUIRE(entries.size() == 6);
    CHECK(entries[5]["body"] == Json{{"action", "grids"}, {"user", "wang"}, {"from", {"G01"}}, {"to", {"G02"}}});
  }

  SECTION("a new password signs the user out everywhere; neither password reaches the log") {
    const std::string token = signIn(http, "wang");
    const RunResult reset = community.server({"user", "password", "--name", "wang"}, "new-secret-wang\n");
    INFO(reset.err);
    REQUIRE(reset.exitCode == 0);
    expectRefusal(getWith(http, token, "/v1/grids"), 401, "token_invalid");
    auto oldPassword = http.Post("/v1/session", Json{{"user", "wang"}, {"password", "password-wang"}}.dump(),
                                 "application/json");
    REQUIRE(oldPassword);
    CHECK(oldPassword->status == 401);
    auto newPassword = http.Post("/v1/session", Json{{"user", "wang"}, {"password", "new-secret-wang"}}.dump(),
                                 "application/json");
    REQUIRE(newPassword);
    CHECK(newPassword->status == 200);
    const Json entries = auditEntries(http, "user");
    REQUIRE(entries.size() == 6);
    CHECK(entries[5]["body"] == Json{{"action", "password"}, {"user", "wang"}, {"tokens_ended", 1}});
    const RunResult exported = community.server({"audit", "export", "--format", "json", "--out", community.file("a.json")});
    REQUIRE(exported.exitCode == 0);
    std::ifstream file(community.file("a.json"));
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    CHECK(text.find("\"password\"") != std::string::npos);  // the action is there...
    CHECK(text.find("new-secret-wang") == std::string::npos);  // ...the passwords are not
    CHECK(text.find("password-wang") == std::string::npos);
  }

  SECTION("a revoked user's session ends; a named and renamed grid shows both names") {
    const std::string token = signIn(http, "li");
    REQUIRE(community.server({"user", "revoke", "--name", "li"}).exitCode == 0);
    expectRefusal(getWith(http, token, "/v1/grids"), 401, "token_invalid");
    CHECK(auditEntries(http, "user")[5]["body"] == Json{{"action", "revoke"}, {"user", "li"}, {"tokens_ended", 1}});

    REQUIRE(community.server({"grid", "name", "--code", "G01", "--name", "一号楼网格"}).exitCode == 0);
    REQUIRE(community.server({"grid", "name", "--code", "G01", "--name", "一号楼东网格"}).exitCode == 0);
    const Json named = auditEntries(http, "grid");
    REQUIRE(named.size() == 2);
    CHECK(named[0]["body"] ==
          Json{{"action", "name"}, {"grid", "G01"}, {"name", "一号楼网格"}, {"previous_name", nullptr}});
    CHECK(named[1]["body"] ==
          Json{{"action", "name"}, {"grid", "G01"}, {"name", "一号楼东网格"}, {"previous_name", "一号楼网格"}});
  }

  SECTION("a refused change says why, changes nothing and logs nothing") {
    const auto [args, input, says] = GENERATE(table<std::vector<std::string>, std::string, std::string>({
        {{"user", "grids", "--name", "nobody", "--grid", "G01"}, "", "用户不存在"},
        {{"user", "grids", "--name", "wang", "--grid", "G 01"}, "", "网格编号格式不正确"},
        {{"user", "password", "--name", "wang"}, "short\n", "密码至少8位"},
        {{"user", "password", "--name", "nobody"}, "long-enough-password\n", "用户不存在"},
        {{"user", "revoke", "--name", "nobody"}, "", "用户不存在"},
        {{"user", "add", "--name", "wang", "--role", "worker"}, "password-other\n", "用户已存在"},
        {{"grid", "name", "--code", "G01", "--name", "  "}, "", "网格"},
    }));
    const RunResult refused = community.server(args, input);
    INFO(refused.err);
    CHECK(refused.exitCode == 1);
    CHECK(refused.err.find(says) != std::string::npos);
    CHECK(auditEntries(http, "user").size() == 5);
    CHECK(auditEntries(http, "grid").empty());
    const RunResult users = community.server({"user", "list", "--json"});
    REQUIRE(users.exitCode == 0);
    for (const Json& u : Json::parse(users.out))
      if (u["name"] == "wang") CHECK(u["grids"] == Json::array({"G01"}));
    signIn(http, "wang");  // the password is unchanged
  }

  const RunResult verified = community.server({"audit", "verify"});
  INFO(verified.out << verified.err);
  CHECK(verified.exitCode == 0);
}
