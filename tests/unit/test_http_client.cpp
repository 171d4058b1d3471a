#include "synccore/http_client.h"
#include "local_server.h"
#include "temp_dir.h"

#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

using namespace synccore;

namespace {

/// What a handler saw of the last request, read by the test after the response arrived.
struct Seen {
  std::mutex mutex;
  std::string target, authorization, userAgent, contentType, contentEncoding, acceptEncoding, body;
  httplib::Params params;
  int hits = 0;

  void record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mutex);
    target = req.target;
    authorization = req.get_header_value("Authorization");
    userAgent = req.get_header_value("User-Agent");
    contentType = req.get_header_value("Content-Type");
    contentEncoding = req.get_header_value("Content-Encoding");
    acceptEncoding = req.get_header_value("Accept-Encoding");
    body = req.body;
    params = req.params;
    ++hits;
  }
};

/// A TCP socket bound to an ephemeral 127.0.0.1 port; optionally listening. Closed on destruction.
class RawSocket {
 public:
  explicit RawSocket(int backlog = -1) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    socklen_t len = sizeof(addr);
    REQUIRE(::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    m_port = ntohs(addr.sin_port);
    if (backlog >= 0) REQUIRE(::listen(m_fd, backlog) == 0);
  }
  ~RawSocket() { ::close(m_fd); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  int fd() const { return m_fd; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  int m_fd = -1;
  int m_port = 0;
};

/// A throwaway self-signed certificate for 127.0.0.1, with its key, written as PEM files; valid from
/// `fromSeconds` to `toSeconds` around now.
struct SelfSignedCert {
  std::string certPath, keyPath;
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;

  explicit SelfSignedCert(const TempDir& dir, long fromSeconds = -3600, long toSeconds = 3600)
      : certPath(dir.file("server.crt")), keyPath(dir.file("server.key")) {
    key = EVP_EC_gen("P-256");
    REQUIRE(key != nullptr);
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), fromSeconds);
    X509_gmtime_adj(X509_getm_notAfter(cert), toSeconds);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      REQUIRE(ext != nullptr);
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
    FILE* f = std::fopen(certPath.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
  ~SelfSignedCert() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

Json sampleChanges(size_t count) {
  Json changes = Json::array();
  for (size_t i = 0; i < count; ++i) {
    changes.push_back({{"record", "household-" + std::to_string(i)},
                       {"field", "head_name"},
                       {"value", "王小明"},
                       {"hlc", "0001763850000000-0000-d3a2"}});
  }
  return {{"id", "6f1c"}, {"device", "d3a2"}, {"changes", changes}};
}

}  // namespace

TEST_CASE("gzip round trips and refuses corrupt or oversized input", "[http]") {
  SECTION("round trip") {
    std::string binary;
    for (int i = 0; i < 100000; ++i) binary += static_cast<char>((i * 7919) % 256);
    for (const std::string& text : {std::string(), std::string("a"), std::string("王小明 户主"),
                                    sampleChanges(300).dump(), binary}) {
      const std::string packed = gzipCompress(text);
      REQUIRE(packed.size() >= 18);
      CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);  // gzip magic, not a zlib header
      CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
      auto unpacked = gzipDecompress(packed, text.size());
      REQUIRE(unpacked.has_value());
      CHECK(*unpacked == text);
    }
  }
  SECTION("repetitive JSON shrinks a lot") {
    const std::string text = sampleChanges(500).dump();
    CHECK(gzipCompress(text).size() * 10 < text.size());
  }
  SECTION("corrupt, truncated, trailing bytes or not gzip at all") {
    const std::string text = sampleChanges(50).dump();
    const std::string packed = gzipCompress(text);
    std::string flipped = packed;
    flipped[packed.size() / 2] = static_cast<char>(flipped[packed.size() / 2] ^ 0x55);
    CHECK_FALSE(gzipDecompress(flipped, 1 << 20).has_value());
    std::string badCrc = packed;
    badCrc[packed.size() - 6] = static_cast<char>(badCrc[packed.size() - 6] ^ 1);
    CHECK_FALSE(gzipDecompress(badCrc, 1 << 20).has_value());
    CHECK_FALSE(gzipDecompress(packed.substr(0, packed.size() - 1), 1 << 20).has_value());
    CHECK_FALSE(gzipDecompress(packed.substr(0, 10), 1 << 20).has_value());
    CHECK_FALSE(gzipDecompress(packed + "x", 1 << 20).has_value());
    CHECK_FALSE(gzipDecompress("", 1 << 20).has_value());
    CHECK_FALSE(gzipDecompress(text, 1 << 20).has_value());
  }
  SECTION("output limit, including a small bomb") {
    const std::string text = sampleChanges(50).dump();
    const std::string packed = gzipCompress(text);
    CHECK(gzipDecompress(packed, text.size()).has_value());
    CHECK_FALSE(gzipDecompress(packed, text.size() - 1).has_value());
    const std::string bomb = gzipCompress(std::string(50u << 20, '\0'));
    CHECK(bomb.size() < 100000);
    CHECK_FALSE(gzipDecompress(bomb, 1u << 20).has_value());
  }
}

TEST_CASE("backoff grows exponentially with full jitter up to 30 s", "[http]") {
  const uint32_t maxRandom = UINT32_MAX;
  CHECK(backoffDelayMs(0, maxRandom) == 500);
  CHECK(backoffDelayMs(1, maxRandom) == 1000);
  CHECK(backoffDelayMs(2, maxRandom) == 2000);
  CHECK(backoffDelayMs(5, maxRandom) == 16000);
  CHECK(backoffDelayMs(6, maxRandom) == 30000);  // 32 s capped
  CHECK(backoffDelayMs(1000, maxRandom) == 30000);
  CHECK(backoffDelayMs(INT32_MAX, maxRandom) == 30000);
  CHECK(backoffDelayMs(-3, maxRandom) == 500);
  for (int attempt : {0, 3, 6, 50}) CHECK(backoffDelayMs(attempt, 0) == 0);
  CHECK(backoffDelayMs(3, 1u << 31) == 2000);  // half the range gives half the ceiling
  CHECK(backoffDelayMs(10, 1u << 31) == 15000);

  uint32_t state = 12345;
  for (int attempt = 0; attempt < 12; ++attempt) {
    const long ceiling = std::min(30000L, 500L << attempt);
    long smallest = LONG_MAX, largest = LONG_MIN;
    for (int i = 0; i < 2000; ++i) {
      state = state * 1664525u + 1013904223u;
      const long delay = backoffDelayMs(attempt, state);
      smallest = std::min(smallest, delay);
      largest = std::max(largest, delay);
    }
    CAPTURE(attempt, ceiling);
    CHECK(smallest >= 0);
    CHECK(largest <= ceiling);
    CHECK(smallest < ceiling / 10);  // jitter spreads over the whole range
    CHECK(largest > ceiling * 9 / 10);
  }
}

TEST_CASE("results are classified as ok, retryable or permanent", "[http]") {
  auto withStatus = [](long status) {
    HttpResult r;
    r.status = status;
    return r;
  };
  auto withTransport = [](TransportError error) {
    HttpResult r;
    r.transport = error;
    return r;
  };
  for (long status : {200L, 201L, 204L}) {
    CHECK(withStatus(status).ok());
    CHECK_FALSE(withStatus(status).retryable());
  }
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L}) {
    CAPTURE(status);
    CHECK_FALSE(withStatus(status).ok());
    CHECK(withStatus(status).retryable());
  }
  for (long status : {301L, 302L, 400L, 401L, 403L, 404L, 409L, 413L, 422L, 501L, 505L}) {
    CAPTURE(status);
    CHECK_FALSE(withStatus(status).ok());
    CHECK_FALSE(withStatus(status).retryable());
  }
  for (auto error : {TransportError::Unreachable, TransportError::Timeout,
                     TransportError::ConnectionLost, TransportError::BadResponse}) {
    CAPTURE(transportErrorName(error));
    CHECK_FALSE(withTransport(error).ok());
    CHECK(withTransport(error).retryable());
  }
  for (auto error : {TransportError::TlsFailure, TransportError::InvalidAddress}) {
    CAPTURE(transportErrorName(error));
    CHECK_FALSE(withTransport(error).ok());
    CHECK_FALSE(withTransport(error).retryable());
  }
  HttpResult lostAfter200 = withTransport(TransportError::ConnectionLost);
  lostAfter200.status = 200;
  CHECK_FALSE(lostAfter200.ok());
  CHECK(withStatus(0).ok() == false);
}

