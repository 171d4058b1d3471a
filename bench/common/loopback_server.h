#pragma once
// syncserver inside a benchmark's process, for devices to reach over real loopback HTTPS.
#include "http_api.h"
#include "server_state.h"

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace benchkit {

/// A ServerState on a database file and its HttpApi serving HTTPS on a free 127.0.0.1 port from a
/// thread of its own; stopped and joined on destruction.
class LoopbackServer {
 public:
  /// `prepare` runs on the state before the first request can arrive (accounts, pragmas).
  LoopbackServer(const std::string& dbPath, const std::string& cert, const std::string& key,
                 const std::function<void(syncserver::ServerState&)>& prepare = {});
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(m_port); }
  syncserver::ServerState& state() { return *m_state; }
  /// Rows in a table, read under the server's lock.
  int64_t count(const std::string& table);

 private:
  std::unique_ptr<syncserver::ServerState> m_state;
  std::unique_ptr<syncserver::HttpApi> m_api;
  std::thread m_thread;
  int m_port = 0;
};

}  // namespace benchkit
