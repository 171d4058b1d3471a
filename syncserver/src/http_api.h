#pragma once
// The HTTP(S) face of the sync service: routes, authentication, body limits, JSON errors.
#include "audit_service.h"
#include "conflict_service.h"
#include "dashboard.h"
#include "grid_assignments.h"
#include "push_sequencer.h"
#include "review_service.h"
#include "sync_service.h"

#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace syncserver {

/// Options for serving.
struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  std::string tlsCert, tlsKey;
  size_t maxBodyBytes = 8 * 1024 * 1024;
  int64_t tokenTtlMs = SyncService::kDefaultTokenTtlMs;
  // How long a pipelined push waits for the changeset it names as `after` to arrive, and at most.
  int64_t pushArrivalWaitMs = 5000;
  int64_t pushLongestWaitMs = 60000;
  // Connections served at once: a kept connection holds a worker thread until it closes (5 s idle), and
  // a syncing tablet has up to two (a pipelined push). cpp-httplib's default is 8.
  size_t workerThreads = 64;
};

/// Binds routes to the services (sync, conflicts, reviews, grid assignment, dashboard, audit) and serves
/// them until stop().
class HttpApi {
 public:
  HttpApi(ServerState& state, HttpOptions options);
  ~HttpApi();
  /// Binds the socket; returns the port actually bound (throws when it cannot bind).
  int bind();
  /// Serves until stop(); call after bind().
  void serve();
  void stop();
  /// Requests served on one kept connection before the server closes it.
  static constexpr size_t kKeepAliveRequests = 1000;

 private:
  void installRoutes();
  /// POST /v1/changesets: decoded and ordered (PushSequencer) before the state's lock, merged under it.
  void push(const httplib::Request& req, httplib::Response& res);
  /// The request's session (call under the state's lock); nullopt after answering 401.
  std::optional<Session> signedIn(const httplib::Request& req, httplib::Response& res);
  ServerState& m_state;
  HttpOptions m_options;
  PushSequencer m_sequencer;
  SyncService m_service;
  ConflictService m_conflicts;
  ReviewService m_reviews;
  GridAssignments m_assignments;
  DashboardService m_dashboard;
  AuditService m_audit;
  std::unique_ptr<httplib::Server> m_server;
};

}  // namespace syncserver
