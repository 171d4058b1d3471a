// End-to-end demo community: `syncserver demo` into a fresh database is valid under the survey
// definition, a worker's device pulls exactly its grids, and a second run is refused.
#include "harness.h"
#include "record_store.h"
#include "synccore/id_number.h"
#include "synccore/validation.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <map>
#include <set>

using namespace e2e;

namespace {

RunResult serverCommand(std::vector<std::string> args) {
  args.insert(args.begin(), SYNCSERVER);
  return run(args);
}

synccore::RecordValues valuesOf(const Json& record) {
  synccore::RecordValues values;
  for (const auto& [key, value] : record.at("fields").items()) values[key] = value;
  return values;
}

/// What the server holds, read through its own record store.
struct ServerView {
  Json all;                                            // uuid -> {type, deleted, fields}
  std::map<std::string, std::vector<std::string>> members, visits;  // household -> children
  std::vector<synccore::PulledChange> log;
  int64_t lastSeq = 0;
  int64_t users = 0;
  int64_t auditEntries = 0;
};

ServerView readServer(const std::string& db) {
  ServerView view;
  synccore::Database raw(db);
  syncserver::RecordStore store(raw);
  view.all = store.snapshot(true, {});
  for (const auto& [uuid, record] : view.all.items()) {
    if (record["type"] == "household") continue;
    const auto info = store.record(uuid);
    REQUIRE(info);
    (record["type"] == "person" ? view.members : view.visits)[info->parent].push_back(uuid);
  }
  view.lastSeq = store.lastSeq();
  view.log = store.changesAfter(0, 10'000'000, true, {});
  view.users = raw.queryInteger("SELECT count(*) FROM users");
  view.auditEntries = raw.queryInteger("SELECT count(*) FROM audit_log");
  return view;
}

int daysAgo(const std::string& iso, const synccore::CivilDate& today) {
  const auto date = synccore::CivilDate::parse(iso);
  REQUIRE(date);
  const auto days = [](const synccore::CivilDate& d) {
    return std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month{static_cast<unsigned>(d.month)} /
                                 std::chrono::day{static_cast<unsigned>(d.day)}};
  };
  return static_cast<int>((days(today) - days(*date)).count());
}

}  // namespace

