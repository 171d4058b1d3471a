// SyncClient's refresh of grid names at the end of a sync, against a stand-in server at the HTTP seam:
// names only label grids, so only a refused sign-in fails the sync; anything else keeps the names.
#include "fixtures.h"
#include "local_server.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <synccore/sync_client.h>

#include <atomic>

using namespace synccore;

namespace {

/// A server with nothing to pull whose GET /v1/grids answers with `status` and `body`.
class GridsServer {
 public:
  GridsServer(int status, std::string body) : m_status(status), m_body(std::move(body)) {
    const auto empty = [](const char* list) {
      return [list](const httplib::Request&, httplib::Response& res) {
        res.set_content(Json{{list, Json::array()}, {"next_after", 0}, {"has_more", false}}.dump(), "application/json");
      };
    };
    m_server.routes().Get("/v1/changes", empty("changes"));
    m_server.routes().Get("/v1/reviews", empty("reviews"));
    m_server.routes().Get("/v1/grids", [this](const httplib::Request&, httplib::Response& res) {
      ++m_asked;
      res.status = m_status;
      res.set_content(m_body, "application/json");
    });
    m_server.start();
  }
  std::string url() const { return m_server.url(); }
  int asked() const { return m_asked; }

 private:
  LocalServer m_server;
  int m_status;
  std::string m_body;
  std::atomic<int> m_asked{0};
};

}  // namespace

TEST_CASE("a sync refreshes the grid names; only a refused sign-in fails it", "[sync_client]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  store.setSetting("grid_names", R"({"G01": "旧名称"})");
  const std::map<std::string, std::string> before{{"G01", "旧名称"}};

  const auto [status, body, ok, names] = GENERATE_COPY(table<int, std::string, bool, std::map<std::string, std::string>>({
      // Names as the server has them; members of the wrong shape are left out.
      {200, R"({"grids": [{"code": "G01", "name": "玉泉家园一区1号楼网格"}, {"code": "G02"}, 7]})", true,
       {{"G01", "玉泉家园一区1号楼网格"}}},
      {404, R"({"code": "not_found"})", true, before},              // a server from before grid names
      {500, R"({"code": "internal_error"})", true, before},         // the records went through all the same
      {200, R"(["not", "an", "object"])", true, before},
      {401, R"({"code": "token_invalid", "message": "expired", "message_zh": "登录已过期"})", false, before},
  }));
  INFO("HTTP " << status << " " << body);
  GridsServer server(status, body);
  HttpClient http(server.url());
  SyncClient::Options options;
  options.sleep = [](long) {};
  SyncClient client(store, http, options);
  const SyncSummary summary = client.sync();
  CHECK(server.asked() >= 1);
  CHECK(summary.ok == ok);
  if (!ok) CHECK(summary.errorCode == "token_invalid");
  CHECK(gridNames(store) == names);
}
