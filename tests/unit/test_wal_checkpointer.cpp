// The WAL copy thread shared by the server (on a timer) and devices (asked when a sync ends).
#include "temp_dir.h"

#include "synccore/sqlite.h"
#include "synccore/wal_checkpointer.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

using namespace synccore;

namespace {

void insertRows(Database& db, int rows) {
  Transaction tx(db);
  for (int i = 0; i < rows; ++i) db.cached("INSERT INTO t VALUES(?)").bind(1, i).run();
  tx.commit();
}

/// A new WAL-mode database with `rows` rows in table t, written by a connection that never copies the
/// WAL back itself (it stays open: only a checkpoint thread can put the rows into the file).
struct WalWriter {
  TempDir dir;
  Database writer{path()};
  explicit WalWriter(int rows) {
    writer.exec("PRAGMA journal_mode=WAL");
    writer.exec("CREATE TABLE t(x)");
    writer.setWalAutoCheckpoint(0);
    insertRows(writer, rows);
  }
  std::string path() const { return dir.file("a.db"); }
  /// Rows in a copy of the database file alone, without its WAL (0 when not even the table is there).
  int64_t rowsInFileAlone() const {
    const std::string copy = dir.file("copy-of-a.db");
    std::filesystem::copy_file(path(), copy, std::filesystem::copy_options::overwrite_existing);
    Database db(copy);
    return db.hasColumn("t", "x") ? db.queryInteger("SELECT count(*) FROM t") : 0;
  }
};

}  // namespace

TEST_CASE("a copy asked of the checkpoint thread puts the WAL into the file", "[store][checkpoint]") {
  WalWriter w(500);
  REQUIRE(w.rowsInFileAlone() == 0);  // everything is still in the WAL
  WalCheckpointer checkpointer(w.path(), std::chrono::milliseconds(0));
  checkpointer.request();
  checkpointer.waitUntilCopied();
  CHECK(w.rowsInFileAlone() == 500);
  // The writer goes on while the thread waits; the next copy brings the new rows too.
  insertRows(w.writer, 250);
  CHECK(w.rowsInFileAlone() == 500);
  checkpointer.request();
  checkpointer.waitUntilCopied();
  CHECK(w.rowsInFileAlone() == 750);
}

TEST_CASE("a checkpoint thread stopped right after a request still makes the copy", "[store][checkpoint]") {
  WalWriter w(300);
  {
    WalCheckpointer checkpointer(w.path(), std::chrono::milliseconds(0));
    checkpointer.request();
  }
  // The writer is still open: only the checkpoint thread can have put the rows into the file.
  CHECK(w.rowsInFileAlone() == 300);
}

TEST_CASE("a checkpoint thread on a timer copies without being asked", "[store][checkpoint]") {
  WalWriter w(100);
  WalCheckpointer checkpointer(w.path(), std::chrono::milliseconds(20));
  // No request: the copy comes from the timer (waited for without a time limit of the test's own).
  while (w.rowsInFileAlone() < 100) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(w.rowsInFileAlone() == 100);
}

TEST_CASE("waiting on a checkpoint thread returns when nothing was asked or it could not start",
          "[store][checkpoint]") {
  TempDir dir;
  WalCheckpointer idle(dir.file("a.db"), std::chrono::milliseconds(0));
  idle.waitUntilCopied();  // nothing asked: returns at once
  // A file that cannot be opened ends the thread (said on stderr); a wait for it does not hang.
  WalCheckpointer broken(dir.file("no-such-folder/a.db"), std::chrono::milliseconds(0));
  broken.request();
  broken.waitUntilCopied();
  CHECK_FALSE(std::filesystem::exists(dir.file("no-such-folder")));
}
