#pragma once
// HTTP(S) transport of the sync client: JSON over libcurl, gzip, error classes, backoff.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace synccore {

using Json = nlohmann::json;

/// Why a request got no usable answer; None when an HTTP response (of any status) arrived.
enum class TransportError {
  None,
  Unreachable,     // DNS failure, connection refused, no route, connect timed out
  Timeout,         // connected, but the whole exchange took longer than totalTimeoutMs
  ConnectionLost,  // reset, empty reply, partial response
  TlsFailure,      // certificate not trusted, wrong name, handshake refused (permanent)
  BadResponse,     // a 2xx whose body is not JSON, an undecodable or oversized body
  InvalidAddress,  // the server address is not an http(s) URL (permanent)
};

/// Stable lowercase name of a transport error, e.g. "unreachable" (for logs and error codes).
const char* transportErrorName(TransportError error);

/// Outcome of one request: either a transport error or an HTTP status with its (decoded) body.
struct HttpResult {
  TransportError transport = TransportError::None;
  long status = 0;                   // HTTP status when a response arrived
  std::string body;                  // decompressed
  Json json;                         // parsed body when it is JSON (else null)
  std::string messageZh, messageEn;  // set when !ok(): plain words a grid worker can act on
  std::string detail;  // technical cause for logs (curl's message); never contains the token

  /// Transport None and a 2xx status.
  bool ok() const;
  /// Worth retrying later with the same request: transport errors except TlsFailure and
  /// InvalidAddress, HTTP 408, 429, 500, 502, 503, 504. Never other 4xx (or 3xx).
  bool retryable() const;
};

/// Per-client transport settings.
struct HttpOptions {
  long connectTimeoutMs = 10000;
  long totalTimeoutMs = 60000;
  // PEM of CAs (or the server's self-signed certificate) to trust; empty = the system store.
  std::string caFile;
  bool compressRequests = true;         // gzip request bodies above 1 KiB (Content-Encoding: gzip)
  size_t maxResponseBytes = 64u << 20;  // decoded response bodies above this fail with BadResponse
};

/// One request as it went, told to an observer (HttpClient::observe) on the thread that sent it: for
/// benchmarks and diagnostics. Holds no token (that travels in a header, never shown).
struct HttpExchange {
  std::string_view path;
  std::string_view requestJson;  // the JSON text of a POST before compression; empty for a GET
  const HttpResult& result;
  double milliseconds;           // from encoding the request (or sending a prepared one) to the decoded answer
};

/// A POST body made ready to send (HttpClient::prepare): its JSON text and, when the client
/// compresses requests of its size, the gzip'd bytes that go on the wire.
struct PreparedBody {
  std::string json;
  std::string gzip;  // empty: sent as it is
};

/// Sends JSON requests to one server with a bearer token. Requests may run on several threads at once
/// (a pipelined push has two out): each takes a curl handle of its own from the client's idle ones, so
/// connections are reused between requests. Setting the token or the observer is not safe beside a
/// request. Never follows redirects.
class HttpClient {
 public:
  /// baseUrl like "https://10.0.0.5:8443" (a trailing slash is ignored); paths are appended to it.
  explicit HttpClient(std::string baseUrl, HttpOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sent as "Authorization: Bearer <token>" on every request; never put in a URL, never logged.
  /// An empty token sends no Authorization header. Throws std::invalid_argument (without echoing
  /// the token) if it contains characters that cannot appear in a header.
  void setBearerToken(std::string token);
  bool hasBearerToken() const { return !m_token.empty(); }

  /// POSTs body as JSON (gzip-compressed above 1 KiB when enabled). Never throws for network or
  /// server failures; they come back in the result.
  HttpResult postJson(const std::string& path, const Json& body);
  /// Encodes (and compresses, as postJson would) a body ahead of its request. Touches nothing the
  /// request does, so one thread may prepare the next body while another sends.
  PreparedBody prepare(const Json& body) const;
  /// POSTs a prepared body; otherwise as postJson.
  HttpResult post(const std::string& path, const PreparedBody& body);
  /// GETs path with query values URL-encoded. Never throws for network or server failures.
  HttpResult get(const std::string& path, const std::map<std::string, std::string>& query = {});
  /// GETs a file (CSV, XLSX, ...): a 2xx body need not be JSON; `body` holds its bytes.
  HttpResult download(const std::string& path, const std::map<std::string, std::string>& query = {});

  /// Calls `observer` after each postJson and get, on the thread that sent it: requests running at
  /// once call it at once (an empty function stops it).
  void observe(std::function<void(const HttpExchange&)> observer) { m_observer = std::move(observer); }

  /// Bytes sent and received on the wire (after compression, headers excluded) since construction.
  uint64_t bytesSent() const;
  uint64_t bytesReceived() const;
  /// Connections opened (each a TCP and TLS handshake) since construction; kept ones are reused.
  uint64_t connectionsOpened() const;

  const std::string& baseUrl() const { return m_baseUrl; }

 private:
  struct Handle;
  HttpResult perform(const std::string& url, const PreparedBody* postBody, bool expectJson = true);
  HttpResult send(const std::string& path, const PreparedBody& body, std::chrono::steady_clock::time_point start);
  std::string urlFor(const std::string& path, const std::map<std::string, std::string>& query) const;
  void tellObserver(std::string_view path, std::string_view requestJson, const HttpResult& result,
                    std::chrono::steady_clock::time_point start) const;

  std::string m_baseUrl;
  HttpOptions m_options;
  std::string m_token;
  std::unique_ptr<Handle> m_handle;  // the curl handles and the byte counters
  std::function<void(const HttpExchange&)> m_observer;
};

/// Request bodies larger than this many bytes are gzip-compressed.
inline constexpr size_t kCompressThresholdBytes = 1024;

/// gzip (RFC 1952) of data with zlib at the default level. Throws std::runtime_error if zlib fails.
std::string gzipCompress(std::string_view data);
/// Inflates one gzip member; nullopt if the input is corrupt, truncated, followed by extra bytes,
/// or would decompress to more than maxOutput bytes.
std::optional<std::string> gzipDecompress(std::string_view data, size_t maxOutput);

/// Percent-encodes everything except RFC 3986 unreserved characters (UTF-8 bytes one by one).
std::string urlEncode(std::string_view text);

/// Retry delay before attempt+1: exponential backoff with full jitter, base 500 ms, cap 30 s.
/// attempt counts from 0; randomValue is uniform over uint32_t. Returns a value in
/// [0, min(30000, 500 * 2^attempt)].
long backoffDelayMs(int attempt, uint32_t randomValue);

}  // namespace synccore
