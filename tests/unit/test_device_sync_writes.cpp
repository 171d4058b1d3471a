// How the device store takes a push answer and a long pull: from the sent batch, with checkpoints
// held back for the whole sync and done on the store's checkpoint thread (docs/device-store.md, "Acknowledgements" and "Checkpoints").
#include "fixtures.h"
#include "local_server.h"
#include "temp_dir.h"

#include "synccore/changeset_columns.h"
#include "synccore/random_id.h"
#include "synccore/sqlite.h"
#include "synccore/sync_client.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace synccore;

namespace {

Json plainAnswer(const PushBatch& batch, const std::string& deviceId) {
  Json results = Json::array();
  for (const auto& c : batch.toChangeset(deviceId).changes) results.push_back(plainPushResult(c));
  return results;
}

/// The changes of `households` new households with a few fields each, as another device sent them.
std::vector<PulledChange> householdChanges(size_t households) {
  std::vector<PulledChange> out;
  for (size_t i = 0; i < households; ++i) {
    const std::string uuid = newUuid();
    for (const auto& [field, value] : fixtures::household("G01", "马文明" + std::to_string(i)))
      out.push_back(fixtures::pulledChange("household", uuid, "", field, value, static_cast<int64_t>(out.size()) + 1));
  }
  return out;
}

/// Applies the changes in pages of `perPage`, as a pull does.
void pullInPages(DeviceStore& store, const std::vector<PulledChange>& changes, size_t perPage) {
  for (size_t first = 0; first < changes.size(); first += perPage) {
    const size_t end = std::min(changes.size(), first + perPage);
    store.applyPulled({changes.begin() + first, changes.begin() + end}, changes[end - 1].seq);
  }
}

/// A server at the HTTP seam with nothing to answer but pages of the given changes (format 1).
class PagesServer {
 public:
  explicit PagesServer(std::vector<PulledChange> changes) : m_changes(std::move(changes)) {
    m_server.routes().Get("/v1/changes", [this](const httplib::Request& req, httplib::Response& res) {
      const size_t after = std::stoul(req.get_param_value("after"));
      const size_t end = std::min(m_changes.size(), after + std::stoul(req.get_param_value("limit")));
      Json page = Json::array();
      for (size_t i = after; i < end; ++i) page.push_back(m_changes[i].toJson());
      res.set_content(Json{{"changes", page}, {"next_after", end}, {"has_more", end < m_changes.size()}}.dump(),
                      "application/json");
    });
    answerNoReviews(m_server);
    m_server.start();
  }
  std::string url() const { return m_server.url(); }

 private:
  std::vector<PulledChange> m_changes;
  LocalServer m_server;
};

/// Households in a database file opened on its own (0 when not even the table has reached the file).
int64_t householdsIn(const std::string& path) {
  Database db(path);
  return db.hasColumn("household", "uuid") ? db.queryInteger("SELECT count(*) FROM household") : 0;
}

}  // namespace

TEST_CASE("an acknowledgement removes exactly the sent entries the answer names, once", "[store][push]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  REQUIRE(store.save({{"household", "", "", fixtures::household(), false}}).ok());
  const size_t saved = store.outboxSize();
  REQUIRE(saved >= 4);
  PushBatch batch = store.nextPushBatch(2);
  REQUIRE(batch.entries.size() == 2);
  Json answer = plainAnswer(batch, store.deviceId());
  // An answer line for an entry that was not in this batch (still waiting in the outbox) is ignored.
  const OutboxEntry notSent = store.outbox().back();
  answer.push_back(plainPushResult({notSent.changeId, notSent.recordType, notSent.recordUuid, notSent.parentUuid,
                                    notSent.field, notSent.value, notSent.baseVersion, notSent.hlc}));
  CHECK(store.acknowledgePush(batch, answer) == 2);
  CHECK(store.outboxSize() == saved - 2);
  // The same answer applied again (a retry after a crash between answer and commit) removes nothing.
  CHECK(store.acknowledgePush(batch, answer) == 0);
  CHECK(store.outboxSize() == saved - 2);
  // The next batch is new and starts with the entries not yet sent.
  PushBatch next = store.nextPushBatch(500);
  CHECK(next.changesetId != batch.changesetId);
  REQUIRE(next.entries.size() == saved - 2);
  CHECK(next.entries.back().changeId == notSent.changeId);
}

