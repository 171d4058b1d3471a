#pragma once
// A cpp-httplib server on 127.0.0.1 for unit tests that need an HTTP peer at a seam.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <synccore/sync_client.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

/// A cpp-httplib server on 127.0.0.1 with an ephemeral port, served from a thread until destroyed.
class LocalServer {
 public:
  explicit LocalServer(
      std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
      : m_server(std::move(server)) {}
  ~LocalServer() {
    if (!m_thread.joinable()) return;
    // stop() only works once the accept loop runs; connections queue in the backlog until then.
    while (!m_server->is_running() && !m_finished)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    m_server->stop();
    m_thread.join();
  }
  httplib::Server& routes() { return *m_server; }
  void start() {
    m_port = m_server->bind_to_any_port("127.0.0.1");
    REQUIRE(m_port > 0);
    m_thread = std::thread([this] {
      m_server->listen_after_bind();
      m_finished = true;
    });
  }
  std::string url(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(m_port);
  }

 private:
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  std::atomic<bool> m_finished{false};
  int m_port = -1;
};

/// Answers GET /v1/reviews with one empty last page, for stand-ins of a sync server that has no reviews.
inline void answerNoReviews(LocalServer& server) {
  server.routes().Get("/v1/reviews", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"reviews": [], "next_after": 0, "has_more": false})", "application/json");
  });
}

/// Answers a push as a server that refused it: 422 invalid_changes with `rejected`, and `extra` members.
inline void answerRefusal(httplib::Response& res, const synccore::Json& rejected,
                          synccore::Json extra = synccore::Json::object()) {
  extra["code"] = "invalid_changes";
  extra["message"] = "refused";
  extra["message_zh"] = "被退回";
  extra["rejected"] = rejected;
  res.status = 422;
  res.set_content(extra.dump(), "application/json");
}

/// One SyncClient::sync of `store` against `url` with `options` (no waiting between retries): it must
/// not throw; the summary is shown if a check after it fails.
inline synccore::SyncSummary syncOverHttp(synccore::DeviceStore& store, const std::string& url,
                                          synccore::SyncClient::Options options = {}) {
  synccore::HttpClient http(url);
  options.sleep = [](long) {};
  synccore::SyncClient client(store, http, options);
  synccore::SyncSummary summary;
  REQUIRE_NOTHROW(summary = client.sync());
  UNSCOPED_INFO(summary.toJson().dump());
  return summary;
}
