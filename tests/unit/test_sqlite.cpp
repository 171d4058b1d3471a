#include "temp_dir.h"

#include "synccore/sqlite.h"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace synccore;

TEST_CASE("RelaxedSync lowers synchronous to NORMAL for its scope and puts FULL back", "[sqlite]") {
  TempDir dir;
  Database db(dir.file("relaxed.db"));
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
  db.exec("CREATE TABLE t(x INTEGER)");
  {
    RelaxedSync relaxed(db);
    CHECK(db.synchronousLevel() == 1);
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES(1)");
    tx.commit();
  }
  CHECK(db.synchronousLevel() == 2);
  // Also when the work fails: the transaction rolls back first, then the level comes back.
  CHECK_THROWS_AS(
      [&] {
        RelaxedSync relaxed(db);
        Transaction tx(db);
        db.exec("INSERT INTO t VALUES(2)");
        throw std::runtime_error("the page could not be stored");
      }(),
      std::runtime_error);
  CHECK(db.synchronousLevel() == 2);
  auto count = db.prepare("SELECT count(*) FROM t");
  count.step();
  CHECK(count.int64(0) == 1);
}

TEST_CASE("RelaxedSync leaves a connection that is already at NORMAL or OFF as it is", "[sqlite]") {
  TempDir dir;
  Database db(dir.file("relaxed.db"));
  for (int level : {0, 1}) {
    db.exec("PRAGMA synchronous=" + std::to_string(level));
    {
      RelaxedSync relaxed(db);
      CHECK(db.synchronousLevel() == level);
    }
    CHECK(db.synchronousLevel() == level);
  }
}

TEST_CASE("queryInteger gives a query's first value and refuses a query without a row", "[sqlite]") {
  TempDir dir;
  Database db(dir.file("query.db"));
  db.exec("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(7), (9)");
  CHECK(db.queryInteger("SELECT count(*) FROM t") == 2);
  CHECK(db.queryInteger("SELECT x FROM t ORDER BY x DESC") == 9);
  CHECK_THROWS_AS(db.queryInteger("SELECT x FROM t WHERE x > 100"), SqliteError);
}
