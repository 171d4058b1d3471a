#include "synccore/http_client.h"

#include <curl/curl.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace synccore {

namespace {

constexpr const char* kUserAgent = "anju-synccore/1";
constexpr long kBackoffBaseMs = 500;
constexpr long kBackoffCapMs = 30000;

/// The answer encodings to offer: zstd first when this libcurl can decode it, and gzip.
const char* acceptedEncodings() {
  static const bool zstd = (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_ZSTD) != 0;
  return zstd ? "zstd, gzip" : "gzip";
}

void ensureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

struct CurlEasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;

/// Owns a curl_slist of request headers for the duration of one request.
class HeaderList {
 public:
  HeaderList() = default;
  ~HeaderList() { curl_slist_free_all(m_list); }
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;

  void append(const std::string& line) {
    curl_slist* next = curl_slist_append(m_list, line.c_str());
    if (next == nullptr) throw std::bad_alloc();
    m_list = next;
  }
  curl_slist* get() const { return m_list; }

 private:
  curl_slist* m_list = nullptr;
};

/// Collects a (decoded) response body up to a size limit.
struct BodySink {
  std::string body;
  size_t limit = 0;
  bool overflowed = false;
};

size_t writeBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  if (n > sink->limit - std::min(sink->limit, sink->body.size())) {
    sink->overflowed = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

/// connected: whether a TCP connection to the server existed during the transfer.
TransportError classifyCurlError(CURLcode code, bool connected) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return TransportError::Unreachable;
    case CURLE_OPERATION_TIMEDOUT:
      // Timing out before any connection existed (DNS or TCP connect) means unreachable.
      return connected ? TransportError::Timeout : TransportError::Unreachable;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return TransportError::TlsFailure;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:  // also "Received HTTP/0.9": not an HTTP server at all
      return TransportError::InvalidAddress;
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WRITE_ERROR:  // body over maxResponseBytes
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_TOO_MANY_REDIRECTS:
      return TransportError::BadResponse;
    default:
      // CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2...
      return TransportError::ConnectionLost;
  }
}

void setTransportMessage(HttpResult& result) {
  switch (result.transport) {
    case TransportError::None:
      return;
    case TransportError::Unreachable:
      result.messageZh = "无法连接服务器,请检查网络后重试";
      result.messageEn = "Cannot reach the server; check the network and try again";
      return;
    case TransportError::Timeout:
      result.messageZh = "服务器响应超时,请稍后重试";
      result.messageEn = "The server took too long to answer; try again later";
      return;
    case TransportError::ConnectionLost:
      result.messageZh = "与服务器的连接中断,请稍后重试";
      result.messageEn = "The connection to the server was cut off; try again later";
      return;
    case TransportError::TlsFailure:
      // OpenSSL's words for a certificate outside its validity at this device's date: most often the
      // tablet's date is wrong, which the worker can fix.
      if (result.detail.find("not yet valid") != std::string::npos ||
          result.detail.find("has expired") != std::string::npos) {
        result.messageZh = "服务器的安全证书按本机的日期无效(尚未生效或已过期):请检查平板的日期和时间;"
                           "日期正确时请联系管理员";
        result.messageEn = "The server's security certificate is not valid at this tablet's date (not yet, or no "
                           "longer): check the tablet's date and time, and ask your administrator if it is right";
        return;
      }
      result.messageZh = "无法验证服务器的安全证书,请联系管理员核对服务器地址和证书";
      result.messageEn =
          "The server's security certificate could not be verified; ask your administrator to "
          "check the server address and certificate";
      return;
    case TransportError::BadResponse:
      result.messageZh = "服务器返回的内容无法识别,请稍后重试;如果一直出现,请联系管理员";
      result.messageEn =
          "The server's answer could not be read; try again later, and tell your administrator "
          "if it keeps happening";
      return;
    case TransportError::InvalidAddress:
      result.messageZh = "服务器地址无效,请检查设置中的服务器地址";
      result.messageEn =
          "The server address is not valid; check the server address in the settings";
      return;
  }
}

