// An edit refused because its household is no longer in the worker's grids is not lost: the server passes
// it to the community as an out_of_scope conflict, which a supervisor of the household's grid takes or
// leaves; a write into a grid the worker never held is refused and changes nothing
// (docs/sync-protocol.md, "Errors"; docs/server-store.md, "Forwarded edits").
#include "conflict_service.h"
#include "wangs_tablet.h"

#include <catch2/catch.hpp>

using namespace synccore;
using syncserver::Role;

namespace {

/// Wang's tablet with the community around it: supervisor li (G01, G03), supervisor zhao (G02).
struct Community : WangsTablet {
  syncserver::ConflictService conflicts{state};

  Community() {
    state.accounts().addUser("li", Role::Supervisor, {"G01", "G03"}, "password-li");
    state.accounts().addUser("zhao", Role::Supervisor, {"G02"}, "password-zhao");
  }

  syncserver::Session as(const std::string& name) { return {*state.accounts().user(name), 0}; }

  /// Takes G01 from wang (he gets G02); his session follows.
  void takeG01() {
    state.accounts().setGrids("wang", {"G02"});
    wang = signIn();
  }

  /// Wang corrects the phone number offline; meanwhile the community gives G01 to someone else.
  void phoneEditedThenG01Taken() {
    REQUIRE(tablet.save({{"household", household, "", {{"phone", "13900000002"}}}}).ok());
    takeG01();
  }

  /// The open conflicts a supervisor sees.
  Json openConflicts(const std::string& supervisor, const std::string& kind = "out_of_scope") {
    const auto reply = conflicts.list(as(supervisor), {{"status", "open"}, {"kind", kind}});
    REQUIRE(reply.status == 200);
    return reply.body["conflicts"];
  }

  syncserver::Reply resolve(const std::string& supervisor, const std::string& id, Json body) {
    body["reason"] = "已电话核实";
    return conflicts.resolve(as(supervisor), id, body);
  }

  /// Every field of a record on the server.
  std::map<std::string, syncserver::FieldSide> serverFields(const std::string& uuid) {
    return state.records().fields(uuid);
  }

  /// Rows of the tables a refused push may write.
  std::vector<int64_t> rowCounts() {
    std::vector<int64_t> counts;
    for (const char* table : {"conflicts", "forwarded_changes", "audit_log", "records", "change_log"})
      counts.push_back(state.db().queryInteger(std::string("SELECT count(*) FROM ") + table));
    return counts;
  }
};

}  // namespace

TEST_CASE("an edit made before the worker's grid was taken goes to the grid's supervisor, who takes it",
          "[sync][forwarded]") {
  Community c;
  c.phoneEditedThenG01Taken();
  const auto [batch, reply] = c.pushNext(403);
  const Json refused = reply.body["rejected"];
  REQUIRE(refused.size() == 1);
  CHECK(refused[0]["code"] == "out_of_scope");
  CHECK(refused[0]["forwarded"] == true);
  CHECK(refused[0]["message_zh"].get<std::string>().find("已转交社区审核") != std::string::npos);
  CHECK_FALSE(refused[0].contains("current"));  // still nothing told of a household outside his grids
  const std::string conflictId = refused[0]["conflict_id"];

  // The tablet keeps the edit as a notice that says where it went.
  const RefusalOutcome outcome = c.tablet.rejectChanges(batch, refused);
  CHECK(outcome.moved == 1);
  CHECK(outcome.forwarded == 1);
  const auto notices = c.tablet.notices();
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].kind == "forwarded");
  CHECK(notices[0].conflictId == conflictId);
  CHECK(notices[0].value == "13900000002");

  // Li (G01) sees it with both sides; zhao (G02, wang's grid now) does not; a worker may not list conflicts.
  const Json open = c.openConflicts("li");
  REQUIRE(open.size() == 1);
  CHECK(open[0]["id"] == conflictId);
  CHECK(open[0]["grid"] == "G01");
  CHECK(open[0]["field"] == "phone");
  CHECK(open[0]["server"]["value"] == "13800000001");
  CHECK(open[0]["incoming"]["value"] == "13900000002");
  CHECK(open[0]["incoming"]["user"] == "wang");
  CHECK(open[0]["provisional_value"] == "13800000001");
  CHECK(c.openConflicts("zhao").empty());
  CHECK(c.conflicts.list(c.wang, {}).status == 403);
  CHECK(c.onServer("phone")->value == "13800000001");  // nothing applied until li decides
  // Recorded in the tamper-evident log, its head signed with the refusal.
  const auto verified = c.state.audit().verify();
  CHECK(verified.ok);
  CHECK(verified.problem == "");

  // Zhao may not decide it; li takes the edit: the server holds it, written by li.
  CHECK(c.resolve("zhao", conflictId, {{"take", "incoming"}}).status == 403);
  const auto taken = c.resolve("li", conflictId, {{"take", "incoming"}});
  INFO(taken.body.dump());
  REQUIRE(taken.status == 200);
  CHECK(taken.body["conflict"]["decision"]["take"] == "incoming");
  CHECK(c.onServer("phone")->value == "13900000002");
  CHECK(c.serverFields(c.household).at("phone").author == "li");
  CHECK(c.openConflicts("li").empty());
}

