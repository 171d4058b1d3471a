// A tablet holds the households of its user's grids as those change, against a real server: a grid
// given brings its households' whole files (written before the tablet's cursor), a grid taken away
// takes its households off the tablet once nothing of them waits, and a tablet handed to another
// worker keeps only that worker's grids.
#include "harness.h"
#include "raw_http.h"

#include <catch2/catch.hpp>

using namespace e2e;

namespace {

void assignGrids(httplib::Client& http, const std::string& token, const std::string& worker, const Json& grids) {
  auto res = http.Post(("/v1/workers/" + worker + "/grids").c_str(), httplib::Headers{{"Authorization", "Bearer " + token}},
                       Json{{"grids", grids}}.dump(), "application/json");
  REQUIRE(answerOf(res)["grids"] == grids);
}

/// The records of a snapshot whose household (itself, or its parent) is one of `households`.
Json recordsOf(const Json& snapshot, const std::vector<std::string>& households, const Json& parents) {
  Json out = Json::object();
  for (const auto& [uuid, record] : snapshot.items()) {
    const std::string household = parents.contains(uuid) ? parents[uuid].get<std::string>() : uuid;
    if (std::find(households.begin(), households.end(), household) != households.end()) out[uuid] = record;
  }
  return out;
}

}  // namespace

