// SyncClient when the tablet's own file fails mid-sync (full storage, I/O error): the sync reports it
// as the tablet's problem, not the server's, throws nothing, and the next sync finishes what it could not.
#include "fixtures.h"
#include "local_server.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <synccore/changeset_columns.h>
#include <synccore/sync_client.h>

using namespace synccore;

namespace {

constexpr int64_t kServerSeq = 100;  // the stand-in's last change

/// A server at the HTTP seam: applies every push as sent and has one household from another tablet.
class ServerWithOneHousehold {
 public:
  explicit ServerWithOneHousehold(const TempDir& dir) {
    DeviceStore other(dir.file("other.db"), SurveyDefinition::builtin(), fixtures::options());
    auto saved = other.save({RecordWrite{"household", "", "", fixtures::household("G01", "李四")}});
    REQUIRE(saved.ok());
    household = saved.uuids.front();
    m_changes = fixtures::servedChanges(other, "li");
    m_server.routes().Post("/v1/changesets", [](const httplib::Request& req, httplib::Response& res) {
      const Changeset cs = changesetFromColumns(Json::parse(req.body));
      const Json answer = compactPushAnswer(cs.id, kServerSeq, std::vector<std::optional<Json>>(cs.changes.size()));
      res.set_content(answer.dump(), "application/json");
    });
    m_server.routes().Get("/v1/changes", [this](const httplib::Request& req, httplib::Response& res) {
      const bool fresh = std::stoll(req.get_param_value("after")) < kServerSeq;
      const auto page = fresh ? m_changes : std::vector<PulledChange>{};
      res.set_content(pullPageToColumns(page, kServerSeq, false).dump(), "application/json");
    });
    answerNoReviews(m_server);
    m_server.start();
  }
  std::string url() const { return m_server.url(); }
  std::string household;

 private:
  LocalServer m_server;
  std::vector<PulledChange> m_changes;
};

}  // namespace

TEST_CASE("a sync the tablet's own file cannot keep fails as device_storage and loses nothing", "[sync_client]") {
  TempDir dir;
  ServerWithOneHousehold server(dir);
  const std::string path = dir.file("tablet.db");
  DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  REQUIRE(store.save({RecordWrite{"household", "", "", fixtures::household()}}).ok());
  const size_t entries = store.outboxSize();

  // A trigger stands in for the failing write: SQLite refuses it as it would on a full disk.
  const auto [where, trigger] = GENERATE(table<std::string, std::string>({
      {"acknowledging the push", "BEFORE DELETE ON outbox"},
      {"storing the pulled page", "BEFORE INSERT ON household"},
  }));
  INFO(where);
  Database(path).exec("CREATE TRIGGER failing_write " + trigger +
                      " BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END");

  const SyncSummary failed = syncOverHttp(store, server.url());
  CHECK_FALSE(failed.ok);
  CHECK(failed.errorCode == "device_storage");
  CHECK(failed.messageZh.find("存储空间") != std::string::npos);
  CHECK(failed.messageEn.find("simulated storage failure") != std::string::npos);
  CHECK(store.pullCursor() == 0);  // nothing of the page was kept, so it is fetched again
  CHECK_FALSE(store.load(server.household));
  if (where == std::string("acknowledging the push")) CHECK(store.outboxSize() == entries);
  else CHECK(store.outboxSize() == 0);

  Database(path).exec("DROP TRIGGER failing_write");
  const SyncSummary again = syncOverHttp(store, server.url());
  CHECK(again.ok);
  CHECK(store.outboxSize() == 0);
  CHECK(store.pullCursor() == kServerSeq);
  REQUIRE(store.load(server.household));
  CHECK(store.load(server.household)->values.at("head_name") == "李四");
}