TEST_CASE("a batch in flight comes back whole under its id after a restart, without later saves", "[store][push]") {
  TempDir dir;
  const std::string path = dir.file("d.db");
  PushBatch sent;
  {
    DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
    REQUIRE(store.save({{"household", "", "", fixtures::household(), false}}).ok());
    sent = store.nextPushBatch(3);
    REQUIRE(sent.entries.size() == 3);
    // The answer never comes; the worker goes on saving.
    REQUIRE(store.save({{"household", "", "", fixtures::household("G01", "李四"), false}}).ok());
  }
  DeviceStore store(path, SurveyDefinition::builtin(), fixtures::options());
  const auto idsOf = [](const PushBatch& b) {
    std::vector<std::string> ids;
    for (const OutboxEntry& e : b.entries) ids.push_back(e.changeId);
    return ids;
  };
  const PushBatch again = store.nextPushBatch(500);
  CHECK(again.changesetId == sent.changesetId);
  CHECK(idsOf(again) == idsOf(sent));
  // A refusal names one entry of the batch and one change that was not sent: only the first leaves.
  const size_t before = store.outboxSize();
  const OutboxEntry notSent = store.outbox().back();
  CHECK(store.rejectChanges(again, Json::array({Json{{"change_id", again.entries[1].changeId}, {"code", "forbidden"}},
                                                Json{{"change_id", notSent.changeId}, {"code", "forbidden"}}})).moved == 1);
  CHECK(store.outboxSize() == before - 1);
  REQUIRE(store.notices().size() == 1);
  CHECK(store.notices().front().field == again.entries[1].field);
  // The refusal ends the batch: the rest goes again under a new id, from the oldest entry on.
  const PushBatch next = store.nextPushBatch(500);
  CHECK(next.changesetId != sent.changesetId);
  CHECK(next.entries.size() == before - 1);
  CHECK(next.entries.front().changeId == sent.entries[0].changeId);
  CHECK(next.entries.back().changeId == notSent.changeId);
}

TEST_CASE("an acknowledgement by position: null is applied as sent, a result settles or waits", "[store][push]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  REQUIRE(store.save({{"household", "", "", fixtures::household(), false}}).ok());
  const size_t saved = store.outboxSize();
  PushBatch batch = store.nextPushBatch(4);
  REQUIRE(batch.entries.size() == 4);
  const OutboxEntry& settled = batch.entries[1];
  const std::string serverVersion = Hlc{HybridClock::systemWallMs() + 1000, 0, "another-device"}.toString();
  // What pushResultsByChange gives for a format 2 answer: null where the change was applied as sent.
  const Json conflict{{"change_id", settled.changeId}, {"outcome", "conflict"}, {"applied", false},
                      {"conflict_id", "c-1"}, {"conflict_kind", "concurrent_edit"},
                      {"current", {{"value", "服务器的值"}, {"version", serverVersion}, {"record_deleted", false}}}};
  const Json unknownOutcome{{"change_id", batch.entries[2].changeId}, {"outcome", "later"}};
  const Json otherChange{{"change_id", batch.entries[0].changeId}, {"outcome", "applied"}};
  CHECK_THROWS_AS(store.acknowledgePush(batch, std::vector<const Json*>{nullptr}), std::invalid_argument);
  CHECK(store.outboxSize() == saved);
  CHECK(store.acknowledgePush(batch, std::vector<const Json*>{nullptr, &conflict, &unknownOutcome, &otherChange}) == 2);
  // The entries answered "later" and by another change's result stay for the next push.
  CHECK(store.outboxSize() == saved - 2);
  const auto left = store.outbox();
  CHECK(std::count_if(left.begin(), left.end(), [&](const OutboxEntry& e) {
          return e.changeId == batch.entries[2].changeId || e.changeId == batch.entries[3].changeId;
        }) == 2);
  // The conflict's field settles to the server's value, and the worker gets a notice of it.
  CHECK(store.load(settled.recordUuid)->values.at(settled.field) == "服务器的值");
  CHECK(store.load(settled.recordUuid)->versions.at(settled.field) == serverVersion);
  const auto notices = store.notices();
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].kind == "conflict");
  CHECK(notices[0].field == settled.field);
  // The field applied as sent keeps the device's own value.
  const OutboxEntry& asSent = batch.entries[0];
  CHECK(store.load(asSent.recordUuid)->values.at(asSent.field) == asSent.value);
}

