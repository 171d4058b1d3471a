#include "loopback_server.h"

namespace benchkit {

LoopbackServer::LoopbackServer(const std::string& dbPath, const std::string& cert, const std::string& key,
                               const std::function<void(syncserver::ServerState&)>& prepare) {
  m_state = std::make_unique<syncserver::ServerState>(dbPath);
  if (prepare) prepare(*m_state);
  syncserver::HttpOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.tlsCert = cert;
  options.tlsKey = key;
  m_api = std::make_unique<syncserver::HttpApi>(*m_state, options);
  m_port = m_api->bind();
  m_thread = std::thread([this] { m_api->serve(); });
}

LoopbackServer::~LoopbackServer() {
  m_api->stop();
  m_thread.join();
}

int64_t LoopbackServer::count(const std::string& table) {
  std::lock_guard lock(m_state->mutex());
  auto st = m_state->db().prepare("SELECT count(*) FROM " + table);
  st.step();
  return st.int64(0);
}

}  // namespace benchkit
