// The role matrix against a real server: every endpoint x every role (and no sign-in) is allowed
// or denied as intended, a denial is a JSON error, and a denied request changes nothing.
#include "harness.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <openssl/sha.h>

#include <synccore/random_id.h>
#include <synccore/sqlite.h>

#include <map>
#include <set>

using namespace e2e;

namespace {

/// SHA-256 of everything a request could change (tokens excluded: signing in is not a change).
std::string serverDigest(const std::string& db) {
  synccore::Database raw(db, synccore::Database::Mode::ReadOnly);
  std::string all;
  for (const char* table : {"records", "fields", "change_log", "person_ids", "conflicts", "reviews", "review_history",
                            "audit_log", "audit_head", "changesets", "applied_changes", "users"}) {
    auto st = raw.prepare(std::string("SELECT * FROM ") + table + " ORDER BY 1");
    while (st.step()) {
      for (int i = 0; i < st.columnCount(); ++i) all += (st.isNull(i) ? std::string("\x01") : st.text(i)) + '\x1f';
      all += '\x1e';
    }
    all += '\x1d';
  }
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(all.data()), all.size(), d);
  return std::string(reinterpret_cast<const char*>(d), sizeof d);
}

/// One request of the matrix.
struct Call {
  std::string name;
  bool post;
  std::function<std::string()> path;  // evaluated late: ids exist only after setup
  std::function<Json()> body;
  std::set<std::string> allowed;  // roles: worker, supervisor, auditor, admin
};

Json changesetFor(const std::string& household) {
  return Json{{"id", synccore::newUuid()},
              {"device", "matrix-device"},
              {"changes", Json::array({Json{{"change_id", synccore::newUuid()}, {"record_type", "household"},
                                            {"record", household}, {"parent", nullptr}, {"field", "remarks"},
                                            {"value", "matrix " + synccore::newUuid().substr(0, 8)},
                                            {"base_version", nullptr}, {"hlc", "000000000000001000-00000-matrix"}}})}};
}

}  // namespace