TEST_CASE("a tablet holds exactly the households of its user's grids as they change", "[e2e][scope]") {
  Community community;  // wang, li: workers of G01; zhao: worker of G02
  REQUIRE(community.server({"user", "add", "--name", "zhou", "--role", "supervisor"}, "password-zhou\n").exitCode == 0);
  Device wang = community.device("wang", "wang"), zhao = community.device("zhao", "zhao");
  Device zhou = community.device("zhou", "zhou");  // sees every grid: the server's state
  const std::string h1 = wang.ok(householdArgs("G01", "王一"));
  const std::string p1 = wang.ok({"member", "add", h1, "name=王一", "relation=head", "id_number=" + idNumber("19700101", "011")});
  const std::string h2 = zhao.ok(householdArgs("G02", "赵二"));
  const std::string p2 = zhao.ok({"member", "add", h2, "name=赵二", "relation=head", "id_number=" + idNumber("19750505", "021")});
  zhao.ok({"household", "set", h2, "address=玉泉家园8号楼"});
  REQUIRE(wang.sync()["ok"] == true);
  REQUIRE(zhao.sync()["ok"] == true);
  zhou.ok({"return", h2, "--comment", "address=门牌号与实际不符"});
  // Both tablets are up to date: wang's cursors are past every change of G02's household.
  REQUIRE(wang.sync()["ok"] == true);
  REQUIRE_FALSE(wang.snapshot().contains(h2));
  const Json parents{{p1, h1}, {p2, h2}};

  httplib::Client http("127.0.0.1", community.process().port());
  const std::string supervisor = signIn(http, "zhou");

  // Given G02, wang's next sync brings its household whole, member and review state included.
  assignGrids(http, supervisor, "wang", {"G01", "G02"});
  const Json gained = wang.sync();
  REQUIRE(gained["ok"] == true);
  CHECK(gained["removed"] == 0);
  REQUIRE(zhou.sync()["ok"] == true);
  Json server = zhou.snapshot();
  CHECK(wang.snapshot() == recordsOf(server, {h1, h2}, parents));
  CHECK(wang.snapshot()[h2]["fields"]["address"] == "玉泉家园8号楼");
  const Json reviews = Json::parse(wang.ok({"reviews", "--json"}));
  REQUIRE(reviews.size() == 1);
  CHECK(reviews[0]["household"] == h2);
  CHECK(reviews[0]["state"] == "returned");
  // Once caught up, a sync fetches nothing again.
  const Json again = wang.sync();
  CHECK(again["pulled"] == 0);
  CHECK(wang.snapshot() == recordsOf(server, {h1, h2}, parents));

  // G01 taken away while an edit of its household waits on the tablet: a sign-in keeps that household
  // (its edit is not sent yet); the next sync has the edit refused and passed to the community as an
  // out_of_scope conflict, and keeps it as a notice saying so, shown on the household's page, so the
  // household stays until the worker has read it; the sync after that takes it off the tablet.
  wang.ok({"household", "set", h1, "address=玉泉家园1号楼"});
  assignGrids(http, supervisor, "wang", {"G02"});
  wang.ok({"login", "--server", community.process().url(), "--user", "wang"}, "password-wang\n");
  CHECK(wang.snapshot().contains(h1));
  const Json refused = wang.sync();
  REQUIRE(refused["ok"] == true);
  CHECK(refused["rejected"] == 1);
  CHECK(refused["removed"] == 0);
  CHECK(wang.snapshot().contains(h1));
  const Json notices = Json::parse(wang.ok({"notices", "--json"}));
  REQUIRE(notices.size() == 1);
  CHECK(notices[0]["record"] == h1);
  CHECK(notices[0]["code"] == "out_of_scope");
  CHECK(notices[0]["kind"] == "forwarded");
  CHECK(notices[0]["value"] == "玉泉家园1号楼");
  CHECK(refused["forwarded"] == 1);
  // The supervisor finds the edit in the inbox and takes it: the address is the server's, written by zhou.
  const Json forwarded = Json::parse(zhou.ok({"conflicts", "--status", "open", "--kind", "out_of_scope", "--json"}));
  REQUIRE(forwarded.size() == 1);
  CHECK(forwarded[0]["id"] == notices[0]["conflict_id"]);
  CHECK(forwarded[0]["record"] == h1);
  CHECK(forwarded[0]["incoming"]["value"] == "玉泉家园1号楼");
  CHECK(forwarded[0]["incoming"]["user"] == "wang");
  const Json decided = Json::parse(zhou.ok({"resolve", forwarded[0]["id"], "--take", "incoming", "--reason",
                                           "王某移交前已核实", "--same-record", "--json"}));
  CHECK(decided["also_decided"] == Json::array());  // the address was the only edit of that record
  REQUIRE(zhou.sync()["ok"] == true);
  server = zhou.snapshot();
  CHECK(server[h1]["fields"]["address"] == "玉泉家园1号楼");
  CHECK(wang.ctl({"notices", "--dismiss", "999999"}).exitCode == 1);
  // An unknown id among known ones dismisses nothing.
  CHECK(wang.ctl({"notices", "--dismiss", std::to_string(notices[0]["id"].get<int64_t>()), "--dismiss", "999999"})
            .exitCode == 1);
  CHECK(Json::parse(wang.ok({"notices", "--json"})) == notices);
  CHECK(Json::parse(wang.ok({"notices", "--dismiss", std::to_string(notices[0]["id"].get<int64_t>()), "--json"})) ==
        Json::array());
  const Json lost = wang.sync();
  REQUIRE(lost["ok"] == true);
  CHECK(lost["removed"] == 1);
  CHECK(wang.snapshot() == recordsOf(server, {h2}, parents));

  // Nothing of wang's may pass to li: while an edit of wang's waits, li cannot sign in on this tablet.
  wang.ok({"household", "set", h2, "remarks=待复核"});
  const RunResult blocked =
      wang.ctl({"login", "--server", community.process().url(), "--user", "li"}, "password-li\n");
  CHECK(blocked.exitCode != 0);
  CHECK(blocked.err.find("本机还有 1 条 wang 的修改未同步,请先由 wang 登录并同步") != std::string::npos);
  CHECK(Json::parse(wang.ok({"outbox", "--json"})).size() == 1);
  REQUIRE(wang.sync()["ok"] == true);  // still wang's tablet: the edit goes as wang's

  // The tablet handed to li (G01): signing in takes G02's household off at once; the sync brings G01's
  // households, although the tablet's cursors are past them.
  const Json handover = Json::parse(wang.ok({"login", "--server", community.process().url(), "--user", "li", "--json"},
                                            "password-li\n"));
  CHECK(handover["removed"] == 1);
  CHECK(wang.snapshot() == Json::object());
  REQUIRE(wang.sync()["ok"] == true);
  Device fresh = community.device("li", "li");
  REQUIRE(fresh.sync()["ok"] == true);
  CHECK(wang.snapshot() == recordsOf(server, {h1}, parents));
  CHECK(wang.snapshot() == fresh.snapshot());
}
