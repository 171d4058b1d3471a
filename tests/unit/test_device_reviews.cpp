// The device's copy of supervisor reviews: stored with the cursor, shown in the list, and a
// resubmission kept until the server has taken it.
#include "fixtures.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

using namespace synccore;

namespace {
ReviewState review(const std::string& household, const std::string& state, int64_t seq) {
  return ReviewState::fromJson(Json{{"household", household}, {"grid", "G01"}, {"state", state},
                                    {"comments", Json::array({Json{{"record", household}, {"field", "address"},
                                                                   {"comment", "门牌号不对"}}})},
                                    {"worker", "wang"}, {"updated_by", "sun"}, {"seq", seq}});
}
}  // namespace

TEST_CASE("review states from the server are kept on the device", "[store][review]") {
  TempDir dir;
  const std::string path = dir.file("d.db");
  std::string hh;
  {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    auto saved = store.save({{"household", "", "", fixtures::household(), false}});
    REQUIRE(saved.ok());
    hh = saved.uuids.front();
    CHECK(store.reviews().empty());
    CHECK(store.reviewCursor() == 0);
    // Not returned: nothing to resubmit.
    CHECK_FALSE(store.requestResubmit(hh));
    CHECK(store.applyReviews({review(hh, "returned", 3)}, 7) == 1);
  }
  DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());  // survives reopening
  CHECK(store.reviewCursor() == 7);
  auto r = store.review(hh);
  REQUIRE(r);
  CHECK(r->state == "returned");
  CHECK(r->comments[0]["comment"] == "门牌号不对");
  CHECK(store.listHouseholds()[0].reviewState == "returned");

  REQUIRE(store.requestResubmit(hh, "已改正"));
  CHECK(store.pendingResubmits().size() == 1);
  // A pull that still says "returned" keeps the pending resubmission ...
  store.applyReviews({review(hh, "returned", 4)}, 8);
  REQUIRE(store.pendingResubmits().size() == 1);
  CHECK(store.pendingResubmits()[0].resubmitNote == "已改正");
  // ... the server's answer clears it.
  store.resubmitSent(review(hh, "resubmitted", 5));
  CHECK(store.pendingResubmits().empty());
  CHECK(store.review(hh)->state == "resubmitted");
  CHECK_FALSE(store.requestResubmit(hh));
  store.applyReviews({review(hh, "approved", 6)}, 9);
  CHECK(store.listHouseholds()[0].reviewState == "approved");
  CHECK(store.listHouseholds()[0].toJson()["review_state"] == "approved");
}
