// A tablet killed with SIGKILL again and again during its first pull of a community: each run goes
// on from the last page it stored, and the file ends with exactly what an uninterrupted pull stores. A
// tablet whose date is ahead, killed while its edits are re-dated and sent, loses and doubles none; nor
// does one whose edits of a grid taken from it are passed to the community.
#include "harness.h"

#include <synccore/hlc.h>
#include <synccore/sqlite.h>

#include <catch2/catch.hpp>

#include <functional>
#include <map>
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

/// Kills of a run of killedAgainAndAgain: all of them, and those that fell where the test wants them.
struct Kills {
  int all = 0, midway = 0;
};

/// Runs `command` on a device file and SIGKILLs it after a random delay within `delayMs`, again and again,
/// until a run ends by itself (exit 0) or `attempts` runs were killed; after each kill the file must be
/// intact, and `landedMidway()` says whether the kill fell where the test wants kills.
Kills killedAgainAndAgain(const std::vector<std::string>& command, const std::string& deviceDb, unsigned seed,
                        std::pair<int, int> delayMs, int attempts, const std::function<bool()>& landedMidway) {
  std::mt19937 random(seed);
  Kills kills;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    const std::chrono::milliseconds after(std::uniform_int_distribution<int>(delayMs.first, delayMs.second)(random));
    const KilledRun r = runKilledAfter(command, after);
    if (!r.killed) {
      INFO(r.result.out << r.result.err);
      REQUIRE(r.result.exitCode == 0);
      break;
    }
    ++kills.all;
    REQUIRE(integrity(deviceDb) == "ok");
    if (landedMidway()) ++kills.midway;
  }
  return kills;
}

/// Runs `surveyctl sync` on the device and SIGKILLs it after 15–200 ms, until a run ends by itself;
/// at least three kills must land in the middle of the pull (cursor between 0 and `lastCursor`).
void syncKilledAgainAndAgain(const Device& device, int64_t lastCursor) {
  const Kills kills = killedAgainAndAgain({SURVEYCTL, "--db", device.db(), "sync"}, device.db(), 7, {15, 200}, 60, [&] {
    const int64_t cursor = storedPullCursor(device.db());
    return cursor > 0 && cursor < lastCursor;
  });
  INFO(kills.all << " kills, " << kills.midway << " in the middle of the pull");
  CHECK(kills.midway >= 3);
}

