// A tablet killed with SIGKILL again and again during its first pull of a community: each run goes
// on from the last page it stored, and the file ends with exactly what an uninterrupted pull stores.
#include "harness.h"

#include <synccore/sqlite.h>

#include <catch2/catch.hpp>

#include <random>

using namespace e2e;

namespace {

/// The device file's pull cursor as stored (0 before the first page).
int64_t storedPullCursor(const std::string& deviceDb) {
  return synccore::Database(deviceDb).queryInteger(
      "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key='pull_cursor'), 0)");
}

std::string integrity(const std::string& deviceDb) {
  synccore::Database db(deviceDb);
  auto st = db.prepare("PRAGMA integrity_check");
  st.step();
  return st.text(0);
}

}  // namespace

TEST_CASE("a device killed during its pull, again and again, ends equal to one never killed", "[e2e][pull][crash]") {
  TempDir dir;
  const std::string db = dir.file("server.db");
  REQUIRE(run({SYNCSERVER, "init", "--db", db}).exitCode == 0);
  const RunResult demo = run({SYNCSERVER, "demo", "--db", db, "--households", "900", "--seed", "23"});
  INFO(demo.err);
  REQUIRE(demo.exitCode == 0);
  const std::string password = accountPassword(slurp(db + ".accounts.txt"), "supervisor");
  REQUIRE_FALSE(password.empty());
  ServerProcess server(SYNCSERVER, db);
  server.start();
  const auto signedIn = [&](const std::string& file) {
    Device device(dir.file(file));
    device.ok({"login", "--server", server.url(), "--user", "supervisor"}, password + "\n");
    return device;
  };

  Device steady = signedIn("steady.db");
  const Json steadySummary = steady.sync();
  INFO(steadySummary.dump());
  REQUIRE(steadySummary["ok"] == true);
  REQUIRE(steadySummary["pulled"].get<int64_t>() > 50000);  // many pages: a kill can land in the middle
  const int64_t lastCursor = storedPullCursor(steady.db());

  Device killed = signedIn("killed.db");
  std::mt19937 random(7);
  int kills = 0, midPull = 0;
  for (int attempt = 0; attempt < 60; ++attempt) {
    const std::chrono::milliseconds after(std::uniform_int_distribution<int>(15, 200)(random));
    const KilledRun r = runKilledAfter({SURVEYCTL, "--db", killed.db(), "sync"}, after);
    if (!r.killed) {
      INFO(r.result.out << r.result.err);
      REQUIRE(r.result.exitCode == 0);
      break;
    }
    ++kills;
    const int64_t cursor = storedPullCursor(killed.db());
    if (cursor > 0 && cursor < lastCursor) ++midPull;
    REQUIRE(integrity(killed.db()) == "ok");
  }
  INFO(kills << " kills, " << midPull << " in the middle of the pull");
  CHECK(midPull >= 3);
  const Json last = killed.sync();
  INFO(last.dump());
  REQUIRE(last["ok"] == true);
  CHECK(storedPullCursor(killed.db()) == lastCursor);
  CHECK(integrity(killed.db()) == "ok");
  CHECK(killed.snapshot() == steady.snapshot());
}
