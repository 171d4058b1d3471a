// UUID v7: canonical form, version and variant bits, time order, uniqueness.
#include <catch2/catch.hpp>

#include <synccore/random_id.h>

#include <chrono>
#include <set>
#include <thread>

TEST_CASE("new ids are canonical UUID v7 with the time in front", "[random_id]") {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string id = synccore::newUuid();
  CHECK(synccore::isUuid(id));
  CHECK(id[14] == '7');                                   // version
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);  // RFC 9562 variant
  const std::string hexMs = id.substr(0, 8) + id.substr(9, 4);
  const long long ms = std::stoll(hexMs, nullptr, 16);
  CHECK(ms >= before);
  CHECK(ms <= before + 60'000);
}

TEST_CASE("ids made later sort later, and no two are equal", "[random_id]") {
  const std::string early = synccore::newUuid();
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  const std::string late = synccore::newUuid();
  CHECK(early < late);
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) seen.insert(synccore::newUuid());
  CHECK(seen.size() == 20000);
}
