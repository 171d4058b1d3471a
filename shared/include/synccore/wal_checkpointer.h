#pragma once
// Copies a database's write-ahead log into its file off the writer's path.
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace synccore {

/// Copies the WAL into the database file on its own connection and thread (passive: never waits for
/// or blocks the connection that writes), every `interval` and whenever asked. The server runs one on
/// a timer; a device asks for a copy when a sync ends, so neither the sync nor the worker's next save
/// waits for it. The writing connection keeps its own auto-checkpoint as a backstop.
class WalCheckpointer {
 public:
  /// `interval` zero: copies only when asked.
  WalCheckpointer(std::string dbPath, std::chrono::milliseconds interval);
  /// Finishes a copy asked for or under way, then stops.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /// Asks for a copy and returns at once.
  void request();
  /// Blocks until every copy asked for before this call is done (tried: a failure is reported once
  /// on stderr and loses nothing, the WAL keeps every commit).
  void waitUntilCopied();

 private:
  void run();
  /// The thread's loop: waits for a request, the interval or stop, copies, until stopped.
  void copyUntilStopped();
  bool due() const;
  std::string m_path;
  std::chrono::milliseconds m_interval;
  std::mutex m_mutex;
  std::condition_variable m_wake;     // a request or stop for the thread
  std::condition_variable m_copied;   // a copy done, for waitUntilCopied
  uint64_t m_requested = 0;           // copies asked for so far
  uint64_t m_done = 0;                // requests answered by a finished copy
  bool m_stop = false;                // asked to stop (the destructor)
  bool m_stopped = false;             // the thread ended
  std::thread m_thread;
};

}  // namespace synccore