TEST_CASE("role matrix: every endpoint for every role", "[e2e][roles]") {
  Community community;
  REQUIRE(community.server({"user", "add", "--name", "root", "--role", "admin"}, "password-root\n").exitCode == 0);
  REQUIRE(community.server({"user", "add", "--name", "wu", "--role", "worker", "--grid", "G02"}, "password-wu\n").exitCode == 0);
  REQUIRE(community.server({"user", "add", "--name", "zhou", "--role", "supervisor", "--grid", "G02"},
                           "password-zhou\n").exitCode == 0);

  // Setup through devices: a G01 household with a review conflict and a duplicate person; a G02
  // household with a conflict of its own.
  Device a = community.device("a", "wang"), b = community.device("b", "li");
  Device z = community.device("z", "zhao"), w = community.device("w", "wu");
  const std::string hh = a.ok(householdArgs("G01", "马一"));
  const std::string id = idNumber("19800808", "051");
  a.ok({"member", "add", hh, "name=马一", "relation=head", "id_number=" + id});
  const std::string hh2 = b.ok(householdArgs("G01", "马二"));
  b.ok({"member", "add", hh2, "name=马一", "relation=head", "id_number=" + id});
  const std::string g2 = z.ok(householdArgs("G02", "赵一"));
  for (Device* d : {&a, &b, &z, &w}) REQUIRE(d->sync()["ok"] == true);
  a.ok({"household", "set", hh, "address=甲"});
  b.ok({"household", "set", hh, "address=乙"});
  z.ok({"household", "set", g2, "address=丙"});
  w.ok({"household", "set", g2, "address=丁"});
  for (Device* d : {&a, &b, &z, &w}) REQUIRE(d->sync()["ok"] == true);

  httplib::Client http("127.0.0.1", community.process().port());
  std::map<std::string, std::string> tokens;
  for (const auto& [role, user] : std::map<std::string, std::string>{
           {"worker", "wang"}, {"supervisor", "sun"}, {"auditor", "qian"}, {"admin", "root"},
           {"worker_g02", "zhao"}, {"supervisor_g02", "zhou"}}) {
    auto res = http.Post("/v1/session", Json{{"user", user}, {"password", "password-" + user}}.dump(),
                         "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    tokens[role] = Json::parse(res->body)["token"];
  }
  const auto send = [&](const Call& c, const std::string& role) {
    httplib::Headers headers;
    if (!role.empty()) headers.emplace("Authorization", "Bearer " + tokens[role]);
    return c.post ? http.Post(c.path().c_str(), headers, c.body().dump(), "application/json")
                  : http.Get(c.path().c_str(), headers);
  };
  const auto conflictId = [&](const std::string& kind, const std::string& grid) {
    auto res = http.Get(("/v1/conflicts?status=open&kind=" + kind + "&grid=" + grid).c_str(),
                        httplib::Headers{{"Authorization", "Bearer " + tokens["admin"]}});
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const Json list = Json::parse(res->body)["conflicts"];
    REQUIRE(list.size() == 1);
    return list[0]["id"].get<std::string>();
  };
  const std::string editConflict = conflictId("concurrent_edit", "G01");
  const std::string dupConflict = conflictId("duplicate_person", "G01");
  const std::string g2Conflict = conflictId("concurrent_edit", "G02");

  const std::set<std::string> writers{"worker", "supervisor"}, readers{"supervisor", "auditor", "admin"},
      everyone{"worker", "supervisor", "auditor", "admin"}, supervisor{"supervisor"}, worker{"worker"};
  const auto none = [] { return Json::object(); };
  // In order: the loop's steps need the previous step to have succeeded.
  const std::vector<Call> calls = {
      {"pull", false, [] { return std::string("/v1/changes?after=0"); }, none, writers},
      {"push", true, [] { return std::string("/v1/changesets"); }, [&] { return changesetFor(hh); }, writers},
      {"snapshot", false, [] { return std::string("/v1/snapshot"); }, none, writers},
      {"grids", false, [] { return std::string("/v1/grids"); }, none, everyone},
      {"conflicts", false, [] { return std::string("/v1/conflicts"); }, none, readers},
      {"history", false, [&] { return "/v1/conflicts/" + editConflict + "/history"; }, none, readers},
      {"reviews", false, [] { return std::string("/v1/reviews"); }, none, everyone},
      {"review", false, [&] { return "/v1/households/" + hh + "/review"; }, none, everyone},
      {"return", true, [&] { return "/v1/households/" + hh + "/return"; },
       [] { return Json{{"comments", Json::array({Json{{"field", "address"}, {"comment", "门牌号不对"}}})}}; },
       supervisor},
      {"resubmit", true, [&] { return "/v1/households/" + hh + "/resubmit"; }, none, worker},
      {"approve", true, [&] { return "/v1/households/" + hh + "/approve"; }, none, supervisor},
      {"resolve", true, [&] { return "/v1/conflicts/" + editConflict + "/resolve"; },
       [] { return Json{{"take", "remote"}, {"reason", "核实"}}; }, supervisor},
      {"merge", true, [&] { return "/v1/conflicts/" + dupConflict + "/merge"; },
       [] { return Json{{"keep", "local"}, {"reason", "同一人"}}; }, supervisor},
      {"workers", false, [] { return std::string("/v1/workers"); }, none, supervisor},
      {"assign", true, [] { return std::string("/v1/workers/li/grids"); }, [] { return Json{{"grids", {"G01"}}}; },
       supervisor},
      {"dashboard", false, [] { return std::string("/v1/dashboard"); }, none, {"supervisor", "admin"}},
      {"dashboard_csv", false, [] { return std::string("/v1/dashboard?format=csv"); }, none, {"supervisor", "admin"}},
      {"audit", false, [] { return std::string("/v1/audit"); }, none, readers},
      {"audit_verify", false, [] { return std::string("/v1/audit/verify"); }, none, readers},
      {"audit_export", false, [] { return std::string("/v1/audit/export?format=csv"); }, none, readers},
  };
  for (const auto& call : calls) {
    // Denied first (no sign-in, then each other role), the allowed roles last.
    std::vector<std::string> order{""};
    for (const auto& role : {"worker", "supervisor", "auditor", "admin"})
      if (!call.allowed.count(role)) order.push_back(role);
    for (const auto& role : call.allowed) order.push_back(role);
    for (const auto& role : order) {
      INFO(call.name << " as " << (role.empty() ? "nobody" : role));
      const std::string before = serverDigest(community.dbPath());
      auto res = send(call, role);
      REQUIRE(res);
      INFO(res->body);
      if (call.allowed.count(role)) {
        CHECK(res->status == 200);
        continue;
      }
      CHECK(res->status == (role.empty() ? 401 : 403));
      Json error = Json::parse(res->body, nullptr, false);
      REQUIRE(error.is_object());
      CHECK(error.value("code", "") == (role.empty() ? "unauthorized" : "forbidden"));
      CHECK_FALSE(error.value("message", "").empty());
      CHECK_FALSE(error.value("message_zh", "").empty());
      CHECK(serverDigest(community.dbPath()) == before);
    }
  }

  SECTION("supervisors act only in their community, workers only in their grids") {
    const std::vector<std::pair<std::string, Call>> outside = {
        {"supervisor", {"resolve G02", true, [&] { return "/v1/conflicts/" + g2Conflict + "/resolve"; },
                        [] { return Json{{"take", "local"}, {"reason", "越权"}}; }, {}}},
        {"supervisor", {"history G02", false, [&] { return "/v1/conflicts/" + g2Conflict + "/history"; }, none, {}}},
        {"supervisor", {"return G02", true, [&] { return "/v1/households/" + g2 + "/return"; },
                        [] { return Json{{"comments", Json::array({Json{{"field", "address"}, {"comment", "x"}}})}}; },
                        {}}},
        {"supervisor", {"conflicts grid=G02", false, [] { return std::string("/v1/conflicts?grid=G02"); }, none, {}}},
        {"supervisor", {"dashboard grid=G02", false, [] { return std::string("/v1/dashboard?grid=G02"); }, none, {}}},
        {"supervisor", {"audit grid=G02", false, [] { return std::string("/v1/audit?grid=G02"); }, none, {}}},
        {"supervisor", {"assign G02", true, [] { return std::string("/v1/workers/li/grids"); },
                        [] { return Json{{"grids", {"G01", "G02"}}}; }, {}}},
        {"supervisor_g02", {"return G01", true, [&] { return "/v1/households/" + hh + "/return"; },
                            [] { return Json{{"comments", Json::array({Json{{"field", "address"}, {"comment", "x"}}})}}; },
                            {}}},
        {"worker_g02", {"review G01", false, [&] { return "/v1/households/" + hh + "/review"; }, none, {}}},
        {"worker_g02", {"resubmit G01", true, [&] { return "/v1/households/" + hh + "/resubmit"; }, none, {}}},
    };
    for (const auto& [role, call] : outside) {
      INFO(call.name << " as " << role);
      const std::string before = serverDigest(community.dbPath());
      auto res = send(call, role);
      REQUIRE(res);
      INFO(res->body);
      CHECK(res->status == 403);
      CHECK(Json::parse(res->body).value("code", "") == "out_of_scope");
      CHECK(serverDigest(community.dbPath()) == before);
    }
    // Lists are cut to the caller's community: sun sees no G02 conflict, zhou no G01 one.
    for (const auto& [role, grid] : {std::pair{"supervisor", "G01"}, {"supervisor_g02", "G02"}}) {
      auto res = http.Get("/v1/conflicts", httplib::Headers{{"Authorization", "Bearer " + tokens[role]}});
      REQUIRE(res);
      for (const auto& c : Json::parse(res->body)["conflicts"]) CHECK(c["grid"] == grid);
      auto audit = http.Get("/v1/audit?kind=conflict", httplib::Headers{{"Authorization", "Bearer " + tokens[role]}});
      REQUIRE(audit);
      for (const auto& e : Json::parse(audit->body)["entries"]) CHECK(e["body"]["grid"] == grid);
    }
    // zhao's device pulls no G01 review state.
    auto reviews = http.Get("/v1/reviews", httplib::Headers{{"Authorization", "Bearer " + tokens["worker_g02"]}});
    REQUIRE(reviews);
    CHECK(Json::parse(reviews->body)["reviews"].empty());
  }

  SECTION("a revoked or unknown token is refused and changes nothing") {
    const std::string before = serverDigest(community.dbPath());
    auto res = http.Post(("/v1/conflicts/" + g2Conflict + "/resolve").c_str(),
                         httplib::Headers{{"Authorization", "Bearer " + std::string(64, 'a')}},
                         Json{{"take", "local"}, {"reason", "x"}}.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(Json::parse(res->body)["code"] == "token_invalid");
    CHECK(serverDigest(community.dbPath()) == before);
  }
  CHECK(community.server({"audit", "verify"}).exitCode == 0);
}

TEST_CASE("bad input to the review endpoints is a 4xx JSON error and changes nothing", "[e2e][roles][bad-input]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li");
  const std::string hh = a.ok(householdArgs("G01", "马一"));
  REQUIRE(a.sync()["ok"] == true);
  REQUIRE(b.sync()["ok"] == true);
  a.ok({"household", "set", hh, "address=甲"});
  b.ok({"household", "set", hh, "address=乙"});
  REQUIRE(a.sync()["ok"] == true);
  REQUIRE(b.sync()["ok"] == true);

  httplib::Client http("127.0.0.1", community.process().port());
  auto login = http.Post("/v1/session", Json{{"user", "sun"}, {"password", "password-sun"}}.dump(), "application/json");
  REQUIRE(login);
  const httplib::Headers auth{{"Authorization", "Bearer " + Json::parse(login->body)["token"].get<std::string>()}};
  auto list = http.Get("/v1/conflicts?status=open", auth);
  REQUIRE(list);
  const std::string conflict = Json::parse(list->body)["conflicts"].at(0)["id"];
  const std::string missing = "00000000-0000-0000-0000-000000000000";
  const auto comments = [](Json c) { return Json{{"comments", c}}; };

  const std::vector<std::tuple<std::string, std::string, std::string, int, std::string>> cases = {
      // method, path, body, status, code
      {"GET", "/v1/conflicts?colour=red", "", 400, "unknown_field"},
      {"GET", "/v1/conflicts?status=maybe", "", 400, "bad_request"},
      {"GET", "/v1/conflicts?kind=feud", "", 400, "bad_request"},
      {"GET", "/v1/conflicts?older_than_days=abc", "", 400, "bad_request"},
      {"GET", "/v1/conflicts?older_than_days=-1", "", 400, "bad_request"},
      {"GET", "/v1/conflicts/" + missing + "/history", "", 404, "not_found"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"({"take": "bogus", "reason": "x"})", 400, "bad_request"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"({"take": "local"})", 400, "reason_required"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"({"take": "local", "value": 1, "reason": "x"})", 400,
       "bad_request"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"({"take": "restore", "reason": "x"})", 400, "bad_request"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"({"value": {"a": 1}, "reason": "x"})", 422, "invalid_value"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"({"take": "local", "reason": "x", "extra": 1})", 400,
       "unknown_field"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"([1, 2])", 400, "bad_request"},
      {"POST", "/v1/conflicts/" + conflict + "/resolve", R"({"take": "loc)", 400, "bad_json"},
      {"POST", "/v1/conflicts/" + missing + "/resolve", R"({"take": "local", "reason": "x"})", 404, "not_found"},
      {"POST", "/v1/conflicts/" + conflict + "/merge", R"({"keep": "local", "reason": "x"})", 422, "not_duplicate"},
      {"POST", "/v1/conflicts/" + conflict + "/merge", R"({"keep": 5, "reason": "x"})", 400, "bad_request"},
      {"POST", "/v1/households/" + hh + "/return", comments(Json::array()).dump(), 400, "comments_required"},
      {"POST", "/v1/households/" + hh + "/return", comments("address").dump(), 400, "comments_required"},
      {"POST", "/v1/households/" + hh + "/return",
       comments(Json::array({Json{{"field", "nope"}, {"comment", "x"}}})).dump(), 400, "unknown_field"},
      {"POST", "/v1/households/" + hh + "/return",
       comments(Json::array({Json{{"field", "address"}, {"comment", ""}}})).dump(), 400, "reason_required"},
      {"POST", "/v1/households/" + hh + "/return",
       comments(Json::array({Json{{"field", "address"}, {"comment", "x"}, {"record", missing}}})).dump(), 400,
       "bad_request"},
      {"POST", "/v1/households/" + hh + "/return",
       comments(Json::array({Json{{"field", "address"}, {"comment", "x"}, {"record", 7}}})).dump(), 400,
       "bad_request"},
      {"POST", "/v1/households/" + missing + "/return",
       comments(Json::array({Json{{"field", "address"}, {"comment", "x"}}})).dump(), 404, "not_found"},
      {"POST", "/v1/households/" + hh + "/approve", "{}", 409, "not_resubmitted"},
      {"POST", "/v1/households/" + hh + "/approve", R"({"note": 3})", 400, "reason_required"},
      {"GET", "/v1/reviews?after=x", "", 400, "bad_request"},
      {"GET", "/v1/reviews?state=lost", "", 400, "bad_request"},
      {"GET", "/v1/dashboard?date=2026-13-01", "", 400, "bad_request"},
      {"GET", "/v1/dashboard?format=pdf", "", 400, "bad_request"},
      {"GET", "/v1/audit?limit=ten", "", 400, "bad_request"},
      {"GET", "/v1/audit?colour=red", "", 400, "unknown_field"},
      {"GET", "/v1/audit/export?format=xml", "", 400, "bad_request"},
  };
  for (const auto& [method, path, body, status, code] : cases) {
    INFO(method << " " << path << " " << body);
    const std::string before = serverDigest(community.dbPath());
    auto res = method == "GET" ? http.Get(path.c_str(), auth) : http.Post(path.c_str(), auth, body, "application/json");
    REQUIRE(res);
    INFO(res->body);
    CHECK(res->status == status);
    Json error = Json::parse(res->body, nullptr, false);
    REQUIRE(error.is_object());
    CHECK(error.value("code", "") == code);
    CHECK_FALSE(error.value("message_zh", "").empty());
    CHECK(serverDigest(community.dbPath()) == before);
  }
  // The server is still answering.
  auto health = http.Get("/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}