TEST_CASE("JSON round trip carries the token only in the Authorization header", "[http]") {
  LocalServer server;
  Seen seen;
  const std::string token = "tok3n-5ecret-9f8e7d6c";
  server.routes().Post("/v1/echo", [&](const httplib::Request& req, httplib::Response& res) {
    seen.record(req);
    res.set_content(Json{{"got", Json::parse(req.body)}, {"server", "安居"}}.dump(),
                    "application/json; charset=utf-8");
  });
  server.routes().Get("/v1/items", [&](const httplib::Request& req, httplib::Response& res) {
    seen.record(req);
    res.set_content(R"({"items": []})", "application/json");
  });
  server.start();

  HttpClient client(server.url() + "/");
  client.setBearerToken(token);

  const Json sent = {{"user", "wang"}, {"note", "户主不在家"}, {"n", 3}};
  HttpResult result = client.postJson("/v1/echo", sent);
  REQUIRE(result.transport == TransportError::None);
  CHECK(result.ok());
  CHECK(result.status == 200);
  CHECK(result.json["got"] == sent);
  CHECK(result.json["server"] == "安居");
  CHECK(result.messageEn.empty());
  {
    std::lock_guard<std::mutex> lock(seen.mutex);
    CHECK(seen.authorization == "Bearer " + token);
    CHECK(seen.target == "/v1/echo");
    CHECK(seen.userAgent == "anju-synccore/1");
    CHECK(seen.contentType == "application/json");
    CHECK(seen.contentEncoding.empty());  // small bodies are sent as they are
    CHECK_FALSE(seen.acceptEncoding.empty());
    CHECK(seen.body == sent.dump());
  }

  result = client.get("v1/items", {{"grid", "G01 & G02=x"}, {"名字", "王/小明?"}, {"since", "5"}});
  CHECK(result.ok());
  CHECK(result.json["items"].is_array());
  {
    std::lock_guard<std::mutex> lock(seen.mutex);
    CHECK(seen.authorization == "Bearer " + token);
    CHECK(seen.target.find(token) == std::string::npos);
    CHECK(seen.target.rfind("/v1/items?", 0) == 0);
    CHECK(seen.params.size() == 3);
    CHECK(seen.params.find("grid")->second == "G01 & G02=x");
    CHECK(seen.params.find("名字")->second == "王/小明?");
    CHECK(seen.params.find("since")->second == "5");
  }
  CHECK(client.bytesSent() == sent.dump().size());
  CHECK(client.bytesReceived() > 0);

  client.setBearerToken("");
  CHECK(client.get("/v1/items").ok());
  {
    std::lock_guard<std::mutex> lock(seen.mutex);
    CHECK(seen.authorization.empty());
  }
  CHECK_THROWS_AS(client.setBearerToken("abc\r\nX-Evil: 1"), std::invalid_argument);
}