TEST_CASE("a sync's checkpoints are held back while it runs and done once when it ends", "[store][pull]") {
  TempDir dir;
  DeviceStore plain(dir.file("plain.db"), SurveyDefinition::builtin(), fixtures::options());
  DeviceStore batched(dir.file("batched.db"), SurveyDefinition::builtin(), fixtures::options());
  const int64_t sqliteDefault = plain.walAutoCheckpoint();
  REQUIRE(sqliteDefault == 1000);
  // The same long pull into both stores, one of them inside a checkpoint batch: 300 pages, each
  // commit rewriting the pages it touched in the WAL.
  const auto changes = householdChanges(6000);
  pullInPages(plain, changes, 100);
  {
    DeviceStore::CheckpointBatch checkpoints(batched);
    CHECK(batched.walAutoCheckpoint() == DeviceStore::CheckpointBatch::kPages);
    pullInPages(batched, changes, 100);
    // Without checkpoints SQLite's WAL keeps growing: well past the 1,000 pages at which the plain
    // store copied its WAL back and started it again.
    const auto plainWal = std::filesystem::file_size(dir.file("plain.db") + "-wal");
    const auto batchedWal = std::filesystem::file_size(dir.file("batched.db") + "-wal");
    INFO("WAL bytes: plain " << plainWal << ", batched " << batchedWal);
    CHECK(batchedWal > 2 * plainWal);
    // A copy of the database file alone, without its WAL, does not have the pulled households yet.
    std::filesystem::copy_file(dir.file("batched.db"), dir.file("during.db"));
    CHECK(householdsIn(dir.file("during.db")) < 6000);
  }
  CHECK(batched.walAutoCheckpoint() == sqliteDefault);
  // When the batch ended it asked the store's checkpoint thread to copy the WAL into the file: once
  // that is done, the file alone holds every household.
  batched.waitForCheckpoints();
  std::filesystem::copy_file(dir.file("batched.db"), dir.file("after.db"));
  CHECK(householdsIn(dir.file("after.db")) == 6000);
  CHECK(batched.snapshot() == plain.snapshot());
  CHECK(batched.integrityCheck() == "ok");
}

TEST_CASE("a sync leaves its pulled pages in the database file, not only in the WAL", "[store][sync_client]") {
  TempDir dir;
  PagesServer server(householdChanges(3000));
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  store.setSetting("token", "test-token", true);
  HttpClient http(server.url());
  http.setBearerToken("test-token");
  // The last pages are still in the WAL only while the pull runs (the threshold is held back).
  std::vector<std::string> phases;
  int64_t householdsInFileDuringPull = -1;
  const SyncProgress record = [&](const std::string& phase, size_t done, size_t) {
    if (phases.empty() || phases.back() != phase) phases.push_back(phase);
    if (phase != "pull" || done != 15000) return;
    std::filesystem::copy_file(dir.file("d.db"), dir.file("during.db"), std::filesystem::copy_options::overwrite_existing);
    householdsInFileDuringPull = householdsIn(dir.file("during.db"));
  };
  const SyncSummary summary = SyncClient(store, http).sync(record);
  INFO(summary.toJson().dump());
  REQUIRE(summary.ok);
  CHECK(summary.pulled == 15000);
  CHECK(phases == std::vector<std::string>{"pull"});
  CHECK(householdsInFileDuringPull >= 0);
  CHECK(householdsInFileDuringPull < 3000);
  CHECK(store.walAutoCheckpoint() == 1000);
  // Held back during the pull and copied once at its end, on the store's checkpoint thread: once it
  // is done the file alone holds every household (with SQLite's checkpoint every 1,000 pages, the
  // newest pages would still be in the WAL only).
  store.waitForCheckpoints();
  std::filesystem::copy_file(dir.file("d.db"), dir.file("copy.db"));
  CHECK(householdsIn(dir.file("copy.db")) == 3000);
}