TEST_CASE("syncserver demo makes a valid community, pulled by grid, refused the second time", "[e2e][demo]") {
  TempDir dir;
  const std::string db = dir.file("server.db");
  const std::string accountsFile = db + ".accounts.txt";
  REQUIRE(serverCommand({"init", "--db", db}).exitCode == 0);
  const RunResult demo = serverCommand({"demo", "--db", db, "--households", "60", "--seed", "11"});
  INFO(demo.out << demo.err);
  REQUIRE(demo.exitCode == 0);

  const ServerView server = readServer(db);
  const auto today = synccore::CivilDate::today();
  const synccore::Validator validator(synccore::SurveyDefinition::builtin(), today);

  SECTION("every record is valid; one head per household; ID numbers valid and unique") {
    std::vector<std::string> failures;
    std::set<std::string> idNumbers;
    int households = 0, people = 0, monitored = 0, overdue = 0, revisitedThisMonth = 0;
    for (const auto& [uuid, record] : server.all.items()) {
      CHECK(record["deleted"] == false);
      auto values = valuesOf(record);
      for (const auto& f : validator.checkRecord(record["type"].get<std::string>(), uuid, values))
        failures.push_back(f.describe());
      if (record["type"] != "household") continue;
      ++households;
      const auto& members = server.members.count(uuid) ? server.members.at(uuid) : std::vector<std::string>{};
      const auto& visits = server.visits.count(uuid) ? server.visits.at(uuid) : std::vector<std::string>{};
      REQUIRE_FALSE(members.empty());
      std::vector<synccore::RecordValues> memberValues;
      int heads = 0;
      for (const auto& m : members) {
        const Json& fields = server.all[m]["fields"];
        memberValues.push_back(valuesOf(server.all[m]));
        ++people;
        if (fields["relation"] == "head") {
          ++heads;
          CHECK(fields["name"] == values["head_name"]);
        }
        const std::string id = fields.value("id_number", "");
        const auto check = synccore::checkIdNumber(id, today);
        INFO(id << " " << check.messageEn);
        CHECK(check.ok());
        CHECK(idNumbers.insert(id).second);
        // Ningxia (银川 6401, 吴忠 6403, 固原 6404), or Gansu for families with hukou outside the region.
        const std::string prefecture = id.substr(0, 4);
        if (values["hukou_location"] == "outside_region") CHECK(id.substr(0, 2) == "62");
        else CHECK((prefecture == "6401" || prefecture == "6403" || prefecture == "6404"));
      }
      CHECK(heads == 1);
      for (const auto& f : validator.checkMembers(uuid, memberValues)) failures.push_back(f.describe());
      int registrations = 0;
      int newest = 1'000'000;
      for (const auto& v : visits) {
        const Json& fields = server.all[v]["fields"];
        if (fields["kind"] == "registration") ++registrations;
        newest = std::min(newest, daysAgo(fields["visit_date"], today));
      }
      CHECK(registrations == 1);
      if (values["monitoring_category"] != "none") {
        ++monitored;
        CHECK_FALSE(values["risk_reasons"].empty());
        if (newest > 30) ++overdue;
        else ++revisitedThisMonth;
      }
    }
    INFO(failures.size() << " invalid values, first: " << (failures.empty() ? "" : failures.front()));
    CHECK(failures.empty());
    CHECK(households == 60);
    CHECK(people >= 150);
    CHECK(people <= 300);
    CHECK(static_cast<size_t>(people) == idNumbers.size());
    CHECK(monitored >= 12);  // at least one per grid
    CHECK(overdue >= 1);
    CHECK(revisitedThisMonth >= 1);
  }

  SECTION("the records entered the change log as the grid workers' changes from device \"demo\"") {
    REQUIRE(server.lastSeq > 0);
    REQUIRE(server.log.size() == static_cast<size_t>(server.lastSeq));
    std::map<std::string, std::string> workerOfGrid = {{"G01", "worker01"}, {"G02", "worker01"}, {"G03", "worker02"},
                                                       {"G04", "worker02"}, {"G05", "worker03"}, {"G06", "worker03"},
                                                       {"G07", "worker04"}, {"G08", "worker04"}, {"G09", "worker05"},
                                                       {"G10", "worker05"}, {"G11", "worker06"}, {"G12", "worker06"}};
    std::map<std::string, std::string> gridOfHousehold;
    for (const auto& [uuid, record] : server.all.items())
      if (record["type"] == "household") gridOfHousehold[uuid] = record["fields"]["grid"];
    for (const auto& c : server.log) {
      CHECK(c.device == "demo");
      const std::string household = c.change.parent.empty() ? c.change.record : c.change.parent;
      CHECK(c.author == workerOfGrid.at(gridOfHousehold.at(household)));
    }
  }

  SECTION("accounts: printed once, kept in a private file, usable by a worker's device for its grids only") {
    struct stat st {};
    REQUIRE(::stat(accountsFile.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const std::string table = slurp(accountsFile);
    for (const char* user : {"worker01", "worker06", "supervisor", "auditor", "admin"}) {
      CHECK(accountPassword(table, user).size() >= 8);
      CHECK(accountPassword(demo.out, user) == accountPassword(table, user));
    }
    CHECK(server.users == 9);

    Json expected;
    {
      synccore::Database raw(db);
      expected = syncserver::RecordStore(raw).snapshot(false, {"G01", "G02"});
    }
    REQUIRE_FALSE(expected.empty());
    ServerProcess process(SYNCSERVER, db);
    process.start();
    Device tablet(dir.file("tablet.db"));
    const Json login = Json::parse(tablet.ok({"login", "--json", "--server", process.url(), "--user", "worker01"},
                                             accountPassword(table, "worker01") + "\n"));
    // The demo names its grids after their areas; a worker is told the names of its own grids only.
    const Json names = login.at("grid_names");
    REQUIRE(names.size() == 2);
    CHECK(names.at("G01").get<std::string>().find("网格") != std::string::npos);
    CHECK(names.at("G01") != names.at("G02"));
    REQUIRE(tablet.sync()["ok"] == true);
    CHECK(Json::parse(tablet.ok({"grids", "--json"})) == names);
    const Json pulled = tablet.snapshot();
    CHECK(pulled == expected);
    int households = 0;
    for (const auto& [uuid, record] : pulled.items())
      if (record["type"] == "household") {
        ++households;
        const std::string grid = record["fields"]["grid"];
        CHECK((grid == "G01" || grid == "G02"));
      }
    CHECK(households > 0);
    CHECK(households < 60);
  }

  SECTION("its accounts and grid names are in the audit log, as an administrator's changes would be") {
    synccore::Database raw(db, synccore::Database::Mode::ReadOnly);
    std::map<std::string, Json> added;  // user -> entry body
    std::set<std::string> named;
    auto entries = raw.prepare("SELECT kind, actor, body FROM audit_log ORDER BY seq");
    while (entries.step()) {
      const Json body = Json::parse(entries.text(2));
      CHECK(entries.text(1).rfind("admin-cli:", 0) == 0);
      if (entries.text(0) == "user" && body.value("action", "") == "add") added[body.value("user", "")] = body;
      if (entries.text(0) == "grid" && body.value("action", "") == "name") named.insert(body.value("grid", ""));
    }
    auto users = raw.prepare("SELECT name, role, grids FROM users");
    size_t accounts = 0;
    while (users.step()) {
      ++accounts;
      INFO(users.text(0));
      REQUIRE(added.count(users.text(0)) == 1);
      CHECK(added[users.text(0)]["role"] == users.text(1));
      CHECK(added[users.text(0)]["grids"] == Json::parse(users.text(2)));
      CHECK_FALSE(added[users.text(0)].contains("password"));
    }
    CHECK(added.size() == accounts);
    const RunResult grids = serverCommand({"grid", "list", "--json", "--db", db});
    REQUIRE(grids.exitCode == 0);
    std::set<std::string> codes;
    const Json gridList = Json::parse(grids.out);
    for (const auto& [code, name] : gridList.items()) codes.insert(code);
    CHECK(named == codes);
    const RunResult verify = serverCommand({"audit", "verify", "--db", db});
    INFO(verify.out);
    CHECK(verify.exitCode == 0);
  }

  SECTION("a second run is refused and changes nothing") {
    const std::string accountsBefore = slurp(accountsFile);
    const RunResult again = serverCommand({"demo", "--db", db, "--households", "60", "--seed", "12"});
    CHECK(again.exitCode == 1);
    CHECK(again.err.find("拒绝") != std::string::npos);
    CHECK(again.err.find("refused") != std::string::npos);
    const ServerView after = readServer(db);
    CHECK(after.lastSeq == server.lastSeq);
    CHECK(after.users == server.users);
    CHECK(after.auditEntries == server.auditEntries);
    CHECK(after.all == server.all);
    CHECK(slurp(accountsFile) == accountsBefore);
  }
}

TEST_CASE("syncserver demo: the same seed gives the same community", "[e2e][demo]") {
  TempDir dir;
  const auto people = [&](const std::string& name, const std::string& seed) {
    const std::string db = dir.file(name);
    const RunResult r = serverCommand({"demo", "--db", db, "--households", "24", "--seed", seed});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    std::multiset<std::string> out;
    const ServerView view = readServer(db);
    for (const auto& [uuid, record] : view.all.items())
      if (record["type"] == "person")
        out.insert(record["fields"]["name"].get<std::string>() + " " + record["fields"]["id_number"].get<std::string>());
    return out;
  };
  const auto first = people("a.db", "5");
  CHECK(first.size() >= 48);
  CHECK(people("b.db", "5") == first);
  CHECK(people("c.db", "6") != first);
}