/// Whether an HLC stamp's wall time is at most `slack` after this machine's clock.
bool stampedWithin(const Json& stamp, std::chrono::milliseconds slack) {
  const auto parsed = synccore::Hlc::parse(stamp.get<std::string>());
  return parsed && parsed->wallMs <= synccore::HybridClock::systemWallMs() + slack.count();
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
  const std::string& dbPath() const { return m_db; }
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

TEST_CASE("a tablet whose date is ahead, killed again and again while its edits are re-dated and sent, loses none",
          "[e2e][clock][crash]") {
  const DemoServer server;
  Device killed = server.signedIn("killed.db");
  REQUIRE(killed.sync()["ok"] == true);
  // A day ahead, the worker corrects 60 households' remarks: every edit is stamped in the server's future.
  const std::string dayAhead = std::to_string(24LL * 60 * 60 * 1000);
  const Json households = Json::parse(killed.ok({"list", "--json"}));
  REQUIRE(households.size() >= 60);
  std::map<std::string, std::string> expected;
  for (size_t i = 0; i < 60; ++i) {
    const std::string uuid = households[i]["uuid"];
    expected[uuid] = "复核 " + std::to_string(i);
    killed.ok({"--clock-offset-ms", dayAhead, "household", "set", uuid, "remarks=" + expected[uuid]});
  }
  // One edit per batch: the refusal, the re-dating and sixty pipelined pushes, each killed at random; some
  // kills after the edits were re-dated, with some still to send.
  const Kills kills = killedAgainAndAgain(
      {SURVEYCTL, "--db", killed.db(), "--clock-offset-ms", dayAhead, "sync", "--push-batch", "1"}, killed.db(), 11,
      {2, 60}, 80, [&] {
        const Json outbox = Json::parse(killed.ok({"outbox", "--json"}));
        return !outbox.empty() && outbox.size() < expected.size() &&
               stampedWithin(outbox[0]["hlc"], std::chrono::minutes(10));
      });
  INFO(kills.all << " kills, " << kills.midway << " while re-dated edits were being sent");
  CHECK(kills.midway >= 1);
  const Json last = Json::parse(killed.ok({"--clock-offset-ms", dayAhead, "sync"}));
  CHECK(last["ok"] == true);
  CHECK(killed.ok({"outbox", "--json"}) == "[]");
  CHECK(Json::parse(killed.ok({"notices", "--json"})).empty());
  // The server holds every edit, once, as the tablet does.
  Device steady = server.signedIn("steady.db");
  REQUIRE(steady.sync()["ok"] == true);
  const Json onServer = steady.snapshot();
  for (const auto& [uuid, remarks] : expected) CHECK(onServer[uuid]["fields"]["remarks"] == remarks);
  CHECK(synccore::Database(server.dbPath())
            .queryInteger("SELECT count(*) FROM change_log WHERE field='remarks' AND value LIKE '\"复核 %'") == 60);
  CHECK(killed.snapshot() == onServer);
}

TEST_CASE("a tablet killed again and again while its edits of a grid taken from it are passed to the community "
          "loses and doubles none",
          "[e2e][forwarded][crash]") {
  const DemoServer server;
  server.setSupervisorGrids({"G01", "G02"});
  Device killed = server.signedIn("killed.db");
  REQUIRE(killed.sync()["ok"] == true);
  // Offline, every household of G01 gets a remark and a phone number; meanwhile the administrator takes
  // G01 away.
  std::map<std::string, std::string> expected;
  for (const Json& h : Json::parse(killed.ok({"list", "--json"}))) {
    if (h["grid"] != "G01") continue;
    expected[h["uuid"]] = "移交前已核实 " + std::to_string(expected.size());
    killed.ok({"household", "set", h["uuid"], "remarks=" + expected[h["uuid"]], "phone=13900000001"});
  }
  REQUIRE(expected.size() >= 40);
  const size_t edits = 2 * expected.size();
  server.setSupervisorGrids({"G02"});
  // One edit per batch: each refusal passed on and taken as a notice, killed at random.
  const Kills kills = killedAgainAndAgain({SURVEYCTL, "--db", killed.db(), "sync", "--push-batch", "1"}, killed.db(),
                                          13, {1, 12}, 300, [&] {
                                            const size_t notices = Json::parse(killed.ok({"notices", "--json"})).size();
                                            return notices > 0 && notices < edits;
                                          });
  INFO(kills.all << " kills, " << kills.midway << " while the edits were being passed on");
  CHECK(kills.midway >= 3);
  REQUIRE(killed.sync()["ok"] == true);
  CHECK(killed.ok({"outbox", "--json"}) == "[]");
  // Every edit is a notice once on the tablet and a conflict once on the server, with its value.
  const Json notices = Json::parse(killed.ok({"notices", "--json"}));
  REQUIRE(notices.size() == edits);
  std::map<std::string, std::string> noticed;
  for (const Json& n : notices) {
    CHECK(n["kind"] == "forwarded");
    if (n["field"] == "remarks") noticed[n["record"]] = n["value"];
  }
  CHECK(noticed == expected);
  synccore::Database db(server.dbPath());
  const auto count = [&](const std::string& sql) { return static_cast<size_t>(db.queryInteger(sql)); };
  CHECK(count("SELECT count(*) FROM conflicts WHERE kind='out_of_scope' AND status='open'") == edits);
  CHECK(count("SELECT count(DISTINCT json_extract(incoming_side, '$.change_id')) FROM conflicts"
              " WHERE kind='out_of_scope'") == edits);
  CHECK(count("SELECT count(*) FROM forwarded_changes") == edits);
  for (const auto& [uuid, remarks] : expected) {
    auto st = db.prepare("SELECT json_extract(incoming_side, '$.value') FROM conflicts WHERE record_uuid=?"
                         " AND field='remarks'");
    st.bind(1, uuid);
    REQUIRE(st.step());
    CHECK(st.text(0) == remarks);
  }
}
