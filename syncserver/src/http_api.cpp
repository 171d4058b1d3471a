#include "http_api.h"

#include "answer_encoding.h"

#include <httplib.h>

#include <chrono>
#include <iostream>

namespace syncserver {

namespace {

void send(const httplib::Request& req, httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  if (!reply.contentType.empty()) {
    res.set_header("Content-Disposition", "attachment; filename=\"" + reply.filename + "\"");
    res.set_content(reply.raw, reply.contentType);
    return;
  }
  setJsonBody(req, res, reply.body.dump());
}

std::string bearerToken(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  return header.rfind(prefix, 0) == 0 ? header.substr(prefix.size()) : std::string();
}

Reply unauthorized() {
  return Reply::error(401, "unauthorized", "sign in first (Authorization: Bearer <token>)", "请先登录");
}

std::optional<Json> parseBody(const httplib::Request& req, httplib::Response& res) {
  try {
    return Json::parse(req.body);
  } catch (const Json::parse_error& e) {
    send(req, res, Reply::error(400, "bad_json", std::string("the body is not valid JSON: ") + e.what(),
                           "请求内容不是有效的 JSON"));
    return std::nullopt;
  }
}

QueryParams queryParams(const httplib::Request& req) {
  QueryParams out;
  for (const auto& [name, value] : req.params) out.emplace(name, value);
  return out;
}

std::optional<int64_t> integerParam(const httplib::Request& req, const char* name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  try {
    size_t used = 0;
    int64_t v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

const char* statusCode(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "body_too_large";
    case 414: return "uri_too_long";
    default: return "http_error";
  }
}

}  // namespace

HttpApi::HttpApi(ServerState& state, HttpOptions options)
    : m_state(state),
      m_options(std::move(options)),
      m_sequencer(std::chrono::milliseconds(m_options.pushArrivalWaitMs),
                  std::chrono::milliseconds(m_options.pushLongestWaitMs)),
      m_service(state, m_options.tokenTtlMs),
      m_conflicts(state),
      m_reviews(state),
      m_assignments(state),
      m_dashboard(state),
      m_audit(state) {
  if (!m_options.tlsCert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(m_options.tlsCert.c_str(), m_options.tlsKey.c_str());
    if (!tls->is_valid()) throw std::runtime_error("cannot load TLS certificate or key / 无法加载 TLS 证书或私钥");
    m_server = std::move(tls);
  } else {
    m_server = std::make_unique<httplib::Server>();
  }
  m_server->set_payload_max_length(m_options.maxBodyBytes);
  m_server->new_task_queue = [threads = m_options.workerThreads] { return new httplib::ThreadPool(threads); };
  // Without TCP_NODELAY a small answer (headers and body are separate writes) waits for the
  // client's delayed ACK: 44 ms per GET /v1/health over loopback HTTPS, 0.08 ms with it.
  m_server->set_tcp_nodelay(true);
  // A sync is tens of requests in a row: keep its connection for all of them (cpp-httplib closes it
  // after 5 by default, a new TLS handshake, two extra round trips on a mobile network, every 5).
  // An idle connection is still closed after 5 s, so it does not hold a worker thread for long.
  m_server->set_keep_alive_max_count(kKeepAliveRequests);
  m_server->set_read_timeout(30, 0);
  m_server->set_write_timeout(30, 0);
  installRoutes();
}

HttpApi::~HttpApi() = default;

int HttpApi::bind() {
  int port = m_options.port == 0 ? m_server->bind_to_any_port(m_options.host.c_str())
                                 : (m_server->bind_to_port(m_options.host.c_str(), m_options.port) ? m_options.port : -1);
  if (port < 0) throw std::runtime_error("cannot listen on " + m_options.host + ":" + std::to_string(m_options.port));
  return port;
}

void HttpApi::serve() { m_server->listen_after_bind(); }
void HttpApi::stop() { m_server->stop(); }

void HttpApi::push(const httplib::Request& req, httplib::Response& res) {
  // Parsed and decoded before the lock, so a push sent while the one before it is merged gets ready
  // meanwhile (on another core); then it waits for that one, if it names it, still without the lock.
  // The token is checked under the lock (it is looked up); one that is missing is refused first.
  if (bearerToken(req).empty())
    return send(req, res, unauthorized());
  auto body = parseBody(req, res);
  if (!body) return;
  auto decoded = SyncService::decodePush(*body);
  if (auto* refused = std::get_if<Reply>(&decoded)) return send(req, res, *refused);
  DecodedPush& push = std::get<DecodedPush>(decoded);
  Reply reply;
  {
    PushSequencer::Arrival arrival(m_sequencer, push.changeset.id);
    if (!push.changeset.after.empty())
      m_sequencer.await(push.changeset.after, [&] {
        std::lock_guard lock(m_state.mutex());
        return m_state.changesetStored(push.changeset.after);
      });
    std::lock_guard lock(m_state.mutex());
    auto session = signedIn(req, res);
    if (!session) return;
    reply = m_service.push(*session, std::move(push));
  }
  send(req, res, reply);  // a push sent after this one is merged meanwhile: its wait ended with the merge
}

std::optional<Session> HttpApi::signedIn(const httplib::Request& req, httplib::Response& res) {
  const std::string token = bearerToken(req);
  if (token.empty()) {
    send(req, res, unauthorized());
    return std::nullopt;
  }
  auto session = m_service.authenticate(token);
  if (!session)
    send(req, res, Reply::error(401, "token_invalid", "your sign-in has expired or was revoked; sign in again",
                           "登录已过期或已被撤销,请重新登录"));
  return session;
}

void HttpApi::installRoutes() {
  auto& server = *m_server;
  // Every handler runs under the state's lock: one SQLite connection, one writer.
  const auto route = [this](bool needsSession, bool needsBody, std::function<Reply(const Session*, const Json&, const httplib::Request&)> fn) {
    return [this, needsSession, needsBody, fn](const httplib::Request& req, httplib::Response& res) {
      Json body;
      if (needsBody) {
        auto parsed = parseBody(req, res);
        if (!parsed) return;
        body = std::move(*parsed);
      }
      Reply reply;
      {
        std::lock_guard lock(m_state.mutex());
        std::optional<Session> session;
        if (needsSession) {
          session = signedIn(req, res);
          if (!session) return;
        }
        reply = fn(session ? &*session : nullptr, body, req);
      }
      send(req, res, reply);  // encoded and compressed without holding up other requests
    };
  };
  server.Get("/v1/health", [](const httplib::Request& req, httplib::Response& res) {
    send(req, res, Reply{200, Json{{"status", "ok"}, {"protocol", 1}, {"push_formats", {1, 2}}, {"pull_formats", {1, 2}}}});
  });
  server.Post("/v1/session", route(false, true, [this](const Session*, const Json& body, const httplib::Request&) {
                return m_service.signIn(body);
              }));
  server.Post("/v1/changesets", [this](const httplib::Request& req, httplib::Response& res) { push(req, res); });
  server.Get("/v1/changes", route(true, false, [this](const Session* s, const Json&, const httplib::Request& req) {
               auto after = integerParam(req, "after", 0);
               auto limit = integerParam(req, "limit", 500);
               if (!after || !limit || *limit <= 0)
                 return Reply::error(400, "bad_request", "after and limit must be whole numbers", "参数须为整数");
               const std::string device = req.has_param("device") ? req.get_param_value("device") : "";
               if (req.has_param("device") && (device.empty() || device.size() > 64))
                 return Reply::error(400, "bad_request", "device must be the device id of 1-64 characters",
                                     "device 参数须为 1-64 个字符的设备编号");
               const std::string format = req.has_param("format") ? req.get_param_value("format") : "1";
               if (format != "1" && format != "2")
                 return Reply::error(400, "bad_request", "format must be 1 or 2", "format 参数须为 1 或 2");
               return m_service.pull(*s, *after, static_cast<size_t>(*limit), device, format == "2");
             }));
  server.Get("/v1/snapshot", route(true, false, [this](const Session* s, const Json&, const httplib::Request&) {
               return m_service.snapshot(*s);
             }));
  server.Get("/v1/grids", route(true, false, [this](const Session* s, const Json&, const httplib::Request&) {
               return m_service.gridNames(*s);
             }));
  using Handler = std::function<Reply(const Session&, const QueryParams&)>;
  const auto get = [&](const char* path, Handler fn) {
    server.Get(path, route(true, false, [fn](const Session* s, const Json&, const httplib::Request& req) {
                 return fn(*s, queryParams(req));
               }));
  };
  using IdHandler = std::function<Reply(const Session&, const std::string&, const Json&)>;
  const auto post = [&](const char* path, IdHandler fn) {
    server.Post(path, route(true, true, [fn](const Session* s, const Json& body, const httplib::Request& req) {
                  return fn(*s, req.matches[1], body);
                }));
  };
  get("/v1/conflicts", [this](const Session& s, const QueryParams& q) { return m_conflicts.list(s, q); });
  server.Get(R"(/v1/conflicts/([0-9a-fA-F-]{36})/history)",
             route(true, false, [this](const Session* s, const Json&, const httplib::Request& req) {
               return m_conflicts.history(*s, req.matches[1]);
             }));
  post(R"(/v1/conflicts/([0-9a-fA-F-]{36})/resolve)",
       [this](const Session& s, const std::string& id, const Json& b) { return m_conflicts.resolve(s, id, b); });
  post(R"(/v1/conflicts/([0-9a-fA-F-]{36})/merge)",
       [this](const Session& s, const std::string& id, const Json& b) { return m_conflicts.merge(s, id, b); });
  get("/v1/reviews", [this](const Session& s, const QueryParams& q) { return m_reviews.list(s, q); });
  server.Get(R"(/v1/households/([0-9a-fA-F-]{36})/review)",
             route(true, false, [this](const Session* s, const Json&, const httplib::Request& req) {
               return m_reviews.get(*s, req.matches[1]);
             }));
  post(R"(/v1/households/([0-9a-fA-F-]{36})/return)",
       [this](const Session& s, const std::string& id, const Json& b) { return m_reviews.returnHousehold(s, id, b); });
  post(R"(/v1/households/([0-9a-fA-F-]{36})/resubmit)",
       [this](const Session& s, const std::string& id, const Json& b) { return m_reviews.resubmit(s, id, b); });
  post(R"(/v1/households/([0-9a-fA-F-]{36})/approve)",
       [this](const Session& s, const std::string& id, const Json& b) { return m_reviews.approve(s, id, b); });
  get("/v1/workers", [this](const Session& s, const QueryParams&) { return m_assignments.workers(s); });
  post(R"(/v1/workers/([A-Za-z0-9_.-]{1,64})/grids)",
       [this](const Session& s, const std::string& name, const Json& b) { return m_assignments.assign(s, name, b); });
  get("/v1/dashboard", [this](const Session& s, const QueryParams& q) { return m_dashboard.figures(s, q); });
  get("/v1/audit", [this](const Session& s, const QueryParams& q) { return m_audit.entries(s, q); });
  get("/v1/audit/verify", [this](const Session& s, const QueryParams&) { return m_audit.verify(s); });
  get("/v1/audit/export", [this](const Session& s, const QueryParams& q) { return m_audit.exportLog(s, q); });
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    // Only cpp-httplib's own refusals (no route, body too large) come without a body; ours have one,
    // as content or, compressed as zstd, as a content provider (with an empty body).
    if (!res.body.empty() || res.content_provider_) return;
    const int status = res.status;
    send(req, res, Reply::error(status, statusCode(status), "request refused (HTTP " + std::to_string(status) + ")",
                           "请求被拒绝(HTTP " + std::to_string(status) + ")"));
  });
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    std::cerr << "error in " << req.method << " " << req.path << ": " << what << std::endl;
    send(req, res, Reply::error(500, "internal_error", "the server failed; nothing was changed, try again later",
                           "服务器内部错误,未做任何更改,请稍后重试"));
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    // Never log headers or bodies: they carry tokens and personal data.
    std::cerr << req.method << " " << req.path << " " << res.status << std::endl;
  });
}

}  // namespace syncserver
