#include "wal_checkpointer.h"

#include "synccore/sqlite.h"

#include <iostream>

namespace syncserver {

WalCheckpointer::WalCheckpointer(std::string dbPath, std::chrono::milliseconds interval)
    : m_path(std::move(dbPath)), m_interval(interval), m_thread([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void WalCheckpointer::run() {
  try {
    synccore::Database db(m_path);
    db.exec("PRAGMA synchronous=FULL");
    bool reported = false;
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, m_interval, [this] { return m_stop; })) {
      lock.unlock();
      try {
        db.checkpoint();
      } catch (const synccore::SqliteError& e) {
        // The request connection's own auto-checkpoint still keeps the WAL bounded.
        if (!reported) std::cerr << "WAL 检查点失败 checkpoint failed: " << e.what() << "\n";
        reported = true;
      }
      lock.lock();
    }
  } catch (const std::exception& e) {
    std::cerr << "WAL 检查点线程停止 checkpointer stopped: " << e.what() << "\n";
  }
}

}  // namespace syncserver
