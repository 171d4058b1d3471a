// SyncClient against a server older than format 2 (a stand-in at the HTTP seam that speaks only
// format 1, as servers before 2026-11-23 did): the push falls back to format 1 and nothing is lost.
#include "fixtures.h"
#include "local_server.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <synccore/changeset.h>
#include <synccore/changeset_columns.h>
#include <synccore/sync_client.h>

#include <mutex>
#include <vector>

using namespace synccore;

namespace {

/// The format 1 server's answers: unknown members refused by name, every change applied as sent.
class FormatOneServer {
 public:
  FormatOneServer() {
    m_server.routes().Post("/v1/changesets", [this](const httplib::Request& req, httplib::Response& res) {
      const Json body = Json::parse(req.body);
      std::lock_guard lock(m_mutex);
      m_pushes.push_back(body);
      if (body.contains("format")) {
        res.status = 400;
        res.set_content(Json{{"code", "bad_request"}, {"message", "changeset.format is not a known field"},
                             {"message_zh", "请求格式错误: changeset.format is not a known field"}}
                            .dump(),
                        "application/json");
        return;
      }
      const Changeset cs = changesetFromJson(body);
      Json results = Json::array();
      for (const Change& c : cs.changes)
        results.push_back(Json{{"change_id", c.changeId}, {"outcome", "applied"}, {"applied", true},
                               {"current", Json{{"value", c.value}, {"version", c.hlc}, {"record_deleted", false}}}});
      res.set_content(Json{{"id", cs.id}, {"results", results}, {"last_seq", 7}}.dump(), "application/json");
    });
    const auto emptyPage = [](const char* list) {
      return [list](const httplib::Request& req, httplib::Response& res) {
        if (req.has_param("format") && req.get_param_value("format") != "2") res.status = 500;  // never asked
        res.set_content(Json{{list, Json::array()}, {"next_after", 7}, {"has_more", false}}.dump(), "application/json");
      };
    };
    m_server.routes().Get("/v1/changes", emptyPage("changes"));
    m_server.routes().Get("/v1/reviews", emptyPage("reviews"));
    m_server.start();
  }
  std::string url() const { return m_server.url(); }
  std::vector<Json> pushes() {
    std::lock_guard lock(m_mutex);
    return m_pushes;
  }

 private:
  LocalServer m_server;
  std::mutex m_mutex;
  std::vector<Json> m_pushes;
};

/// A format 2 answer to the pushed changeset `request` listing `results` (one per change, by index).
std::string formatTwoAnswer(const Json& request, const Json& results) {
  return Json{{"format", 2},
              {"id", request.at("id")},
              {"last_seq", 7},
              {"changes", request.at("changes").at("record").size()},
              {"results", results}}
      .dump();
}

/// A tablet with one saved household waiting in its outbox, and its sync against a server.
struct TabletWithOneHousehold {
  TempDir dir;
  DeviceStore store{dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options()};
  std::string household;
  size_t entries = 0;

  TabletWithOneHousehold() {
    store.setSetting("token", "test-token", true);
    auto saved = store.save({RecordWrite{"household", "", "", fixtures::household()}});
    REQUIRE(saved.ok());
    household = saved.uuids.front();
    entries = store.outboxSize();
  }
  /// One sync, which must not throw whatever the server answers.
  SyncSummary syncWith(const std::string& url) {
    HttpClient http(url);
    http.setBearerToken("test-token");
    SyncClient client(store, http);
    SyncSummary summary;
    REQUIRE_NOTHROW(summary = client.sync());
    return summary;
  }
};

}  // namespace

TEST_CASE("a push refused for its format 2 member is sent again in format 1, once", "[sync_client]") {
  TempDir dir;
  FormatOneServer server;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  REQUIRE(store.save({RecordWrite{"household", "", "", fixtures::household()}}).ok());
  const size_t entries = store.outboxSize();
  REQUIRE(entries > 0);

  HttpClient http(server.url());
  http.setBearerToken("test-token");
  SyncClient client(store, http);
  const SyncSummary summary = client.sync();
  INFO(summary.toJson().dump());
  CHECK(summary.ok);
  CHECK(summary.pushed == entries);
  CHECK(summary.applied == entries);
  CHECK(store.outboxSize() == 0);

  const auto pushes = server.pushes();
  REQUIRE(pushes.size() == 2);
  CHECK(pushes[0].value("format", 0) == 2);
  CHECK_FALSE(pushes[1].contains("format"));
  CHECK(pushes[1]["id"] == pushes[0]["id"]);  // the same batch, under the same changeset id
  CHECK(pushes[1]["changes"].size() == entries);

  // The client remembers: the next push goes in format 1 straight away.
  REQUIRE(store.save({RecordWrite{"household", "", "", fixtures::household("G01", "李四")}}).ok());
  CHECK(client.sync().ok);
  CHECK(server.pushes().size() == 3);
  CHECK_FALSE(server.pushes().back().contains("format"));
}

TEST_CASE("a push answer with outcomes of the wrong type acknowledges nothing and fails clearly", "[sync_client]") {
  LocalServer server;
  // A format 2 answer that fits the changeset but names every outcome with a number.
  server.routes().Post("/v1/changesets", [](const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body);
    Json results = Json::array();
    for (size_t i = 0; i < body.at("changes").at("record").size(); ++i)
      results.push_back(Json{{"index", i}, {"outcome", 5}});
    res.set_content(formatTwoAnswer(body, results), "application/json");
  });
  server.start();
  TabletWithOneHousehold tablet;
  const SyncSummary summary = tablet.syncWith(server.url());
  CHECK_FALSE(summary.ok);
  CHECK(summary.errorCode == "not_acknowledged");
  CHECK_FALSE(summary.messageZh.empty());
  CHECK(summary.applied + summary.duplicate + summary.conflicts == 0);
  CHECK(tablet.store.outboxSize() == tablet.entries);  // everything stays on the tablet
}

TEST_CASE("a push answer whose server version is no clock stamp leaves the whole batch and fails clearly",
          "[sync_client]") {
  LocalServer server;
  // A format 2 answer that lists every change as a conflict whose "current" version is not a stamp.
  server.routes().Post("/v1/changesets", [](const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body);
    const Changeset cs = changesetFromColumns(body);
    Json results = Json::array();
    for (size_t i = 0; i < cs.changes.size(); ++i)
      results.push_back(Json{{"index", i},
                             {"change_id", cs.changes[i].changeId},
                             {"outcome", "conflict"},
                             {"current", Json{{"value", "服务器的值"}, {"version", "yesterday"}, {"record_deleted", false}}}});
    res.set_content(formatTwoAnswer(body, results), "application/json");
  });
  server.start();
  TabletWithOneHousehold tablet;
  const auto before = tablet.store.load(tablet.household);
  const SyncSummary summary = tablet.syncWith(server.url());
  CHECK_FALSE(summary.ok);
  CHECK(summary.errorCode == "bad_response");
  CHECK_FALSE(summary.messageZh.empty());
  CHECK(summary.pushed == 0);
  CHECK(summary.conflicts == 0);
  CHECK(tablet.store.outboxSize() == tablet.entries);  // everything stays on the tablet
  CHECK(tablet.store.notices().empty());
  const auto after = tablet.store.load(tablet.household);
  CHECK(after->values == before->values);
  CHECK(after->versions == before->versions);
}
