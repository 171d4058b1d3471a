// How the server's JSON answers travel: zstd to clients that take it, gzip or nothing otherwise.
#include "answer_encoding.h"
#include "local_server.h"
#include "zstd_text.h"

#include "synccore/http_client.h"

#include <catch2/catch.hpp>

using namespace syncserver;

namespace {

httplib::Request requestAccepting(const std::string& encodings) {
  httplib::Request req;
  if (!encodings.empty()) req.set_header("Accept-Encoding", encodings);
  return req;
}

/// The body a content provider of known length writes, read back through a sink.
std::string providedBody(httplib::Response& res) {
  std::string out;
  httplib::DataSink sink;
  sink.write = [&](const char* data, size_t length) {
    out.append(data, length);
    return true;
  };
  REQUIRE(res.content_provider_);
  for (size_t offset = 0; offset < res.content_length_;) {
    const size_t before = out.size();
    REQUIRE(res.content_provider_(offset, res.content_length_ - offset, sink));
    offset += out.size() - before;
  }
  return out;
}

/// A JSON text of about 40 KB, like a pull page.
std::string pageLike() {
  synccore::Json changes = synccore::Json::array();
  for (int i = 0; i < 400; ++i)
    changes.push_back({{"record", "0190a5b2-7c1e-7d2a-9b3c-" + std::to_string(100000000000 + i)},
                       {"field", "address"}, {"value", "玉泉家园" + std::to_string(i % 17) + "号楼"}});
  return synccore::Json{{"changes", changes}, {"has_more", false}}.dump();
}

}  // namespace

TEST_CASE("Accept-Encoding is read for zstd, weights included", "[http][server]") {
  CHECK(acceptsZstd(requestAccepting("zstd")));
  CHECK(acceptsZstd(requestAccepting("zstd, gzip")));
  CHECK(acceptsZstd(requestAccepting("gzip, ZSTD;q=0.5")));
  CHECK(acceptsZstd(requestAccepting(" gzip ,zstd ; q=1")));
  CHECK_FALSE(acceptsZstd(requestAccepting("")));
  CHECK_FALSE(acceptsZstd(requestAccepting("gzip, deflate")));
  CHECK_FALSE(acceptsZstd(requestAccepting("zstd;q=0, gzip")));
  CHECK_FALSE(acceptsZstd(requestAccepting("zstd; q=0.000")));
  CHECK_FALSE(acceptsZstd(requestAccepting("xzstd, zstdx")));
}

TEST_CASE("a JSON answer is one zstd frame for a client that takes zstd, as it is otherwise", "[http][server]") {
  const std::string json = pageLike();
  SECTION("zstd taken: compressed, sent as is by cpp-httplib") {
    httplib::Response res;
    setJsonBody(requestAccepting("zstd, gzip"), res, json);
    CHECK(res.get_header_value("Content-Encoding") == "zstd");
    CHECK(res.get_header_value("Content-Type") == "application/json");
    CHECK(res.body.empty());  // a provider, not content: cpp-httplib does not gzip it again
    const std::string frame = providedBody(res);
    CHECK(frame.size() * 5 < json.size());
    CHECK(fixtures::zstdDecompress(frame) == json);
  }
  SECTION("gzip only: left for cpp-httplib to compress") {
    httplib::Response res;
    setJsonBody(requestAccepting("gzip"), res, json);
    CHECK_FALSE(res.has_header("Content-Encoding"));
    CHECK(res.body == json);
  }
  SECTION("a small answer is not worth a frame") {
    httplib::Response res;
    setJsonBody(requestAccepting("zstd"), res, R"({"status":"ok"})");
    CHECK_FALSE(res.has_header("Content-Encoding"));
    CHECK(res.body == R"({"status":"ok"})");
  }
}

TEST_CASE("the device takes zstd answers over HTTP and counts their compressed bytes", "[http]") {
  const std::string json = pageLike();
  LocalServer server;
  std::string acceptEncoding;
  server.routes().Get("/v1/changes", [&](const httplib::Request& req, httplib::Response& res) {
    acceptEncoding = req.get_header_value("Accept-Encoding");
    setJsonBody(req, res, json);
  });
  server.start();
  synccore::HttpClient client(server.url());
  const synccore::HttpResult result = client.get("/v1/changes", {});
  REQUIRE(result.ok());
  CHECK(acceptEncoding.find("zstd") != std::string::npos);  // Debian's libcurl decodes zstd
  CHECK(acceptEncoding.find("br") == std::string::npos);
  CHECK(result.body == json);
  CHECK(result.json == synccore::Json::parse(json));
  CHECK(client.bytesReceived() * 5 < json.size());
}
