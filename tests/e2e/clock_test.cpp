// A tablet whose date was set ahead, against a real server: its edits are not refused for good nor
// turned into notices; they go with stamps from the server's clock, and once the date is right the
// tablet syncs as any other; a tablet whose date is behind is told (docs/device-store.md, "A clock set ahead").
#include "harness.h"

#include <catch2/catch.hpp>

using namespace e2e;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

/// surveyctl on a device whose clock runs `aheadMs` ahead of this machine's.
RunResult ahead(const Device& device, int64_t aheadMs, std::vector<std::string> args) {
  args.insert(args.begin(), {"--clock-offset-ms", std::to_string(aheadMs)});
  return device.ctl(args);
}

Json summaryOf(const RunResult& r) {
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  return Json::parse(r.out);
}

}  // namespace

TEST_CASE("a tablet whose date was set ahead gets its edits to the server", "[e2e][clock]") {
  Community community;
  Device wang = community.device("wang", "wang"), sun = community.device("sun", "sun");
  const std::string household = wang.ok(householdArgs("G01", "王一"));
  REQUIRE(wang.sync()["ok"] == true);

  SECTION("the date is still a day ahead when it syncs") {
    REQUIRE(ahead(wang, kDayMs, {"household", "set", household, "address=玉泉家园1号楼"}).exitCode == 0);
    REQUIRE(ahead(wang, kDayMs, {"member", "add", household, "name=王一", "relation=head",
                                 "id_number=" + idNumber("19700101", "011")}).exitCode == 0);
    const size_t edits = Json::parse(wang.ok({"--json", "outbox"})).size();
    const RunResult synced = ahead(wang, kDayMs, {"sync"});
    const Json summary = summaryOf(synced);
    CHECK(summary["ok"] == true);
    CHECK(summary["rejected"] == 0);
    CHECK(summary["pushed"] == edits);
    CHECK(summary["restamped"] == edits);
    CHECK(summary["clock_offset_ms"].get<int64_t>() > kDayMs - 60'000);
    // The worker is told to set the date, in both languages.
    CHECK(synced.err.find("本机时间比服务器快约 24 小时,请校正日期和时间") != std::string::npos);
    CHECK(synced.err.find("about 24 hours ahead of the server's") != std::string::npos);
  }
  SECTION("the date was set right after the edits, before the sync") {
    REQUIRE(ahead(wang, kDayMs, {"household", "set", household, "address=玉泉家园1号楼"}).exitCode == 0);
    // Its clock never goes back, so this edit too is stamped a day ahead.
    wang.ok({"household", "set", household, "phone=13900000001"});
    const Json summary = wang.sync();
    CHECK(summary["ok"] == true);
    CHECK(summary["rejected"] == 0);
    CHECK(summary["restamped"] == 2);
    CHECK(std::abs(summary["clock_offset_ms"].get<int64_t>()) < 60'000);
  }
  CHECK(Json::parse(wang.ok({"--json", "notices"})).empty());
  CHECK(wang.ok({"--json", "outbox"}) == "[]");
  // A clock set beyond what the option allows is a usage error that writes nothing.
  const RunResult tooFar = ahead(wang, 200LL * 366 * kDayMs, {"household", "set", household, "remarks=远"});
  CHECK(tooFar.exitCode == 2);
  CHECK(tooFar.err.find("--clock-offset-ms") != std::string::npos);
  CHECK(wang.ok({"--json", "outbox"}) == "[]");
  // The server holds the tablet's household file as the tablet does.
  REQUIRE(sun.sync()["ok"] == true);
  CHECK(wang.snapshot() == sun.snapshot());
  CHECK(sun.snapshot()[household]["fields"]["address"] == "玉泉家园1号楼");

  // With the date right, the next edit is stamped now and taken at once: the tablet is not stuck
  // behind the stamps its clock gave while it was ahead.
  wang.ok({"household", "set", household, "remarks=门口有台阶"});
  const Json next = wang.sync();
  CHECK(next["ok"] == true);
  CHECK(next["restamped"] == 0);
  CHECK(next["pushed"] == 1);
  REQUIRE(sun.sync()["ok"] == true);
  CHECK(sun.snapshot()[household]["fields"]["remarks"] == "门口有台阶");
  CHECK(wang.snapshot() == sun.snapshot());
}

TEST_CASE("a tablet whose date is behind syncs and is told to set it", "[e2e][clock]") {
  Community community;
  Device wang = community.device("wang", "wang"), sun = community.device("sun", "sun");
  // Ten days behind (a tablet whose battery ran flat): nothing is refused, but its edits would lose to
  // any other made in those ten days, and the worker is told.
  const RunResult added = ahead(wang, -10 * kDayMs, householdArgs("G01", "王一"));
  REQUIRE(added.exitCode == 0);
  const RunResult synced = ahead(wang, -10 * kDayMs, {"sync"});
  const Json summary = summaryOf(synced);
  CHECK(summary["ok"] == true);
  CHECK(summary["restamped"] == 0);
  CHECK(summary["clock_offset_ms"].get<int64_t>() < -10 * kDayMs + 60'000);
  CHECK(synced.err.find("本机时间比服务器慢约 10 天,请校正日期和时间") != std::string::npos);
  CHECK(synced.err.find("This tablet's clock is about 10 days behind the server's") != std::string::npos);
  REQUIRE(sun.sync()["ok"] == true);
  CHECK(wang.snapshot() == sun.snapshot());
  // With the date right, the next sync says nothing of the clock.
  const RunResult right = wang.ctl({"sync"});
  CHECK(summaryOf(right)["clock_offset_ms"].get<int64_t>() > -60'000);
  CHECK(right.err.find("请校正日期和时间") == std::string::npos);
}
