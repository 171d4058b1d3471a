// The grids a signed-in user sees on the device: the scope rule, households outside it leaving the
// tablet once nothing of them waits, and a full pull when the user sees more.
#include "fixtures.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

using namespace synccore;

TEST_CASE("a scope follows the server's rule for each role", "[scope]") {
  const GridScope worker = GridScope::forRole("worker", {"G02", "G01", "G02"});
  CHECK_FALSE(worker.allGrids);
  CHECK(worker.grids == std::vector<std::string>{"G01", "G02"});
  CHECK(worker.contains("G01"));
  CHECK_FALSE(worker.contains("G03"));
  // A worker without grids sees nothing; a supervisor without grids sees every grid.
  CHECK_FALSE(GridScope::forRole("worker", {}).contains("G01"));
  CHECK(GridScope::forRole("supervisor", {}).allGrids);
  CHECK_FALSE(GridScope::forRole("supervisor", {"G01"}).allGrids);
  CHECK(GridScope::forRole("admin", {"G01"}).allGrids);
  CHECK(GridScope::forRole("auditor", {}).allGrids);
  // A device that never kept the role reads an empty list as every grid, as it always did.
  CHECK(GridScope::forRole("", {}).allGrids);

  const GridScope all = GridScope::forRole("supervisor", {});
  const GridScope one = GridScope::forRole("worker", {"G01"});
  CHECK(all.covers(worker));
  CHECK_FALSE(worker.covers(all));
  CHECK(worker.covers(one));
  CHECK_FALSE(one.covers(worker));
  CHECK(one.covers(GridScope::forRole("worker", {})));

  CHECK(GridScope::fromJson(worker.toJson()) == worker);
  CHECK(GridScope::fromJson(all.toJson()) == all);
  CHECK_FALSE(GridScope::fromJson(Json::parse("{\"all_grids\": false, \"grids\": [1]}")));
  CHECK_FALSE(GridScope::fromJson(Json::parse("[\"G01\"]")));
  CHECK_FALSE(GridScope::fromJson(Json()));
}

namespace {

/// A device holding the households another tablet made (as a pull brings them) in G01 and G02.
struct TwoGridTablet {
  TempDir dir;
  DeviceStore other{dir.file("other.db"), SurveyDefinition::builtin(), fixtures::options()};
  DeviceStore store{dir.file("tablet.db"), SurveyDefinition::builtin(), fixtures::options()};
  std::map<std::string, std::string> households;  // by head name
  std::map<std::string, std::string> members;     // by head name: the household's one member

  explicit TwoGridTablet(const std::vector<std::pair<std::string, std::string>>& heads) {
    for (const auto& [head, grid] : heads) {
      const std::string hh = newUuid(), member = newUuid();
      const std::string id = fixtures::makeId("640121", "19800315", std::to_string(101 + 2 * households.size()));
      const auto saved = other.save({{"household", hh, "", fixtures::household(grid, head), false, true},
                                     {"person", member, hh, fixtures::person(head, "head", id), false, true}});
      REQUIRE(saved.ok());
      households[head] = hh;
      members[head] = member;
    }
    const auto served = fixtures::servedChanges(other, "zhao");
    store.applyPulled(served, static_cast<int64_t>(served.size()));
  }
};

ReviewState review(const std::string& household, const std::string& state) {
  return ReviewState::fromJson(Json{{"household", household}, {"grid", "G02"}, {"state", state},
                                    {"comments", Json::array()}, {"worker", "wang"}, {"updated_by", "sun"}, {"seq", 1}});
}

}  // namespace

