#include "synccore/wal_checkpointer.h"

#include "synccore/sqlite.h"

#include <iostream>

namespace synccore {

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

void WalCheckpointer::request() {
  {
    std::lock_guard lock(m_mutex);
    ++m_requested;
  }
  m_wake.notify_all();
}

void WalCheckpointer::waitUntilCopied() {
  std::unique_lock lock(m_mutex);
  const uint64_t asked = m_requested;
  m_copied.wait(lock, [&] { return m_done >= asked || m_stopped; });
}

bool WalCheckpointer::due() const { return m_stop || m_done < m_requested; }

void WalCheckpointer::copyUntilStopped() {
  Database db(m_path);
  db.exec("PRAGMA synchronous=FULL");
  bool reported = false;
  std::unique_lock lock(m_mutex);
  while (true) {
    if (m_interval.count() > 0) m_wake.wait_for(lock, m_interval, [this] { return due(); });
    else m_wake.wait(lock, [this] { return due(); });
    const uint64_t answering = m_requested;
    if (m_stop && m_done >= answering) return;
    lock.unlock();
    try {
      db.checkpoint();
    } catch (const SqliteError& e) {
      // The writing connection's own auto-checkpoint still keeps the WAL bounded.
      if (!reported) std::cerr << "WAL 检查点失败 checkpoint failed: " << e.what() << "\n";
      reported = true;
    }
    lock.lock();
    m_done = answering;
    m_copied.notify_all();
  }
}

void WalCheckpointer::run() {
  try {
    copyUntilStopped();
  } catch (const std::exception& e) {
    std::cerr << "WAL 检查点线程停止 checkpointer stopped: " << e.what() << "\n";
  }
  std::lock_guard lock(m_mutex);
  m_stopped = true;  // nothing more will be copied: no one waits for it
  m_copied.notify_all();
}

}  // namespace synccore