void setStatusMessage(HttpResult& result) {
  const std::string suffixZh = "(HTTP " + std::to_string(result.status) + ")";
  const std::string suffixEn = " (HTTP " + std::to_string(result.status) + ")";
  std::string zh, en;
  if (result.retryable()) {
    zh = "服务器暂时无法处理,请稍后重试";
    en = "The server cannot handle the request right now; try again later";
  } else if (result.status == 401) {
    zh = "登录已失效,请重新登录";
    en = "Your sign-in is no longer valid; sign in again";
  } else if (result.status == 403) {
    zh = "没有权限执行此操作,请联系管理员";
    en = "You are not allowed to do this; ask your administrator";
  } else if (result.status == 404) {
    zh = "服务器上没有这项功能,请检查服务器地址或更新应用";
    en = "The server does not offer this; check the server address or update the app";
  } else if (result.status == 413) {
    zh = "数据太大,服务器无法接收,请联系管理员";
    en = "The data is too large for the server; ask your administrator";
  } else if (result.status >= 300 && result.status < 400) {
    zh = "服务器地址可能已变更,或当前网络需要先登录,请检查服务器地址";
    en = "The server redirected the request; check the server address, or sign in to this "
         "network first";
  } else {
    zh = "服务器拒绝了请求,请联系管理员";
    en = "The server refused the request; ask your administrator";
  }
  // The server's own words (protocol errors carry "message" and "message_zh") are more specific.
  if (result.json.is_object()) {
    auto zhIt = result.json.find("message_zh");
    auto enIt = result.json.find("message");
    if (zhIt != result.json.end() && zhIt->is_string() &&
        !zhIt->get_ref<const std::string&>().empty()) {
      result.messageZh = zhIt->get<std::string>();
    }
    if (enIt != result.json.end() && enIt->is_string() &&
        !enIt->get_ref<const std::string&>().empty()) {
      result.messageEn = enIt->get<std::string>();
    }
  }
  if (result.messageZh.empty()) result.messageZh = zh + suffixZh;
  if (result.messageEn.empty()) result.messageEn = en + suffixEn;
}

bool headerSafe(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

const char* transportErrorName(TransportError error) {
  switch (error) {
    case TransportError::None:
      return "none";
    case TransportError::Unreachable:
      return "unreachable";
    case TransportError::Timeout:
      return "timeout";
    case TransportError::ConnectionLost:
      return "connection_lost";
    case TransportError::TlsFailure:
      return "tls_failure";
    case TransportError::BadResponse:
      return "bad_response";
    case TransportError::InvalidAddress:
      return "invalid_address";
  }
  return "unknown";
}

bool HttpResult::ok() const {
  return transport == TransportError::None && status >= 200 && status < 300;
}

bool HttpResult::retryable() const {
  switch (transport) {
    case TransportError::None:
      break;
    case TransportError::TlsFailure:
    case TransportError::InvalidAddress:
      return false;
    case TransportError::Unreachable:
    case TransportError::Timeout:
    case TransportError::ConnectionLost:
    case TransportError::BadResponse:
      return true;
  }
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

/// The client's curl easy handles, reused across requests so connections are kept alive: one per
/// request in progress (a pipelined push has two), taken from the idle ones or made. And the counters,
/// which requests on several threads add to.
struct HttpClient::Handle {
  std::mutex mutex;
  std::vector<CurlEasyPtr> idle;
  std::atomic<uint64_t> bytesSent{0}, bytesReceived{0}, connectionsOpened{0};

  CurlEasyPtr take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CurlEasyPtr curl = std::move(idle.back());
        idle.pop_back();
        return curl;
      }
    }
    CurlEasyPtr curl(curl_easy_init());
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    return curl;
  }
  void give(CurlEasyPtr curl) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(curl));
  }
};

HttpClient::HttpClient(std::string baseUrl, HttpOptions options)
    : m_baseUrl(std::move(baseUrl)), m_options(std::move(options)) {
  ensureCurlInitialized();
  while (!m_baseUrl.empty() && m_baseUrl.back() == '/') m_baseUrl.pop_back();
  m_handle = std::make_unique<Handle>();
  m_handle->give(m_handle->take());
}

uint64_t HttpClient::bytesSent() const { return m_handle->bytesSent; }
uint64_t HttpClient::bytesReceived() const { return m_handle->bytesReceived; }
uint64_t HttpClient::connectionsOpened() const { return m_handle->connectionsOpened; }

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::setBearerToken(std::string token) {
  if (!headerSafe(token)) {
    throw std::invalid_argument("bearer token contains control characters / 登录令牌包含非法字符");
  }
  m_token = std::move(token);
}