TEST_CASE("a record's changes stored in one UPDATE end as they would one page at a time", "[store][pull]") {
  TempDir dir;
  const std::string household = newUuid(), person = newUuid(), small = newUuid();
  int64_t seq = 0;
  std::vector<PulledChange> changes;
  const auto add = [&](const std::string& type, const std::string& uuid, const std::string& parent,
                       const std::string& field, const Value& value) {
    changes.push_back(fixtures::pulledChange(type, uuid, parent, field, value, ++seq));
  };
  // A household written whole, with its address twice (the later one wins), a field this definition
  // does not know and the deleted flag set and cleared within the same run.
  for (const auto& [field, value] : fixtures::household("G01", "马文明")) add("household", household, "", field, value);
  add("household", household, "", "address", "玉泉家园9号楼");
  add("household", household, "", "field_from_a_newer_definition", "x");
  add("household", household, "", kDeletedField, true);
  add("household", household, "", kDeletedField, false);
  // A person with an ID number (sealed, and searched through its blind index).
  for (const auto& [field, value] : fixtures::person("马文明", "head")) add("person", person, household, field, value);
  // A record of two fields (one UPDATE as well).
  add("household", small, "", "grid", "G01");
  add("household", small, "", "head_name", "李秀兰");

  DeviceStore grouped(dir.file("grouped.db"), SurveyDefinition::builtin(), fixtures::options());
  DeviceStore oneByOne(dir.file("one.db"), SurveyDefinition::builtin(), fixtures::options());
  CHECK(grouped.applyPulled(changes, seq) == changes.size());
  for (const PulledChange& p : changes) oneByOne.applyPulled({p}, p.seq);  // a page of one never groups

  CHECK(grouped.snapshot() == oneByOne.snapshot());
  for (const std::string& uuid : {household, person, small}) {
    const auto a = grouped.load(uuid), b = oneByOne.load(uuid);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->versions == b->versions);
    CHECK(a->deleted == b->deleted);
  }
  const auto loaded = grouped.load(household);
  CHECK(loaded->values.at("address") == "玉泉家园9号楼");
  CHECK_FALSE(loaded->deleted);
  CHECK(loaded->versions.at("address") == changes[fixtures::household().size()].version);
  // The ID number's blind index was written with it: a search by the number finds the household.
  const auto found = grouped.listHouseholds(fixtures::person("马文明", "head").at("id_number").get<std::string>());
  REQUIRE(found.size() == 1);
  CHECK(found.front().uuid == household);
}

