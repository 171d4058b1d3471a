#pragma once
// Checkpoints the server database's write-ahead log off the request path.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace syncserver {

/// Copies the WAL into the database file every `interval` on its own connection and thread (passive:
/// never waits for or blocks a request), so a push does not pay for checkpoints. The request
/// connection keeps a large auto-checkpoint as a backstop.
class WalCheckpointer {
 public:
  WalCheckpointer(std::string dbPath, std::chrono::milliseconds interval);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  void run();
  std::string m_path;
  std::chrono::milliseconds m_interval;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace syncserver