TEST_CASE("two requests of one client run at once, each on its own connection", "[http]") {
  LocalServer server;
  std::mutex mutex;
  std::condition_variable arrived;
  int waiting = 0;
  // Each request is answered only once the other has arrived too (or after 5 s, answering false):
  // one connection at a time would never see both.
  server.routes().Post("/v1/together", [&](const httplib::Request& req, httplib::Response& res) {
    std::unique_lock lock(mutex);
    ++waiting;
    arrived.notify_all();
    const bool both = arrived.wait_for(lock, std::chrono::seconds(5), [&] { return waiting >= 2; });
    res.set_content(Json{{"both", both}, {"echo", Json::parse(req.body)}}.dump(), "application/json");
  });
  server.start();

  HttpClient client(server.url());
  client.setBearerToken("t0ken");
  const PreparedBody first = client.prepare(Json{{"n", 1}}), second = client.prepare(Json{{"n", 2}});
  auto other = std::async(std::launch::async, [&] { return client.post("/v1/together", second); });
  const HttpResult mine = client.post("/v1/together", first);
  const HttpResult theirs = other.get();
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  CHECK(mine.json["both"] == true);
  CHECK(theirs.json["both"] == true);
  CHECK(mine.json["echo"]["n"] == 1);  // each answer came back to its own request
  CHECK(theirs.json["echo"]["n"] == 2);
  CHECK(client.connectionsOpened() == 2);
  CHECK(client.bytesSent() == first.json.size() + second.json.size());
  // Both handles are kept: two more requests at once open no connection.
  {
    std::lock_guard lock(mutex);
    waiting = 0;
  }
  auto again = std::async(std::launch::async, [&] { return client.post("/v1/together", second); });
  CHECK(client.post("/v1/together", first).json["both"] == true);
  CHECK(again.get().json["both"] == true);
  CHECK(client.connectionsOpened() == 2);
}