TEST_CASE("households outside the user's grids leave the tablet once nothing of them waits", "[store][scope]") {
  TwoGridTablet tablet({{"一", "G01"}, {"二", "G02"}, {"三", "G02"}, {"四", "G02"}, {"五", "G02"}});
  DeviceStore& store = tablet.store;
  auto& hh = tablet.households;
  // 二: nothing local (a review state only); 三: a resubmission waits; 四: an edit of the household
  // waits; 五: an edit of its member waits.
  store.applyReviews({review(hh["二"], "approved"), review(hh["三"], "returned")}, 2);
  REQUIRE(store.requestResubmit(hh["三"], "已改正"));
  REQUIRE(store.save({{"household", hh["四"], "", {{"address", "玉泉家园9号楼"}}}}).ok());
  REQUIRE(store.save({{"person", tablet.members["五"], hh["五"], {{"phone", "13912345678"}}}}).ok());
  const size_t waiting = store.outboxSize();

  CHECK(store.removeHouseholdsOutside(GridScope::forRole("supervisor", {})) == 0);  // sees every grid
  CHECK(store.removeHouseholdsOutside(GridScope::forRole("worker", {"G01"})) == 1);
  CHECK_FALSE(store.load(hh["二"]));
  CHECK_FALSE(store.load(tablet.members["二"]));
  CHECK_FALSE(store.review(hh["二"]));
  for (const char* kept : {"一", "三", "四", "五"}) {
    INFO(kept);
    CHECK(store.load(hh[kept]));
    CHECK(store.load(tablet.members[kept]));
  }
  CHECK(store.review(hh["三"]));
  CHECK(store.outboxSize() == waiting);  // nothing unsent was touched

  // Once the server has the edits (all applied as sent), those households go too; 三 waits for its
  // resubmission, and G01's household stays.
  const PushBatch batch = store.nextPushBatch(100);
  REQUIRE(store.acknowledgePush(batch, std::vector<const Json*>(batch.entries.size(), nullptr)) == waiting);
  CHECK(store.removeHouseholdsOutside(GridScope::forRole("worker", {"G01"})) == 2);
  CHECK_FALSE(store.load(hh["四"]));
  CHECK_FALSE(store.load(tablet.members["五"]));
  CHECK(store.load(hh["三"]));
  CHECK(store.load(hh["一"]));
  // A worker with no grids left keeps only what still waits.
  CHECK(store.removeHouseholdsOutside(GridScope::forRole("worker", {})) == 1);
  CHECK(store.load(hh["三"]));
  CHECK(store.listHouseholds().size() == 1);
}

TEST_CASE("a household outside the user's grids stays while a notice about it is unread", "[store][scope]") {
  TwoGridTablet tablet({{"一", "G02"}, {"二", "G02"}});
  DeviceStore& store = tablet.store;
  // The server refused an edit of 一's member: the refusal is a notice with the refused value.
  REQUIRE(store.save({{"person", tablet.members["一"], tablet.households["一"], {{"phone", "13912345678"}}}}).ok());
  const PushBatch batch = store.nextPushBatch(100);
  REQUIRE(store.rejectChanges(batch, Json::array({Json{{"change_id", batch.entries.front().changeId},
                                                       {"code", "out_of_scope"}, {"message", "grid G02 is not assigned to you"},
                                                       {"message_zh", "网格 G02 不在您的负责范围内"}}})).moved == 1);
  REQUIRE(store.outboxSize() == 0);
  REQUIRE(store.notices().size() == 1);

  const GridScope g01 = GridScope::forRole("worker", {"G01"});
  CHECK(store.removeHouseholdsOutside(g01) == 1);
  CHECK_FALSE(store.load(tablet.households["二"]));
  CHECK(store.load(tablet.households["一"]));
  CHECK(store.load(tablet.members["一"]));
  REQUIRE(store.dismissNotice(store.notices().front().id));
  CHECK(store.removeHouseholdsOutside(g01) == 1);
  CHECK_FALSE(store.load(tablet.households["一"]));
  CHECK_FALSE(store.load(tablet.members["一"]));
}

TEST_CASE("a user who sees more grids pulls from the start, own changes included", "[store][scope]") {
  TwoGridTablet tablet({std::pair<std::string, std::string>{"一", "G01"}});
  DeviceStore& store = tablet.store;
  store.applyReviews({review(tablet.households["一"], "approved")}, 5);
  REQUIRE(store.pullCursor() > 0);
  CHECK_FALSE(store.pulledScope());
  CHECK_FALSE(store.pullsOwnChanges());

  const GridScope wider = GridScope::forRole("worker", {"G01", "G02"});
  store.restartPull(wider);
  CHECK(store.pullCursor() == 0);
  CHECK(store.reviewCursor() == 0);
  CHECK(store.pullsOwnChanges());
  CHECK(store.pulledScope() == wider);
  // Nothing pulled so far is dropped: the full pull rewrites it.
  CHECK(store.load(tablet.households["一"]));

  store.setPulledScope(wider);
  CHECK_FALSE(store.pullsOwnChanges());
  CHECK(store.pulledScope() == wider);
}
