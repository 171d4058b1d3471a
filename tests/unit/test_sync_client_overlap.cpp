// SyncClient's overlapped push (the next batch goes while the previous answer is applied) and pull (the
// next page is fetched while the previous one is stored): every change once and in order, and a batch
// sent ahead keeps its changeset id through a lost answer or a restart.
#include "fixtures.h"
#include "local_server.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <synccore/changeset_columns.h>
#include <synccore/sync_client.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

using namespace synccore;

namespace {

std::vector<std::string> changeIdsOf(const PushBatch& batch) {
  std::vector<std::string> ids;
  for (const OutboxEntry& e : batch.entries) ids.push_back(e.changeId);
  return ids;
}

/// The pull of a sync against a seam server that only takes pushes: no changes, no reviews.
void answerNothingToPull(LocalServer& server) {
  server.routes().Get("/v1/changes", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(pullPageToColumns({}, std::stoll(req.get_param_value("after")), false).dump(), "application/json");
  });
  answerNoReviews(server);
}

/// A server at the HTTP seam that applies every push as sent and notes what came, in order; it can be
/// told to fail every push from the n-th changeset on (503, which the client retries, then gives up).
class RecordingServer {
 public:
  explicit RecordingServer(int failFrom = 0) : m_failFrom(failFrom) {
    m_server.routes().Post("/v1/changesets", [this](const httplib::Request& req, httplib::Response& res) {
      const Changeset cs = changesetFromColumns(Json::parse(req.body));
      std::lock_guard lock(m_mutex);
      m_received.push_back(cs.id);
      if (m_failFrom > 0 && static_cast<int>(m_accepted.size()) + 1 >= m_failFrom) {
        res.status = 503;
        return;
      }
      m_accepted.push_back(cs.id);
      for (const Change& c : cs.changes) m_changes.push_back(c.changeId);
      res.set_content(compactPushAnswer(cs.id, 1, std::vector<std::optional<Json>>(cs.changes.size())).dump(),
                      "application/json");
    });
    answerNothingToPull(m_server);
    m_server.start();
  }
  std::string url() const { return m_server.url(); }
  std::vector<std::string> changesets() const {
    std::lock_guard lock(m_mutex);
    return m_accepted;
  }
  /// Every changeset id that came, taken or failed, retries included.
  std::vector<std::string> received() const {
    std::lock_guard lock(m_mutex);
    return m_received;
  }
  std::vector<std::string> changes() const {
    std::lock_guard lock(m_mutex);
    return m_changes;
  }

 private:
  int m_failFrom;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_accepted, m_received, m_changes;
  LocalServer m_server;
};

SyncSummary syncWithBatches(DeviceStore& store, const std::string& url, size_t pushBatch) {
  SyncClient::Options options;
  options.pushBatch = pushBatch;
  options.maxAttempts = 2;
  return syncOverHttp(store, url, options);
}

/// A tablet with a token and `households` saved households (each several outbox entries).
void saveHouseholds(DeviceStore& store, int households) {
  store.setSetting("token", "test-token", true);
  for (int i = 0; i < households; ++i)
    REQUIRE(store.save({RecordWrite{"household", "", "", fixtures::household("G01", "户主" + std::to_string(i))}}).ok());
}

/// The change ids waiting in the outbox, in outbox order: what a push must send, each once.
std::vector<std::string> outboxChangeIds(const DeviceStore& store) {
  std::vector<std::string> out;
  for (const OutboxEntry& e : store.outbox()) out.push_back(e.changeId);
  return out;
}

}  // namespace

TEST_CASE("an overlapped push sends every change once, in outbox order, batch after batch", "[sync_client][push]") {
  TempDir dir;
  RecordingServer server;
  DeviceStore store(dir.file("tablet.db"), SurveyDefinition::builtin(), fixtures::options());
  saveHouseholds(store, 4);
  const std::vector<std::string> expected = outboxChangeIds(store);
  REQUIRE(expected.size() > 9);

  const SyncSummary summary = syncWithBatches(store, server.url(), 3);
  CHECK(summary.ok);
  CHECK(summary.pushed == expected.size());
  CHECK(server.changes() == expected);
  const auto changesets = server.changesets();
  CHECK(changesets.size() == (expected.size() + 2) / 3);
  CHECK(std::set<std::string>(changesets.begin(), changesets.end()).size() == changesets.size());
  CHECK(store.outboxSize() == 0);
}