TEST_CASE("large bodies travel gzip-compressed both ways", "[http]") {
  LocalServer server;
  Seen seen;
  const Json bigReply = sampleChanges(2000);
  server.routes().Post("/v1/changesets", [&](const httplib::Request& req, httplib::Response& res) {
    seen.record(req);  // httplib has already inflated the body
    res.set_content(bigReply.dump(), "application/json");
  });
  server.start();

  const Json changeset = sampleChanges(500);
  const std::string raw = changeset.dump();
  REQUIRE(raw.size() > 50000);

  SECTION("compressed") {
    HttpClient client(server.url());
    HttpResult result = client.postJson("/v1/changesets", changeset);
    REQUIRE(result.ok());
    CHECK(result.json == bigReply);
    CHECK(result.body == bigReply.dump());
    std::lock_guard<std::mutex> lock(seen.mutex);
    CHECK(seen.contentEncoding == "gzip");
    CHECK(seen.body == raw);
    CHECK(Json::parse(seen.body) == changeset);
    CHECK(client.bytesSent() * 10 < raw.size());
    CHECK(client.bytesSent() == gzipCompress(raw).size());
    CHECK(client.bytesReceived() * 10 < bigReply.dump().size());  // the server compressed too
  }
  SECTION("compression switched off") {
    HttpOptions options;
    options.compressRequests = false;
    HttpClient client(server.url(), options);
    REQUIRE(client.postJson("/v1/changesets", changeset).ok());
    std::lock_guard<std::mutex> lock(seen.mutex);
    CHECK(seen.contentEncoding.empty());
    CHECK(seen.body == raw);
    CHECK(client.bytesSent() == raw.size());
  }
  SECTION("a body prepared ahead goes as prepared, and the observer sees its JSON text") {
    HttpClient client(server.url());
    const PreparedBody big = client.prepare(changeset);
    CHECK(big.json == raw);
    CHECK(big.gzip == gzipCompress(raw));
    std::string observedJson;
    client.observe([&](const HttpExchange& x) { observedJson = std::string(x.requestJson); });
    REQUIRE(client.post("/v1/changesets", big).ok());
    CHECK(observedJson == raw);
    {
      std::lock_guard<std::mutex> lock(seen.mutex);
      CHECK(seen.contentEncoding == "gzip");
      CHECK(seen.body == raw);
    }
    CHECK(client.bytesSent() == big.gzip.size());
    // Under the threshold, or with compression off, nothing is compressed.
    const PreparedBody small = client.prepare(Json{{"x", 1}});
    CHECK(small.gzip.empty());
    REQUIRE(client.post("/v1/changesets", small).ok());
    std::lock_guard<std::mutex> lock(seen.mutex);
    CHECK(seen.contentEncoding.empty());
    CHECK(seen.body == R"({"x":1})");
    HttpOptions plain;
    plain.compressRequests = false;
    CHECK(HttpClient(server.url(), plain).prepare(changeset).gzip.empty());
  }
  SECTION("a response over maxResponseBytes is refused") {
    HttpOptions options;
    options.maxResponseBytes = 10000;
    HttpClient client(server.url(), options);
    HttpResult result = client.postJson("/v1/changesets", Json{{"x", 1}});
    CHECK(result.transport == TransportError::BadResponse);
    CHECK(result.body.empty());
    CHECK_FALSE(result.messageEn.empty());
  }
}

