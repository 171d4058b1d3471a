// Grid names reach a device with each sync: the pull's last page carries them (a stand-in server at the
// HTTP seam). Names only label grids: a page without them, or with an unreadable value, keeps the names.
#include "fixtures.h"
#include "local_server.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <synccore/sync_client.h>

using namespace synccore;

namespace {

/// A server with nothing to pull whose last (only) pull page carries `names` when it is not null.
class NamingServer {
 public:
  explicit NamingServer(Json names) : m_names(std::move(names)) {
    m_server.routes().Get("/v1/changes", [this](const httplib::Request&, httplib::Response& res) {
      Json page{{"changes", Json::array()}, {"next_after", 0}, {"has_more", false}};
      if (!m_names.is_null()) page["grid_names"] = m_names;
      res.set_content(page.dump(), "application/json");
    });
    answerNoReviews(m_server);
    m_server.start();
  }
  std::string url() const { return m_server.url(); }

 private:
  LocalServer m_server;
  Json m_names;
};

}  // namespace

TEST_CASE("a sync keeps the grid names of the pull's last page; without readable ones it keeps the old",
          "[sync_client]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  store.setSetting("grid_names", R"({"G01": "旧名称"})");
  const std::map<std::string, std::string> before{{"G01", "旧名称"}};

  const auto [sent, kept] = GENERATE_COPY(table<Json, std::map<std::string, std::string>>({
      // Members that are no text are left out.
      {Json{{"G01", "玉泉家园一区1号楼网格"}, {"G02", 7}}, {{"G01", "玉泉家园一区1号楼网格"}}},
      {Json(), before},                                   // a server from before grid names
      {Json::array({"not", "an", "object"}), before},
  }));
  INFO("grid_names " << sent.dump());
  NamingServer server(sent);
  HttpClient http(server.url());
  SyncClient client(store, http, SyncClient::Options{});
  const SyncSummary summary = client.sync();
  CHECK(summary.ok);
  CHECK(gridNames(store) == kept);
}