TEST_CASE("a forwarded edit left by the supervisor changes nothing; sent again it is not forwarded twice",
          "[sync][forwarded]") {
  Community c;
  c.phoneEditedThenG01Taken();
  // The tablet did not keep the first answer (killed, connection cut): the same changeset comes again.
  const auto [batch, first] = c.pushNext(403);
  const auto again = c.service.push(c.wang, batch.toChangeset(c.tablet.deviceId()).toJson());
  REQUIRE(again.status == 403);
  CHECK(again.body["rejected"][0]["conflict_id"] == first.body["rejected"][0]["conflict_id"]);
  REQUIRE(c.openConflicts("li").size() == 1);

  const std::string id = first.body["rejected"][0]["conflict_id"];
  const auto left = c.resolve("li", id, {{"take", "server"}});
  REQUIRE(left.status == 200);
  CHECK(left.body["conflict"]["decision"]["changes"].empty());
  CHECK(c.onServer("phone")->value == "13800000001");
  CHECK(c.resolve("li", id, {{"take", "incoming"}}).status == 409);  // decided once
}

TEST_CASE("a household moved to another grid: the worker's edit and new visit go to that grid's supervisor",
          "[sync][forwarded]") {
  Community c;
  // Wang records a visit and corrects the address offline; the community moves the household to G03.
  const SaveResult visit = c.tablet.save(
      {{"visit", "", c.household, {{"visit_date", "2026-11-20"}, {"kind", "revisit"}, {"notes", "户主在家"}}}});
  REQUIRE(visit.ok());
  REQUIRE(c.tablet.save({{"household", c.household, "", {{"address", "玉泉家园5号楼1单元102室"}}}}).ok());
  {
    synccore::Transaction tx(c.state.db());
    const auto record = *c.state.records().record(c.household);
    c.state.records().apply(record, "grid", {Json("G03"), c.state.tick().toString(), "li", "server", "move-1"});
    tx.commit();
  }
  const Json refused = c.pushRefused(403);
  REQUIRE(refused.size() >= 4);  // the visit's fields and the address
  for (const Json& r : refused) CHECK(r["forwarded"] == true);

  // Li covers G03: every one of them is in the inbox under G03.
  const Json open = c.openConflicts("li");
  REQUIRE(open.size() == refused.size());
  std::vector<std::string> visitConflicts;
  bool address = false;
  for (const Json& o : open) {
    CHECK(o["grid"] == "G03");
    if (o["record"] == visit.uuids.front()) visitConflicts.push_back(o["id"]);
    address = address || (o["record"] == c.household && o["field"] == "address");
  }
  CHECK(address);
  REQUIRE(visitConflicts.size() == refused.size() - 1);
  // Taking the visit's fields creates the visit under the household, with wang's values.
  CHECK_FALSE(c.state.records().record(visit.uuids.front()));
  for (const auto& id : visitConflicts) REQUIRE(c.resolve("li", id, {{"take", "incoming"}}).status == 200);
  const auto created = c.state.records().record(visit.uuids.front());
  REQUIRE(created);
  CHECK(created->type == "visit");
  CHECK(created->household == c.household);
  CHECK(created->grid == "G03");
  const auto fields = c.serverFields(visit.uuids.front());
  CHECK(fields.at("visit_date").value == "2026-11-20");
  CHECK(fields.at("kind").value == "revisit");
  CHECK(fields.at("notes").value == "户主在家");
}