TEST_CASE("HTTP errors keep their JSON body and say whether to retry", "[http]") {
  LocalServer server;
  Seen landing;
  server.routes().Post("/v1/busy", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content(R"({"code": "busy"})", "application/json");
  });
  server.routes().Post("/v1/bad", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content(
        R"({"code": "bad_request", "message": "changes[3].hlc must be an HLC stamp string",
                        "message_zh": "第 4 条修改的时间戳格式不对"})",
        "application/json");
  });
  server.routes().Get("/v1/plain401",
                      [](const httplib::Request&, httplib::Response& res) { res.status = 401; });
  server.routes().Get("/portal", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>Please sign in to the Wi-Fi</html>", "text/html");
  });
  server.routes().Get("/moved", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/landing");
  });
  server.routes().Get("/landing", [&](const httplib::Request& req, httplib::Response& res) {
    landing.record(req);
    res.set_content("{}", "application/json");
  });
  server.start();
  HttpClient client(server.url());
  client.setBearerToken("t0ken");

  HttpResult busy = client.postJson("/v1/busy", Json::object());
  CHECK(busy.transport == TransportError::None);
  CHECK(busy.status == 503);
  CHECK_FALSE(busy.ok());
  CHECK(busy.retryable());
  CHECK(busy.json["code"] == "busy");
  CHECK_FALSE(busy.messageZh.empty());
  CHECK(busy.messageEn.find("try again later") != std::string::npos);

  HttpResult bad = client.postJson("/v1/bad", Json::object());
  CHECK(bad.status == 400);
  CHECK_FALSE(bad.ok());
  CHECK_FALSE(bad.retryable());
  CHECK(bad.json["code"] == "bad_request");
  CHECK(bad.messageEn == "changes[3].hlc must be an HLC stamp string");  // the server's own words
  CHECK(bad.messageZh == "第 4 条修改的时间戳格式不对");

  HttpResult unauthorized = client.get("/v1/plain401");
  CHECK(unauthorized.status == 401);
  CHECK_FALSE(unauthorized.retryable());
  CHECK(unauthorized.json.is_null());
  CHECK(unauthorized.messageZh == "登录已失效,请重新登录(HTTP 401)");
  CHECK(unauthorized.messageEn.find("sign in again") != std::string::npos);
  CHECK(unauthorized.messageEn.find("t0ken") == std::string::npos);

  HttpResult portal = client.get("/portal");
  CHECK(portal.transport == TransportError::BadResponse);
  CHECK(portal.status == 200);
  CHECK_FALSE(portal.ok());
  CHECK(portal.retryable());
  CHECK(portal.json.is_null());

  HttpResult moved = client.get("/moved");
  CHECK(moved.status == 302);
  CHECK_FALSE(moved.ok());
  CHECK_FALSE(moved.retryable());
  std::lock_guard<std::mutex> lock(landing.mutex);
  CHECK(landing.hits == 0);  // redirects are never followed (the token would go along)
}