HttpResult HttpClient::postJson(const std::string& path, const Json& body) {
  const auto start = std::chrono::steady_clock::now();
  return send(path, prepare(body), start);
}

PreparedBody HttpClient::prepare(const Json& body) const {
  PreparedBody out;
  // Invalid UTF-8 in a string is replaced rather than thrown on: the request still goes out.
  out.json = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (m_options.compressRequests && out.json.size() > kCompressThresholdBytes) out.gzip = gzipCompress(out.json);
  return out;
}

HttpResult HttpClient::post(const std::string& path, const PreparedBody& body) {
  return send(path, body, std::chrono::steady_clock::now());
}

HttpResult HttpClient::send(const std::string& path, const PreparedBody& body,
                            std::chrono::steady_clock::time_point start) {
  std::string url = m_baseUrl;
  if (path.empty() || path.front() != '/') url += '/';
  url += path;
  HttpResult result = perform(url, &body);
  tellObserver(path, body.json, result, start);
  return result;
}

HttpResult HttpClient::get(const std::string& path,
                           const std::map<std::string, std::string>& query) {
  const auto start = std::chrono::steady_clock::now();
  HttpResult result = perform(urlFor(path, query), nullptr);
  tellObserver(path, {}, result, start);
  return result;
}

void HttpClient::tellObserver(std::string_view path, std::string_view requestJson, const HttpResult& result,
                              std::chrono::steady_clock::time_point start) const {
  if (!m_observer) return;
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  m_observer(HttpExchange{path, requestJson, result, took.count()});
}

HttpResult HttpClient::download(const std::string& path, const std::map<std::string, std::string>& query) {
  return perform(urlFor(path, query), nullptr, /*expectJson=*/false);
}

std::string HttpClient::urlFor(const std::string& path, const std::map<std::string, std::string>& query) const {
  std::string url = m_baseUrl;
  if (path.empty() || path.front() != '/') url += '/';
  url += path;
  char separator = path.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : query) {
    url += separator;
    url += urlEncode(key);
    url += '=';
    url += urlEncode(value);
    separator = '&';
  }
  return url;
}

HttpResult HttpClient::perform(const std::string& url, const PreparedBody* postBody, bool expectJson) {
  HttpResult result;
  if (!startsWithNoCase(m_baseUrl, "http://") && !startsWithNoCase(m_baseUrl, "https://")) {
    result.transport = TransportError::InvalidAddress;
    result.detail = "server address must start with http:// or https://";
    setTransportMessage(result);
    return result;
  }

  CurlEasyPtr taken = m_handle->take();
  CURL* curl = taken.get();
  // Back to the idle handles however this returns, with its connection for the next request.
  struct GiveBack {
    Handle& pool;
    CurlEasyPtr& curl;
    ~GiveBack() { pool.give(std::move(curl)); }
  } giveBack{*m_handle, taken};
  curl_easy_reset(curl);  // keeps the connection cache; clears options of the previous request

  char errorBuffer[CURL_ERROR_SIZE] = {};
  BodySink sink;
  sink.limit = m_options.maxResponseBytes;

  HeaderList headers;
  headers.append("Accept: application/json");
  headers.append("Expect:");  // no 100-continue round trip for large bodies
  if (!m_token.empty()) headers.append("Authorization: Bearer " + m_token);

  if (postBody != nullptr) {
    const std::string* payload = &postBody->json;
    headers.append("Content-Type: application/json");
    if (!postBody->gzip.empty()) {
      payload = &postBody->gzip;
      headers.append("Content-Encoding: gzip");
    }
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload->size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, m_options.connectTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, m_options.totalTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
  // zstd (when this libcurl decodes it) and gzip, never br: offered br, cpp-httplib compresses at
  // brotli quality 11, about 0.3 ms of server CPU per pulled change. The server answers zstd itself
  // (docs/sync-protocol.md, "Compression").
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, acceptedEncodings());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!m_options.caFile.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, m_options.caFile.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &writeBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);

  const CURLcode code = curl_easy_perform(curl);

  curl_off_t uploaded = 0, downloaded = 0;
  if (curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &uploaded) == CURLE_OK && uploaded > 0) {
    m_handle->bytesSent += static_cast<uint64_t>(uploaded);
  }
  if (curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &downloaded) == CURLE_OK &&
      downloaded > 0) {
    m_handle->bytesReceived += static_cast<uint64_t>(downloaded);
  }
  long connects = 0;
  if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0)
    m_handle->connectionsOpened += static_cast<uint64_t>(connects);
  // Neither the header list (which holds the token) nor the error buffer outlives this call.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);

  if (code != CURLE_OK) {
    const std::string curlMessage = errorBuffer[0] != '\0' ? errorBuffer : curl_easy_strerror(code);
    long localPort = 0;  // reset by curl for every transfer; 0 while no connection was made
    curl_easy_getinfo(curl, CURLINFO_LOCAL_PORT, &localPort);
    result.transport = classifyCurlError(code, localPort != 0);
    result.detail = sink.overflowed ? "response body larger than " +
                                          std::to_string(m_options.maxResponseBytes) + " bytes"
                                    : curlMessage;
    setTransportMessage(result);
    return result;
  }

  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  result.body = std::move(sink.body);
  result.json = Json::parse(result.body, nullptr, /*allow_exceptions=*/false);
  if (result.json.is_discarded()) {
    result.json = nullptr;
    if (expectJson && result.status >= 200 && result.status < 300 && !result.body.empty()) {
      result.transport = TransportError::BadResponse;
      result.detail = "HTTP " + std::to_string(result.status) + " with a body that is not JSON";
      setTransportMessage(result);
      return result;
    }
  }
  if (!result.ok()) setStatusMessage(result);
  return result;
}

