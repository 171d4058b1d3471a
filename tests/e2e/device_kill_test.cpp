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

/// Runs `surveyctl sync` on the device and SIGKILLs it after 15–200 ms, until a run ends by itself;
/// at least three kills must land in the middle of the pull (cursor between 0 and `lastCursor`).
void syncKilledAgainAndAgain(const Device& device, int64_t lastCursor) {
  std::mt19937 random(7);
  int kills = 0, midPull = 0;
  for (int attempt = 0; attempt < 60; ++attempt) {
    const std::chrono::milliseconds after(std::uniform_int_distribution<int>(15, 200)(random));
    const KilledRun r = runKilledAfter({SURVEYCTL, "--db", device.db(), "sync"}, after);
    if (!r.killed) {
      INFO(r.result.out << r.result.err);
      REQUIRE(r.result.exitCode == 0);
      break;
    }
    ++kills;
    const int64_t cursor = storedPullCursor(device.db());
    if (cursor > 0 && cursor < lastCursor) ++midPull;
    REQUIRE(integrity(device.db()) == "ok");
  }
  INFO(kills << " kills, " << midPull << " in the middle of the pull");
  CHECK(midPull >= 3);
}

/// One more sync, not interrupted: the killed device ends exactly where the steady one is.
void expectCaughtUp(const Device& killed, const Device& steady) {
  const Json last = killed.sync();
  INFO(last.dump());
  REQUIRE(last["ok"] == true);
  CHECK(storedPullCursor(killed.db()) == storedPullCursor(steady.db()));
  CHECK(integrity(killed.db()) == "ok");
  CHECK(killed.snapshot() == steady.snapshot());
}

/// A running server holding the 900-household demo community; devices sign in as its supervisor.
class DemoServer {
 public:
  DemoServer() {
    REQUIRE(run({SYNCSERVER, "init", "--db", m_db}).exitCode == 0);
    const RunResult demo = run({SYNCSERVER, "demo", "--db", m_db, "--households", "900", "--seed", "23"});
    INFO(demo.err);
    REQUIRE(demo.exitCode == 0);
    m_password = accountPassword(slurp(m_db + ".accounts.txt"), "supervisor");
    REQUIRE_FALSE(m_password.empty());
    m_server.start();
  }
  Device signedIn(const std::string& file) const {
    Device device(m_dir.file(file));
    device.ok({"login", "--server", m_server.url(), "--user", "supervisor"}, m_password + "\n");
    return device;
  }
  /// The supervisor's grids, set by an administrator (none: every grid).
  void setSupervisorGrids(const std::vector<std::string>& grids) const {
    std::vector<std::string> args{SYNCSERVER, "user", "grids", "--db", m_db, "--name", "supervisor"};
    for (const auto& g : grids) args.insert(args.end(), {"--grid", g});
    const RunResult r = run(args);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
  }

 private:
  TempDir m_dir;
  std::string m_db = m_dir.file("server.db");
  std::string m_password;
  ServerProcess m_server{SYNCSERVER, m_db};
};

}  // namespace

TEST_CASE("a device killed during its pull, again and again, ends equal to one never killed", "[e2e][pull][crash]") {
  const DemoServer server;
  Device steady = server.signedIn("steady.db");
  const Json steadySummary = steady.sync();
  INFO(steadySummary.dump());
  REQUIRE(steadySummary["ok"] == true);
  REQUIRE(steadySummary["pulled"].get<int64_t>() > 50000);  // many pages: a kill can land in the middle
  const int64_t lastCursor = storedPullCursor(steady.db());

  Device killed = server.signedIn("killed.db");
  syncKilledAgainAndAgain(killed, lastCursor);
  expectCaughtUp(killed, steady);
}

TEST_CASE("a device killed again and again while it fetches the grids it was given ends equal to one never killed",
          "[e2e][pull][crash][scope]") {
  const DemoServer server;
  // The tablet first holds one grid, its cursors at the end of the log.
  server.setSupervisorGrids({"G01"});
  Device killed = server.signedIn("killed.db");
  REQUIRE(killed.sync()["ok"] == true);
  const size_t firstGrid = killed.snapshot().size();
  // Then the supervisor sees every grid: everything before the cursors is fetched, killed many times.
  server.setSupervisorGrids({});
  Device steady = server.signedIn("steady.db");
  REQUIRE(steady.sync()["ok"] == true);
  const int64_t lastCursor = storedPullCursor(steady.db());
  syncKilledAgainAndAgain(killed, lastCursor);
  expectCaughtUp(killed, steady);
  CHECK(steady.snapshot().size() > 5 * firstGrid);
}