TEST_CASE("a batch sent ahead whose answer is lost goes again under its id, nothing twice", "[sync_client][push]") {
  TempDir dir;
  DeviceStore store(dir.file("tablet.db"), SurveyDefinition::builtin(), fixtures::options());
  saveHouseholds(store, 4);
  const std::vector<std::string> expected = outboxChangeIds(store);

  std::string unanswered;
  {
    RecordingServer failing(2);  // the first changeset is taken; the one sent ahead of its answer fails
    const SyncSummary summary = syncWithBatches(store, failing.url(), 3);
    CHECK_FALSE(summary.ok);
    CHECK(summary.errorCode == "server_error");
    CHECK(summary.pushed == 3);
    REQUIRE(failing.changesets().size() == 1);
    const auto received = failing.received();
    REQUIRE(received.size() == 3);  // the first, then the second and its retry
    CHECK(received[1] != received[0]);
    CHECK(received[2] == received[1]);
    unanswered = received[1];
  }
  CHECK(store.outboxSize() == expected.size() - 3);

  // The batch that was sent without an answer is in flight now: it goes first, under the same id.
  RecordingServer server;
  const SyncSummary summary = syncWithBatches(store, server.url(), 3);
  CHECK(summary.ok);
  REQUIRE_FALSE(server.changesets().empty());
  CHECK(server.changesets().front() == unanswered);
  std::vector<std::string> all(expected.begin(), expected.begin() + 3);
  for (const std::string& id : server.changes()) all.push_back(id);
  CHECK(all == expected);
  CHECK(store.outboxSize() == 0);
}

/// A server at the HTTP seam that orders pushes (its answers say `accepts_after`) the way syncserver
/// does: a changeset naming `after` one not accepted (yet) waits up to 5 s for it, then is refused with
/// 409 previous_not_applied. The first changeset sent with `after` is refused so at once, as when the one
/// it names came more than 5 s late.
class OrderingServer {
 public:
  OrderingServer() {
    m_server.routes().Post("/v1/changesets", [this](const httplib::Request& req, httplib::Response& res) {
      const Changeset cs = changesetFromColumns(Json::parse(req.body));
      std::unique_lock lock(m_mutex);
      m_received.emplace_back(cs.id, cs.after);
      const bool first = !cs.after.empty() && !m_refusedOnce;
      m_refusedOnce = m_refusedOnce || first;
      if (!first && !cs.after.empty())
        m_decided.wait_for(lock, std::chrono::seconds(5), [&] { return m_accepted.count(cs.after) > 0; });
      if (!cs.after.empty() && (first || !m_accepted.count(cs.after))) {
        res.status = 409;
        res.set_content(Json{{"code", "previous_not_applied"}, {"message", "late"}, {"message_zh", "迟到"}}.dump(),
                        "application/json");
        return;
      }
      m_accepted.insert(cs.id);
      for (const Change& c : cs.changes) m_changes.push_back(c.changeId);
      Json answer = compactPushAnswer(cs.id, 1, std::vector<std::optional<Json>>(cs.changes.size()));
      answer["accepts_after"] = true;
      res.set_content(answer.dump(), "application/json");
      m_decided.notify_all();
    });
    answerNothingToPull(m_server);
    m_server.start();
  }
  std::string url() const { return m_server.url(); }
  std::vector<std::string> changes() const {
    std::lock_guard lock(m_mutex);
    return m_changes;
  }
  /// Every changeset that came (id, after), in arrival order, refused ones included.
  std::vector<std::pair<std::string, std::string>> received() const {
    std::lock_guard lock(m_mutex);
    return m_received;
  }

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_decided;
  bool m_refusedOnce = false;
  std::set<std::string> m_accepted;
  std::vector<std::string> m_changes;
  std::vector<std::pair<std::string, std::string>> m_received;
  LocalServer m_server;
};

TEST_CASE("a pipelined push sends each batch once the one before it is out, and again alone when it came late",
          "[sync_client][push]") {
  TempDir dir;
  OrderingServer server;
  DeviceStore store(dir.file("tablet.db"), SurveyDefinition::builtin(), fixtures::options());
  saveHouseholds(store, 6);
  const std::vector<std::string> expected = outboxChangeIds(store);
  REQUIRE(expected.size() > 15);

  const SyncSummary summary = syncWithBatches(store, server.url(), 3);
  INFO(summary.toJson().dump());
  CHECK(summary.ok);
  CHECK(summary.pushed == expected.size());
  CHECK(server.changes() == expected);  // each change once, in outbox order
  CHECK(store.outboxSize() == 0);
  const auto received = server.received();
  // The first batch went alone (no answer had said the server orders pushes); the next named it.
  REQUIRE(received.size() > 3);
  CHECK(received[0].second.empty());
  // The first one named `after` was refused, then sent again alone under its id.
  const auto late = std::find_if(received.begin(), received.end(), [](const auto& r) { return !r.second.empty(); });
  REQUIRE(late != received.end());
  const auto again = std::find_if(late + 1, received.end(), [&](const auto& r) { return r.first == late->first; });
  REQUIRE(again != received.end());
  CHECK(again->second.empty());
  // Batches after it named the batch before them.
  size_t named = 0;
  for (const auto& r : received) named += r.second.empty() ? 0 : 1;
  CHECK(named >= 3);
}

