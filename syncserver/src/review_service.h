#pragma once
// Return-to-worker: a supervisor returns a household with comments on fields, the worker fixes it
// and resubmits, the supervisor approves. Every step is kept and written to the audit log.
#include "accounts.h"
#include "conflict_service.h"
#include "reply.h"
#include "server_state.h"

namespace syncserver {

/// Implements the review endpoints of docs/sync-protocol.md ("Return to worker"). Not
/// thread-safe: callers hold state.mutex().
class ReviewService {
 public:
  static constexpr size_t kMaxPage = 1000;
  explicit ReviewService(ServerState& state) : m_state(state) {}

  /// POST /v1/households/<id>/return (supervisor): {"comments": [{field, comment, record?}], "note"?}.
  Reply returnHousehold(const Session& session, const std::string& household, const Json& body);
  /// POST /v1/households/<id>/resubmit (worker): {"note"?}; the household must be returned.
  Reply resubmit(const Session& session, const std::string& household, const Json& body);
  /// POST /v1/households/<id>/approve (supervisor): {"note"?}; the household must be resubmitted.
  Reply approve(const Session& session, const std::string& household, const Json& body);
  /// GET /v1/households/<id>/review: the current state and the whole history.
  Reply get(const Session& session, const std::string& household);
  /// GET /v1/reviews?after=&limit=&state=: review states changed after a cursor, in the caller's grids.
  Reply list(const Session& session, const QueryParams& query);

 private:
  /// Records one step: checks role, scope and the state it starts from, writes state and audit entry.
  Reply step(const Session& session, const std::string& household, const Json& body, const std::string& action);
  std::optional<Reply> checkComments(const std::string& household, const Json& comments);
  ServerState& m_state;
};

}  // namespace syncserver
