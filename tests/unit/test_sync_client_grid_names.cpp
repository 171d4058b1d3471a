// Grid names and the user's grids reach a device with each sync: the pull's last page carries them (a
// stand-in server at the HTTP seam). A page without them, or with an unreadable value, keeps what the
// device had.
#include "fixtures.h"
#include "local_server.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <synccore/sync_client.h>

using namespace synccore;

namespace {

/// A server with nothing to pull whose last (only) pull page carries `names` and `grids` when they are
/// not null.
class NamingServer {
 public:
  explicit NamingServer(Json names, Json grids = Json()) : m_names(std::move(names)), m_grids(std::move(grids)) {
    m_server.routes().Get("/v1/changes", [this](const httplib::Request&, httplib::Response& res) {
      Json page{{"changes", Json::array()}, {"next_after", 0}, {"has_more", false}};
      if (!m_names.is_null()) page["grid_names"] = m_names;
      if (!m_grids.is_null()) page["grids"] = m_grids;
      res.set_content(page.dump(), "application/json");
    });
    answerNoReviews(m_server);
    m_server.start();
  }
  std::string url() const { return m_server.url(); }

 private:
  LocalServer m_server;
  Json m_names, m_grids;
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

TEST_CASE("a sync keeps the user's grids of the pull's last page, as an administrator changed them",
          "[sync_client]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  store.setSetting("grids", R"(["G01"])");

  const auto [sent, kept] = GENERATE_COPY(table<Json, std::vector<std::string>>({
      {Json::array({"G02", "G03"}), {"G02", "G03"}},
      {Json::array(), {}},                       // a supervisor now over every grid
      {Json(), {"G01"}},                         // a server from before this member
      {Json::array({"G02", 7}), {"G01"}},        // not a list of codes
      {Json{{"G02", "name"}}, {"G01"}},
  }));
  INFO("grids " << sent.dump());
  NamingServer server(Json(), sent);
  HttpClient http(server.url());
  SyncClient client(store, http, SyncClient::Options{});
  const SyncSummary summary = client.sync();
  CHECK(summary.ok);
  CHECK(signedInGrids(store) == kept);
}

TEST_CASE("a sign-in replaces the grids of the user before; anything but a list of codes counts as none",
          "[sync_client][scope]") {
  const auto [sent, kept] = GENERATE(table<Json, std::vector<std::string>>({
      {Json::array({"G02"}), {"G02"}},
      {Json::array({"G02", 7}), {}},
      {Json("G02"), {}},
      {Json(), {}},  // no member at all
  }));
  INFO("grids " << sent.dump());
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("grids", R"(["G01"])");  // wang's, signed in before
  LocalServer server;
  server.routes().Post("/v1/session", [&](const httplib::Request&, httplib::Response& res) {
    Json answer{{"token", "test-token"}, {"expires_at_ms", 0}, {"user", "li"}, {"role", "worker"}};
    if (!sent.is_null()) answer["grids"] = sent;
    res.set_content(answer.dump(), "application/json");
  });
  server.start();
  HttpClient http(server.url());
  SyncClient client(store, http, SyncClient::Options{});
  REQUIRE(client.login("li", "password-li").ok);
  CHECK(signedInGrids(store) == kept);
  CHECK(signedInScope(store) == GridScope::forRole("worker", kept));
}