TEST_CASE("a batch marked to follow the one in flight keeps its id through a restart, and goes after it",
          "[store][push]") {
  TempDir dir;
  const std::string path = dir.file("tablet.db");
  PushBatch current, following;
  {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    saveHouseholds(store, 2);
    current = store.nextPushBatch(3);
    following = store.pushBatchAfter(current, 3);
    REQUIRE(following.entries.size() == 3);
    CHECK(following.entries.front().seq > current.entries.back().seq);
    // Not marked, the batch after is only a reading: asked again, it comes under another id.
    CHECK(store.pushBatchAfter(current, 3).changesetId != following.changesetId);
    store.markFollowing(following);
    // The tablet stops here: both were sent, neither answer was applied.
  }
  std::optional<DeviceStore> store;
  store.emplace(path, SurveyDefinition::builtin(), fixtures::options());
  const PushBatch again = store->nextPushBatch(3);
  CHECK(again.changesetId == current.changesetId);
  CHECK(changeIdsOf(again) == changeIdsOf(current));
  const PushBatch after = store->pushBatchAfter(again, 3);
  CHECK(after.changesetId == following.changesetId);
  CHECK(changeIdsOf(after) == changeIdsOf(following));

  // Its predecessor answered, the batch that followed is the one in flight, and a third is marked to
  // follow it (as the push loop does) before the tablet stops again.
  CHECK(store->acknowledgePush(again, std::vector<const Json*>(again.entries.size(), nullptr)) == 3);
  saveHouseholds(*store, 1);
  const PushBatch third = store->pushBatchAfter(after, 3);
  REQUIRE_FALSE(third.entries.empty());
  store->markFollowing(third);
  store.reset();
  store.emplace(path, SurveyDefinition::builtin(), fixtures::options());
  const PushBatch next = store->nextPushBatch(3);
  CHECK(next.changesetId == following.changesetId);
  CHECK(changeIdsOf(next) == changeIdsOf(following));
  CHECK(store->pushBatchAfter(next, 3).changesetId == third.changesetId);
  CHECK(store->acknowledgePush(next, std::vector<const Json*>(next.entries.size(), nullptr)) == 3);
  const PushBatch last = store->nextPushBatch(3);
  CHECK(last.changesetId == third.changesetId);
  CHECK(changeIdsOf(last) == changeIdsOf(third));
}

TEST_CASE("a pull stores every page once and in order while the next is fetched ahead", "[sync_client][pull]") {
  TempDir dir;
  // Another tablet's households, served 2 changes a page.
  std::vector<PulledChange> served;
  {
    DeviceStore other(dir.file("other.db"), SurveyDefinition::builtin(), fixtures::options());
    saveHouseholds(other, 3);
    served = fixtures::servedChanges(other, "li");
  }
  std::mutex mutex;
  std::vector<int64_t> asked;
  LocalServer server;
  server.routes().Get("/v1/changes", [&](const httplib::Request& req, httplib::Response& res) {
    const int64_t after = std::stoll(req.get_param_value("after"));
    const size_t limit = std::stoul(req.get_param_value("limit"));
    {
      std::lock_guard lock(mutex);
      asked.push_back(after);
    }
    std::vector<PulledChange> page;
    for (const PulledChange& p : served)
      if (p.seq > after && page.size() < limit) page.push_back(p);
    const int64_t next = page.empty() ? after : page.back().seq;
    res.set_content(pullPageToColumns(page, next, next < served.back().seq).dump(), "application/json");
  });
  answerNoReviews(server);
  server.start();

  DeviceStore store(dir.file("tablet.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  HttpClient http(server.url());
  SyncClient::Options options;
  options.pullPage = 2;
  options.sleep = [](long) {};
  SyncClient client(store, http, options);
  const SyncSummary summary = client.sync();
  INFO(summary.toJson().dump());
  CHECK(summary.ok);
  CHECK(summary.pulled == served.size());
  CHECK(store.pullCursor() == served.back().seq);
  CHECK(store.listHouseholds().size() == 3);
  std::vector<int64_t> expected;
  for (int64_t after = 0; after < served.back().seq; after += 2) expected.push_back(after);
  CHECK(asked == expected);  // each page asked for once, each after the one before
}

TEST_CASE("a page that says there is more without a later cursor fails as bad_response", "[sync_client][pull]") {
  TempDir dir;
  LocalServer server;
  server.routes().Get("/v1/changes", [](const httplib::Request& req, httplib::Response& res) {
    const int64_t after = std::stoll(req.get_param_value("after"));
    res.set_content(pullPageToColumns({}, after, true).dump(), "application/json");
  });
  answerNoReviews(server);
  server.start();
  DeviceStore store(dir.file("tablet.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  HttpClient http(server.url());
  SyncClient client(store, http);
  const SyncSummary summary = client.sync();
  CHECK_FALSE(summary.ok);
  CHECK(summary.errorCode == "bad_response");
  CHECK(store.pullCursor() == 0);
}