TEST_CASE("a forwarded new visit is taken whole with one decision", "[sync][forwarded]") {
  Community c;
  const SaveResult visit = c.tablet.save(
      {{"visit", "", c.household, {{"visit_date", "2026-11-20"}, {"kind", "revisit"}, {"notes", "户主在家"}}}});
  REQUIRE(visit.ok());
  REQUIRE(c.tablet.save({{"household", c.household, "", {{"phone", "13900000002"}}}}).ok());
  c.takeG01();
  const Json refused = c.pushRefused(403);
  std::string chosen;
  for (const Json& o : c.openConflicts("li"))
    if (o["record"] == visit.uuids.front() && o["field"] == "notes") chosen = o["id"];
  REQUIRE_FALSE(chosen.empty());
  // Refused as a whole: a value is for one field; same_record is a flag.
  CHECK(c.resolve("li", chosen, {{"value", "x"}, {"same_record", true}}).status == 400);
  CHECK(c.resolve("li", chosen, {{"take", "incoming"}, {"same_record", "yes"}}).status == 400);
  CHECK(c.openConflicts("li").size() == refused.size());

  const auto taken = c.resolve("li", chosen, {{"take", "incoming"}, {"same_record", true}});
  INFO(taken.body.dump());
  REQUIRE(taken.status == 200);
  CHECK(taken.body["also_decided"].size() == refused.size() - 2);  // the visit's other fields
  const auto fields = c.serverFields(visit.uuids.front());
  CHECK(fields.at("visit_date").value == "2026-11-20");
  CHECK(fields.at("kind").value == "revisit");
  CHECK(fields.at("notes").value == "户主在家");
  // The phone number is another record's edit: still open, for its own decision.
  const Json left = c.openConflicts("li");
  REQUIRE(left.size() == 1);
  CHECK(left[0]["field"] == "phone");
}

TEST_CASE("same_record is only for edits passed to the community", "[sync][forwarded]") {
  Community c;
  // An ordinary review conflict: li and wang change the address from the same base.
  syncserver::Conflict conflict;
  conflict.kind = "concurrent_edit";
  conflict.status = "open";
  conflict.policy = "review";
  conflict.recordUuid = conflict.household = c.household;
  conflict.recordType = "household";
  conflict.grid = "G01";
  conflict.field = "address";
  conflict.serverSide = conflict.incomingSide = conflict.provisional = Json::object();
  synccore::Transaction tx(c.state.db());
  const std::string id = c.state.conflicts().add(conflict, "system").id;
  tx.commit();
  CHECK(c.resolve("li", id, {{"take", "server"}, {"same_record", true}}).status == 400);
}