TEST_CASE("transport failures are told apart", "[http]") {
  SECTION("nothing listening: unreachable, retryable") {
    RawSocket closedPort;  // bound so no one else takes the port, but not listening
    HttpClient client(closedPort.url());
    HttpResult result = client.postJson("/v1/changesets", Json::object());
    CHECK(result.transport == TransportError::Unreachable);
    CHECK(result.status == 0);
    CHECK(result.retryable());
    CHECK(result.messageZh == "无法连接服务器,请检查网络后重试");
    CHECK(result.messageEn == "Cannot reach the server; check the network and try again");
    CHECK_FALSE(result.detail.empty());
  }
  SECTION("connect timeout: unreachable, retryable") {
    RawSocket listener(0);  // never accepts; once its tiny backlog is full, new SYNs go unanswered
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      sockaddr_in addr{};
      socklen_t len = sizeof(addr);
      ::getsockname(listener.fd(), reinterpret_cast<sockaddr*>(&addr), &len);
      (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      fillers.push_back(fd);
    }
    HttpOptions options;
    options.connectTimeoutMs = 300;
    HttpClient client(listener.url(), options);
    HttpResult result = client.get("/v1/health");
    for (int fd : fillers) ::close(fd);
    CHECK(result.transport == TransportError::Unreachable);
    CHECK(result.retryable());
  }
  SECTION("a handler slower than totalTimeoutMs: timeout, retryable") {
    LocalServer server;
    server.routes().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1200));
      res.set_content("{}", "application/json");
    });
    server.routes().Get("/fast", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{}", "application/json");
    });
    server.start();
    HttpOptions options;
    options.totalTimeoutMs = 300;
    HttpClient client(server.url(), options);
    REQUIRE(client.get("/fast").ok());  // the slow request then reuses this connection
    const auto started = std::chrono::steady_clock::now();
    HttpResult result = client.get("/slow");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(result.transport == TransportError::Timeout);
    CHECK(result.retryable());
    CHECK(elapsed < std::chrono::milliseconds(1000));
  }
  SECTION("connection closed without an answer: connection lost, retryable") {
    RawSocket listener(8);
    std::thread closer([&] {
      int conn = ::accept(listener.fd(), nullptr, nullptr);
      if (conn < 0) return;
      char buffer[4096];
      (void)::recv(conn, buffer, sizeof(buffer), 0);
      ::close(conn);
    });
    HttpClient client(listener.url());
    HttpResult result = client.get("/v1/health");
    closer.join();
    CHECK(result.transport == TransportError::ConnectionLost);
    CHECK(result.retryable());
  }
  SECTION("not an http(s) address: permanent, nothing sent") {
    for (const char* address : {"ftp://127.0.0.1:1", "127.0.0.1:8443", "file:///etc/passwd", ""}) {
      CAPTURE(address);
      HttpClient client(address);
      HttpResult result = client.get("/v1/health");
      CHECK(result.transport == TransportError::InvalidAddress);
      CHECK_FALSE(result.retryable());
      CHECK_FALSE(result.messageZh.empty());
    }
  }
}

TEST_CASE("HTTPS trusts only the configured certificate", "[http]") {
  TempDir dir;
  SelfSignedCert cert(dir);
  LocalServer server(std::make_unique<httplib::SSLServer>(cert.cert, cert.key));
  REQUIRE(server.routes().is_valid());
  Seen seen;
  server.routes().Post("/v1/session", [&](const httplib::Request& req, httplib::Response& res) {
    seen.record(req);
    res.set_content(R"({"token": "abc"})", "application/json");
  });
  server.start();

  SECTION("system store: the self-signed certificate is refused, permanently") {
    HttpClient client(server.url("https"));
    HttpResult result = client.postJson("/v1/session", Json{{"user", "wang"}});
    CHECK(result.transport == TransportError::TlsFailure);
    CHECK_FALSE(result.retryable());
    CHECK(result.messageEn.find("certificate") != std::string::npos);
    std::lock_guard<std::mutex> lock(seen.mutex);
    CHECK(seen.hits == 0);
  }
  SECTION("caFile names the certificate: the request goes through") {
    HttpOptions options;
    options.caFile = cert.certPath;
    HttpClient client(server.url("https"), options);
    HttpResult result = client.postJson("/v1/session", Json{{"user", "wang"}});
    CHECK(result.ok());
    CHECK(result.json["token"] == "abc");
  }
}

TEST_CASE("a certificate not valid at the tablet's date says to check the date", "[http]") {
  // Valid only from tomorrow, or only until yesterday: what a tablet whose date is behind or ahead sees.
  constexpr long kDay = 24 * 3600;
  for (const auto& [from, to] : {std::pair{kDay, 2 * kDay}, std::pair{-2 * kDay, -kDay}}) {
    CAPTURE(from);
    TempDir dir;
    SelfSignedCert cert(dir, from, to);
    LocalServer server(std::make_unique<httplib::SSLServer>(cert.cert, cert.key));
    REQUIRE(server.routes().is_valid());
    server.routes().Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{}", "application/json");
    });
    server.start();
    HttpOptions options;
    options.caFile = cert.certPath;
    HttpResult result = HttpClient(server.url("https"), options).get("/v1/health");
    CHECK(result.transport == TransportError::TlsFailure);
    CHECK_FALSE(result.retryable());
    CHECK(result.messageZh.find("请检查平板的日期和时间") != std::string::npos);
    CHECK(result.messageEn.find("check the tablet's date and time") != std::string::npos);
  }
}
