#include "synccore/hlc.h"

#include <catch2/catch.hpp>

using namespace synccore;

TEST_CASE("HLC stamps are monotonic even when the wall clock goes back", "[hlc]") {
  int64_t wall = 1'000'000;
  HybridClock clock("dev-a", {}, [&] { return wall; });
  Hlc a = clock.tick();
  Hlc b = clock.tick();
  CHECK(a < b);
  CHECK(b.counter == 1);
  wall = 500;  // clock reset to the past
  Hlc c = clock.tick();
  CHECK(b < c);
  CHECK(c.wallMs == 1'000'000);
  wall = 2'000'000;
  Hlc d = clock.tick();
  CHECK(d.wallMs == 2'000'000);
  CHECK(d.counter == 0);
}

TEST_CASE("HLC stamps stay storable when one millisecond has more than its counter holds", "[hlc]") {
  const int64_t wall = 1'000'000;
  HybridClock clock("dev-a", Hlc{wall, 99'998, "dev-a"}, [&] { return wall; });
  CHECK(clock.tick() == Hlc{wall, 99'999, "dev-a"});
  const Hlc next = clock.tick();  // the counter is full: the next millisecond's first stamp
  CHECK(next == Hlc{wall + 1, 0, "dev-a"});
  CHECK(next.toString().size() == Hlc{wall, 1, "dev-a"}.toString().size());
  // A clock put back to the stamps re-issued after a refusal goes on from there.
  clock.resetTo(Hlc{wall - 10, 3, "dev-a"});
  CHECK(clock.tick() == Hlc{wall, 0, "dev-a"});
  clock.resetTo(Hlc{wall + 50, 3, "dev-a"});
  CHECK(clock.tick() == Hlc{wall + 50, 4, "dev-a"});
}

TEST_CASE("HLC observes remote stamps within the drift bound only", "[hlc]") {
  int64_t wall = 1'000'000;
  HybridClock clock("dev-a", {}, [&] { return wall; }, 60'000);
  CHECK(clock.observe(Hlc{1'050'000, 7, "dev-b"}));
  Hlc next = clock.tick();
  CHECK(next > Hlc{1'050'000, 7, "dev-b"});
  CHECK(next.device == "dev-a");
  CHECK_FALSE(clock.observe(Hlc{wall + 61'000 + 100'000, 0, "dev-liar"}));
  CHECK(clock.last().wallMs == 1'050'000);
}

TEST_CASE("HLC text form sorts like the stamps and parses back", "[hlc]") {
  Hlc a{1732300000000, 3, "device-1"}, b{1732300000000, 12, "device-1"}, c{1732300000001, 0, "a"};
  CHECK(a.toString() < b.toString());
  CHECK(b.toString() < c.toString());
  CHECK(Hlc::parse(a.toString()) == a);
  CHECK_FALSE(Hlc::parse("garbage"));
  CHECK_FALSE(Hlc::parse("000000000000000001-0000x-dev"));
}