TEST_CASE("a household created before the grid was taken: its members wait for the household's own record",
          "[sync][forwarded]") {
  Community c;
  const std::string newHousehold = synccore::newUuid(), member = synccore::newUuid();
  REQUIRE(c.tablet.save({{"household", newHousehold, "", fixtures::household("G01", "新户主"), false, true},
                         {"person", member, newHousehold, fixtures::person("新户主", "head"), false, true}})
              .ok());
  c.takeG01();
  const Json refused = c.pushRefused(403);
  REQUIRE_FALSE(refused.empty());
  for (const Json& r : refused) CHECK(r["forwarded"] == true);
  const Json open = c.openConflicts("li");
  REQUIRE(open.size() == refused.size());
  std::string memberName, headName;
  for (const Json& o : open) {
    if (o["record"] == member && o["field"] == "name") memberName = o["id"];
    if (o["record"] == newHousehold && o["field"] == "head_name") headName = o["id"];
  }
  REQUIRE_FALSE(memberName.empty());
  REQUIRE_FALSE(headName.empty());
  const auto early = c.resolve("li", memberName, {{"take", "incoming"}});
  CHECK(early.status == 409);
  CHECK(early.body["code"] == "needs_household");
  CHECK_FALSE(c.state.records().record(member));
  // The household's first taken field creates it in G01 with its grid set; then the member may follow.
  REQUIRE(c.resolve("li", headName, {{"take", "incoming"}}).status == 200);
  const auto household = c.state.records().record(newHousehold);
  REQUIRE(household);
  CHECK(household->grid == "G01");
  CHECK(c.serverFields(newHousehold).at("grid").value == "G01");
  CHECK(c.serverFields(newHousehold).at("head_name").value == "新户主");
  REQUIRE(c.resolve("li", memberName, {{"take", "incoming"}}).status == 200);
  CHECK(c.serverFields(member).at("name").value == "新户主");
}

TEST_CASE("a worker moving his household to a grid not his asks his own grid's supervisor, who may only move it within her grids", "[sync][forwarded]") {
  Community c;
  REQUIRE(c.tablet.save({{"household", c.household, "", {{"grid", "G02"}}}}).ok());
  const Json refused = c.pushRefused(403);
  REQUIRE(refused.size() == 1);
  REQUIRE(refused[0]["forwarded"] == true);
  const Json open = c.openConflicts("li");
  REQUIRE(open.size() == 1);
  CHECK(open[0]["grid"] == "G01");  // the household's grid: li decides, not zhao
  CHECK(c.openConflicts("zhao").empty());
  // Li does not cover G02: a decision cannot move the household out of her grids, as a push could not.
  const auto refusedMove = c.resolve("li", open[0]["id"], {{"take", "incoming"}});
  CHECK(refusedMove.status == 403);
  CHECK(refusedMove.body["code"] == "out_of_scope");
  CHECK(c.state.records().record(c.household)->grid == "G01");
  CHECK(c.openConflicts("li").size() == 1);
  // The community's head, who covers every grid, may.
  c.state.accounts().addUser("zhang", Role::Supervisor, {}, "password-zhang");
  REQUIRE(c.resolve("zhang", open[0]["id"], {{"take", "incoming"}}).status == 200);
  CHECK(c.state.records().record(c.household)->grid == "G02");
}

TEST_CASE("a forwarded edit of a household moved on since is for a supervisor covering its grid now",
          "[sync][forwarded]") {
  Community c;
  c.phoneEditedThenG01Taken();
  const Json refused = c.pushRefused(403);
  const std::string id = refused[0]["conflict_id"];
  {
    synccore::Transaction tx(c.state.db());
    const auto record = *c.state.records().record(c.household);
    c.state.records().apply(record, "grid", {Json("G02"), c.state.tick().toString(), "zhang", "server", "move-2"});
    tx.commit();
  }
  // Li still sees it (it arose in G01) but no longer covers the household: taking it is refused.
  const auto refusedTake = c.resolve("li", id, {{"take", "incoming"}});
  CHECK(refusedTake.status == 403);
  CHECK(refusedTake.body["code"] == "out_of_scope");
  CHECK(c.onServer("phone")->value == "13800000001");
  c.state.accounts().addUser("zhang", Role::Supervisor, {}, "password-zhang");
  REQUIRE(c.resolve("zhang", id, {{"take", "incoming"}}).status == 200);
  CHECK(c.onServer("phone")->value == "13900000002");
}

