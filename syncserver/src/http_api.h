#pragma once
// The HTTP(S) face of the sync service: routes, authentication, body limits, JSON errors.
#include "audit_service.h"
#include "conflict_service.h"
#include "dashboard.h"
#include "grid_assignments.h"
#include "review_service.h"
#include "sync_service.h"

#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace syncserver {

/// Options for serving.
struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  std::string tlsCert, tlsKey;
  size_t maxBodyBytes = 8 * 1024 * 1024;
  int64_t tokenTtlMs = SyncService::kDefaultTokenTtlMs;
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
  ServerState& m_state;
  HttpOptions m_options;
  SyncService m_service;
  ConflictService m_conflicts;
  ReviewService m_reviews;
  GridAssignments m_assignments;
  DashboardService m_dashboard;
  AuditService m_audit;
  std::unique_ptr<httplib::Server> m_server;
};

}  // namespace syncserver