std::string gzipCompress(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: write a gzip header and trailer instead of a zlib one.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(std::min<size_t>(data.size(), ULONG_MAX))) +
             64);
  size_t produced = 0;
  size_t consumed = 0;
  int rc = Z_OK;
  do {
    const size_t chunk = std::min<size_t>(data.size() - consumed, UINT_MAX);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
    stream.avail_in = static_cast<uInt>(chunk);
    const bool last = consumed + chunk == data.size();
    do {
      if (produced == out.size()) out.resize(out.size() * 2);
      const size_t room = std::min<size_t>(out.size() - produced, UINT_MAX);
      stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
      stream.avail_out = static_cast<uInt>(room);
      rc = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
      produced += room - stream.avail_out;
      if (rc == Z_STREAM_ERROR) {
        deflateEnd(&stream);
        throw std::runtime_error("deflate failed");
      }
    } while (stream.avail_out == 0 || (last && rc != Z_STREAM_END));
    consumed += chunk;
  } while (consumed < data.size());
  deflateEnd(&stream);
  out.resize(produced);
  return out;
}

std::optional<std::string> gzipDecompress(std::string_view data, size_t maxOutput) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return std::nullopt;  // gzip wrapper only
  struct InflateEnd {
    z_stream* s;
    ~InflateEnd() { inflateEnd(s); }
  } guard{&stream};

  std::string out;
  char buffer[16384];
  size_t consumed = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (stream.avail_in == 0) {
      if (consumed == data.size()) return std::nullopt;  // truncated
      const size_t chunk = std::min<size_t>(data.size() - consumed, UINT_MAX);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
      stream.avail_in = static_cast<uInt>(chunk);
      consumed += chunk;
    }
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return std::nullopt;
    const size_t n = sizeof(buffer) - stream.avail_out;
    if (n > maxOutput - out.size()) return std::nullopt;
    out.append(buffer, n);
    if (rc == Z_BUF_ERROR && n == 0 && stream.avail_in != 0) return std::nullopt;
  }
  if (stream.avail_in != 0 || consumed != data.size()) return std::nullopt;  // trailing bytes
  return out;
}

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    }
  }
  return out;
}

long backoffDelayMs(int attempt, uint32_t randomValue) {
  long ceiling = kBackoffBaseMs;
  for (int i = 0; i < attempt && ceiling < kBackoffCapMs; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, kBackoffCapMs);
  // Full jitter: uniform over [0, ceiling], scaling the 32-bit value instead of taking a modulo.
  return static_cast<long>(
      (static_cast<uint64_t>(randomValue) * static_cast<uint64_t>(ceiling + 1)) >> 32);
}

}  // namespace synccore