TEST_CASE("a forwarded delete is done only when the supervisor takes it", "[sync][forwarded]") {
  Community c;
  REQUIRE(c.tablet.save({{"household", c.household, "", {}, true}}).ok());
  c.takeG01();
  const Json refused = c.pushRefused(403);
  REQUIRE(refused.size() == 1);
  const std::string id = refused[0]["conflict_id"];
  CHECK_FALSE(c.state.records().record(c.household)->deleted);
  CHECK(c.resolve("li", id, {{"value", true}}).status == 400);  // taken or left, not a value
  REQUIRE(c.resolve("li", id, {{"take", "incoming"}}).status == 200);
  CHECK(c.state.records().record(c.household)->deleted);
}

TEST_CASE("a write into a grid the worker never held, or to a deleted household, is refused and changes nothing",
          "[sync][forwarded]") {
  Community c;
  SECTION("a new household in a grid no one ever gave him") {
    REQUIRE(c.tablet.save({{"household", "", "", fixtures::household("G04", "越界户")}}).ok());
  }
  SECTION("zhao's household of G02") {
    const std::string other = synccore::newUuid();
    synccore::Transaction tx(c.state.db());
    syncserver::RecordInfo info{other, "household", "", other, "G02", false, std::nullopt};
    c.state.records().createRecord(info);
    c.state.records().apply(info, "grid", {Json("G02"), c.state.tick().toString(), "zhao", "server", "g02-1"});
    tx.commit();
    REQUIRE(c.tablet.save({{"household", other, "", fixtures::household("G02", "越界户"), false, true}}).ok());
  }
  SECTION("his household, deleted on the server before G01 was taken from him") {
    REQUIRE(c.tablet.save({{"household", c.household, "", {{"phone", "13900000002"}}}}).ok());
    synccore::Transaction tx(c.state.db());
    const auto record = *c.state.records().record(c.household);
    c.state.records().apply(record, "_deleted", {Json(true), c.state.tick().toString(), "li", "server", "del-1"});
    tx.commit();
    c.takeG01();
  }
  const auto before = c.rowCounts();
  const Json refused = c.pushRefused(403);
  REQUIRE_FALSE(refused.empty());
  for (const Json& r : refused) {
    CHECK(r["code"] == "out_of_scope");
    CHECK_FALSE(r.contains("forwarded"));
  }
  CHECK(c.rowCounts() == before);
  for (const auto& n : c.tablet.notices()) CHECK(n.kind == "rejected");
}

TEST_CASE("a server file from before the grid history: its users have held their grids since time 0",
          "[sync][forwarded]") {
  TempDir dir;
  const std::string path = dir.file("server.db");
  {
    syncserver::ServerState state(path);
    state.accounts().addUser("wang", Role::Worker, {"G01", "G02"}, "password-wang");
    state.db().exec("DROP TABLE grid_tenures");  // as the file was before 2026-11-25
  }
  syncserver::ServerState state(path);
  const auto& tenures = state.accounts().tenures();
  for (const std::string grid : {"G01", "G02"}) CHECK(tenures.heldDuring("wang", grid, 0, 1, 1));
  CHECK_FALSE(tenures.heldDuring("wang", "G03", 0, syncserver::GridSpan::kOpen, 1));
  // Taken from him now: held until now, not after.
  state.accounts().setGrids("wang", {"G02"});
  const int64_t now = synccore::HybridClock::systemWallMs();
  CHECK(tenures.heldDuring("wang", "G01", 0, syncserver::GridSpan::kOpen, now));
  CHECK_FALSE(tenures.heldDuring("wang", "G01", now + 1000, syncserver::GridSpan::kOpen, now + 2000));
  CHECK(tenures.heldDuring("wang", "G02", now + 1000, syncserver::GridSpan::kOpen, now + 2000));
}
