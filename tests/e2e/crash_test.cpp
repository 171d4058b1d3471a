// Kills a writing process with SIGKILL at random moments and checks that every save it
// reported is present and whole, the outbox matches the stored versions, and SQLite is sound.
#include "../unit/fixtures.h"
#include "../unit/temp_dir.h"
#include "crash_workload.h"

#include <catch2/catch.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace {

struct Reported {
  int n;
  std::string household;
  std::string person;
};

/// A query of every field version the device file holds as (record_uuid, field, hlc) rows: the
/// "<field>__v" and "<field>__d" columns of its household and person tables, as text.
std::string storedVersions(synccore::Database& raw) {
  std::string sql;
  for (const std::string table : {"household", "person"}) {
    for (const std::string& column : fixtures::versionColumns(raw, table)) {
      const std::string field = column.substr(0, column.size() - 3);
      const std::string stamp = "\"" + column + "\"";
      const std::string hlc =
          synccore::VersionCodec::textSql(stamp, "\"" + fixtures::versionDeviceColumn(column) + "\"");
      sql += std::string(sql.empty() ? "" : " UNION ALL ") + "SELECT uuid AS record_uuid, '" + field + "' AS field, " +
             hlc + " AS hlc FROM " + table + " WHERE " + stamp + " IS NOT NULL";
    }
  }
  REQUIRE_FALSE(sql.empty());
  return sql;
}

/// Starts the writer, lets it run for `runFor`, kills it with SIGKILL, returns what it reported.
std::vector<Reported> runAndKill(const std::string& db, int firstN, std::chrono::milliseconds runFor) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const std::string first = std::to_string(firstN);
  char* argv[] = {const_cast<char*>(CRASH_WRITER), const_cast<char*>(db.c_str()), const_cast<char*>(first.c_str()),
                  nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, CRASH_WRITER, &actions, nullptr, argv, environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::this_thread::sleep_for(runFor);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO("the writer must die by SIGKILL, not exit on its own (status " << status << ")");
  REQUIRE(WIFSIGNALED(status));
  std::string output;
  char buf[4096];
  for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) output.append(buf, static_cast<size_t>(got));
  close(fds[0]);
  std::vector<Reported> reported;
  std::istringstream lines(output);
  std::string word;
  Reported r;
  while (lines >> word >> r.n >> r.household >> r.person) {
    if (word == "DONE" && r.person.size() == 36) reported.push_back(r);  // a cut last line is ignored
  }
  return reported;
}

}  // namespace

TEST_CASE("saves reported done survive SIGKILL at random moments", "[crash]") {
  TempDir dir;
  const std::string db = dir.file("tablet.db");
  const int kills = 220;
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int> delay(2, 90);
  std::vector<Reported> all;
  int unreportedButCommitted = 0;
  for (int i = 0; i < kills; ++i) {
    int64_t households = 0;
    {
      synccore::DeviceStore store(db);
      auto rows = store.listHouseholds();
      households = static_cast<int64_t>(rows.size());
    }
    auto reported = runAndKill(db, static_cast<int>(households), std::chrono::milliseconds(delay(rng)));
    all.insert(all.end(), reported.begin(), reported.end());

    synccore::DeviceStore store(db);
    REQUIRE(store.integrityCheck() == "ok");
    // This run's saves after each kill; every save so far every 20 kills and at the end.
    const bool everything = i % 20 == 19 || i == kills - 1;
    for (const auto& r : everything ? all : reported) {
      INFO("save " << r.n << " was reported done");
      auto hh = store.load(r.household);
      REQUIRE(hh);
      CHECK(hh->values == crashtest::householdFor(r.n));
      auto person = store.load(r.person);
      REQUIRE(person);
      CHECK(person->parentUuid == r.household);
      auto expected = crashtest::headFor(r.n);
      CHECK(person->values == expected);
    }
    synccore::Database raw(db, synccore::Database::Mode::ReadOnly);
    // Whole: every household saved has its head (they were one transaction).
    CHECK(raw.queryInteger("SELECT count(*) FROM household h WHERE (SELECT count(*) FROM person p "
                      "WHERE p.parent_uuid=h.uuid) <> 1") == 0);
    // The outbox matches the stored versions, one entry per field version, none missing or extra.
    const std::string versions = "WITH fv AS (" + storedVersions(raw) + ") ";
    CHECK(raw.queryInteger(versions + "SELECT count(*) FROM fv WHERE NOT EXISTS (SELECT 1 FROM outbox o "
                      "WHERE o.record_uuid=fv.record_uuid AND o.field=fv.field AND o.hlc=fv.hlc)") == 0);
    CHECK(raw.queryInteger("SELECT count(*) FROM outbox") == raw.queryInteger(versions + "SELECT count(*) FROM fv"));
    const int64_t stored = raw.queryInteger("SELECT count(*) FROM household");
    REQUIRE(stored >= static_cast<int64_t>(all.size()));
    unreportedButCommitted = static_cast<int>(stored - static_cast<int64_t>(all.size()));
  }
  // The test must really have crashed a busy writer many times.
  CHECK(all.size() > static_cast<size_t>(kills));
  std::cout << "{\"crash_test\": {\"kills\": " << kills << ", \"saves_reported_done\": " << all.size()
            << ", \"committed_but_not_reported\": " << unreportedButCommitted
            << ", \"lost\": 0, \"integrity_check_ok\": " << kills << "}}\n";
}