TEST_CASE("a page mixing records the device has and new ones stores every one of them", "[store][pull]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  auto saved = store.save({{"household", "", "", fixtures::household("G01", "张三"), false},
                           {"household", "", "", fixtures::household("G01", "李四"), false},
                           {"household", "", "", fixtures::household("G01", "王五"), false}});
  REQUIRE(saved.ok());
  const std::string known1 = saved.uuids[0], known2 = saved.uuids[1], known3 = saved.uuids[2];
  // Pushed and applied as sent: no pending edit holds a pulled field back.
  const PushBatch batch = store.nextPushBatch(1000);
  REQUIRE(store.acknowledgePush(batch, std::vector<const Json*>(batch.entries.size(), nullptr)) == batch.entries.size());
  REQUIRE(store.outboxSize() == 0);
  const std::string new1 = newUuid(), new2 = newUuid(), new3 = newUuid(), newDeleted = newUuid();
  int64_t seq = 0;
  std::vector<PulledChange> page;
  const auto add = [&](const std::string& uuid, const std::string& field, const Value& value) {
    page.push_back(fixtures::pulledChange("household", uuid, "", field, value, ++seq));
  };
  // Known, new, new, known, new, a known record's tombstone alone, a new record's tombstone alone:
  // each switch between a record the device has and a new one, both ways.
  add(known1, "head_name", "张三丰");
  add(new1, "grid", "G01");
  add(new1, "head_name", "新户一");
  add(new2, "head_name", "新户二");
  add(known2, "address", "玉泉家园8号楼");
  add(known2, "head_name", "李四光");
  add(new3, "head_name", "新户三");
  add(known3, kDeletedField, true);
  add(newDeleted, kDeletedField, true);
  REQUIRE(store.applyPulled(page, seq) == page.size());

  CHECK(store.load(known1)->values.at("head_name") == "张三丰");
  CHECK(store.load(known1)->values.at("address") == fixtures::household().at("address"));  // kept
  CHECK(store.load(new1)->values.at("grid") == "G01");
  CHECK(store.load(new1)->values.at("head_name") == "新户一");
  CHECK(store.load(new2)->values.at("head_name") == "新户二");
  CHECK(store.load(known2)->values.at("address") == "玉泉家园8号楼");
  CHECK(store.load(known2)->values.at("head_name") == "李四光");
  CHECK(store.load(new3)->values.at("head_name") == "新户三");
  CHECK(store.load(known3)->deleted);
  REQUIRE(store.load(newDeleted));
  CHECK(store.load(newDeleted)->deleted);
  // Every pulled version is the one its field now has.
  for (const PulledChange& p : page) {
    INFO(p.change.record << " " << p.change.field);
    CHECK(store.load(p.change.record)->versions.at(p.change.field) == p.version);
  }
}

TEST_CASE("a grouped pull keeps a field with a pending local edit", "[store][pull]") {
  TempDir dir;
  DeviceStore store(dir.file("d.db"), SurveyDefinition::builtin(), fixtures::options());
  auto saved = store.save({{"household", "", "", fixtures::household(), false}});
  REQUIRE(saved.ok());
  const std::string uuid = saved.uuids.front();
  std::vector<PulledChange> changes;
  int64_t seq = 0;
  for (const auto& [field, value] : RecordValues{{"address", "服务器地址"}, {"head_name", "服务器户主"},
                                                  {"remarks", "服务器备注"}, {"floor_area", 88.0},
                                                  {"residence_status", "renter"}, {"income_wages", 12000.0},
                                                  {"dibao", true}})
    changes.push_back(fixtures::pulledChange("household", uuid, "", field, value, ++seq));
  // Every field saved here is still waiting to be pushed: nothing pulled may overwrite them, but the
  // four fields never set here are taken, in one UPDATE.
  CHECK(store.applyPulled(changes, seq) == 4);
  const auto loaded = store.load(uuid);
  CHECK(loaded->values.at("address") == fixtures::household().at("address"));
  CHECK(loaded->values.at("head_name") == fixtures::household().at("head_name"));
  CHECK(loaded->values.at("residence_status") == "resident");
  CHECK(loaded->values.at("remarks") == "服务器备注");
  CHECK(loaded->values.at("floor_area") == 88.0);
  CHECK(loaded->values.at("income_wages") == 12000.0);
  CHECK(loaded->values.at("dibao") == true);
  for (const PulledChange& p : changes) {
    INFO(p.change.field);
    const bool taken = p.change.field == "remarks" || p.change.field == "floor_area" ||
                       p.change.field == "income_wages" || p.change.field == "dibao";
    CHECK((loaded->versions.at(p.change.field) == p.version) == taken);
  }
}
