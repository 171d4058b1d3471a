// Anju on workload W: real device stores (synccore::DeviceStore) capture A's and B's edits,
// push them over loopback HTTPS (libcurl) to syncserver's HttpApi running in this process, and
// the server's merged state and conflicts are compared with the oracle.
//
// Set-up, once per process (not timed as a figure): a server database holding W's base state,
// written through RecordStore (the server's own storage code, all fields at one seed version),
// and two devices that signed in (users wang and li) and pulled it. The users are supervisors
// without a grid list (they see every grid): push and merge take the same path as for workers,
// but a worker's pull filters by grid with a query that sorts every change of its grids for
// each page (see docs/benchmarks.md, "Peers"), which makes pulling 900,000 changes take hours.
// Each run starts from a copy of those files.
#include "engines.h"
#include "lean_floor.h"
#include "storage_floor.h"
#include "loopback_server.h"
#include "self_signed_cert.h"
#include "http_api.h"
#include "server_state.h"
#include "sync_service.h"
#include "synccore/changeset.h"
#include "synccore/changeset_columns.h"
#include "synccore/device_store.h"
#include "synccore/hlc.h"
#include "synccore/http_client.h"
#include "synccore/random_id.h"
#include "synccore/sync_client.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace peers {

namespace {

const char* kUsers[2] = {"wang", "li"};
constexpr const char* kPassword = "bench-password-1";

/// syncserver in this process on an existing database file: HTTPS on a free loopback port.
class Server : public benchkit::LoopbackServer {
 public:
  Server(const std::string& dbPath, const std::string& cert, const std::string& key, int cacheMb = 0)
      : benchkit::LoopbackServer(dbPath, cert, key, [cacheMb](syncserver::ServerState& state) {
          if (cacheMb > 0) state.db().exec("PRAGMA cache_size=-" + std::to_string(cacheMb * 1024));
        }) {}
};

synccore::HttpOptions httpOptions(const std::string& caFile) {
  synccore::HttpOptions o;
  o.caFile = caFile;
  return o;
}

/// Writes W's base into a fresh server database through RecordStore, one transaction.
void seedServer(const Workload& w, const std::string& dbPath) {
  syncserver::ServerState state(dbPath);
  state.db().exec("PRAGMA synchronous=OFF");
  synccore::Transaction tx(state.db());
  for (int s = 0; s < 2; ++s) state.accounts().addUser(kUsers[s], syncserver::Role::Supervisor, {}, kPassword);
  const std::string version =
      synccore::Hlc{synccore::HybridClock::systemWallMs() - 24 * 3600 * 1000, 0, "0000seed"}.toString();
  auto& records = state.records();
  std::vector<std::string> grids(w.base[kHousehold].size());
  for (int k = 0; k < 2; ++k)
    for (const Record& r : w.base[k]) {
      syncserver::RecordInfo info;
      info.uuid = r.uuid;
      info.type = kindName(k);
      if (k == kHousehold) {
        info.household = r.uuid;
        info.grid = r.values[0].get<std::string>();  // grid is the first field
      } else {
        const Record& h = w.base[kHousehold][r.household];
        info.parent = info.household = h.uuid;
        info.grid = h.values[0].get<std::string>();
      }
      records.createRecord(info);
      for (size_t f = 0; f < r.values.size(); ++f)
        records.apply(info, w.fields[k][f].key,
                      syncserver::FieldSide{r.values[f], version, "seed", "0000seed", synccore::newUuid()});
    }
  tx.commit();
  state.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

/// The device writes of one save of W.
std::vector<synccore::RecordWrite> recordWrites(const Workload& w, const Save& sv) {
  std::vector<synccore::RecordWrite> out;
  for (const Write& wr : sv.writes) {
    const Record& r = w.record(wr);
    synccore::RecordWrite rw;
    rw.type = kindName(wr.kind);
    rw.uuid = r.uuid;
    if (wr.kind == kPerson) rw.parentUuid = w.base[kHousehold][r.household].uuid;
    if (wr.op == Write::Delete) rw.remove = true;
    else rw.values = w.valuesOf(wr);
    rw.create = wr.op == Write::Insert;
    out.push_back(std::move(rw));
  }
  return out;
}

void saveOrFail(synccore::DeviceStore& store, const std::vector<synccore::RecordWrite>& writes) {
  auto r = store.save(writes);
  if (!r.ok()) {
    const auto& f = r.failures.front();
    fail("device save refused: " + f.recordType + " " + f.field + " " + f.rule + ": " + f.messageEn);
  }
}

/// The capture baseline: the same saves into the device's own tables with plain prepared
/// statements (no versions, no outbox, no validation or encryption), one transaction per save.
class PlainDeviceFile {
 public:
  explicit PlainDeviceFile(const std::string& path) : m_db(path) {
    m_db.exec("DROP TABLE outbox; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
  }
  void save(const Workload& w, const Save& sv) {
    synccore::Transaction tx(m_db);
    for (const Write& wr : sv.writes) {
      const Record& r = w.record(wr);
      const std::string table = kindName(wr.kind);
      if (wr.op == Write::Delete) {
        m_db.cached("UPDATE " + table + " SET deleted=1 WHERE uuid=?").bind(1, r.uuid).run();
      } else if (wr.op == Write::Insert) {
        std::string cols = "uuid, parent_uuid", marks = "?, ?";
        for (const auto& [f, _] : wr.fields) cols += ", " + synccore::quoteIdentifier(w.fields[wr.kind][f].key), marks += ", ?";
        auto st = m_db.cached("INSERT INTO " + table + "(" + cols + ") VALUES(" + marks + ")");
        st.bind(1, r.uuid).bind(2, w.base[kHousehold][r.household].uuid);
        int i = 3;
        for (const auto& [_, v] : wr.fields) bind(st, i++, v);
        st.run();
      } else {
        for (const auto& [f, v] : wr.fields) {
          auto st = m_db.cached("UPDATE " + table + " SET " + synccore::quoteIdentifier(w.fields[wr.kind][f].key) + "=? WHERE uuid=?");
          bind(st, 1, v);
          st.bind(2, r.uuid).run();
        }
      }
    }
    tx.commit();
  }

 private:
  static void bind(synccore::Statement& st, int i, const Json& v) {
    if (v.is_null()) st.bind(i, nullptr);
    else if (v.is_boolean()) st.bind(i, v.get<bool>() ? 1 : 0);
    else if (v.is_number_integer()) st.bind(i, v.get<int64_t>());
    else if (v.is_number()) st.bind(i, v.get<double>());
    else st.bind(i, v.get<std::string>());
  }
  synccore::Database m_db;
};

struct PushStats {
  double wallMs = 0, postMs = 0;
  size_t changes = 0, requests = 0;
  std::map<std::string, size_t> outcomes;
  uint64_t wireSent = 0, wireReceived = 0, rawSent = 0, gzipSent = 0, rawReceived = 0;
  uint64_t v1RawSent = 0, v1GzipSent = 0;  // the same changesets in push format 1, for comparison
  std::vector<Json> bodies, answers;
};

/// The time during which at least one of the requests was out (pipelined requests overlap: their
/// durations added would count the wait of the second for the first twice).
double coveredMs(std::vector<std::pair<Clock::time_point, Clock::time_point>> spans) {
  std::sort(spans.begin(), spans.end());
  Clock::duration covered{};
  Clock::time_point reached{};
  for (const auto& [start, end] : spans) {
    const auto from = std::max(start, reached);
    if (end > from) covered += end - from;
    reached = std::max(reached, end);
  }
  return std::chrono::duration<double, std::milli>(covered).count();
}

/// Pushes a device's whole outbox with SyncClient (its push alone, as a sync starts), noting each
/// request as it went (HttpClient::observe) for the request time, bytes and answers.
PushStats pushOutbox(synccore::DeviceStore& store, synccore::HttpClient& http) {
  PushStats s;
  const uint64_t sent0 = http.bytesSent(), recv0 = http.bytesReceived();
  std::vector<std::pair<std::string, Json>> posted;  // request JSON text, answer
  std::vector<std::pair<Clock::time_point, Clock::time_point>> spans;  // each request's start and end
  std::mutex observed;  // a pipelined push has two requests out: the observer runs on both threads
  http.observe([&](const synccore::HttpExchange& x) {
    if (x.path != "/v1/changesets") return;
    const auto end = Clock::now();
    std::lock_guard lock(observed);
    spans.emplace_back(end - std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double, std::milli>(x.milliseconds)),
                       end);
    ++s.requests;
    s.rawReceived += x.result.body.size();
    if (!x.result.ok()) return;
    posted.emplace_back(std::string(x.requestJson), x.result.json);
  });
  synccore::SyncClient::Options options;
  options.pushBatch = kChangesetChanges;
  synccore::SyncClient client(store, http, options);
  const auto t0 = Clock::now();
  const synccore::SyncSummary summary = client.pushOutbox();
  s.wallMs = msSince(t0);  // the client's checkpoint at the end is inside the timed push
  http.observe({});
  s.postMs = coveredMs(spans);
  if (!summary.ok) fail("push refused: " + summary.errorCode + " " + summary.messageEn);
  check(store.outboxSize() == 0, "every pushed entry acknowledged");
  s.changes = summary.pushed;
  s.wireSent = http.bytesSent() - sent0;
  s.wireReceived = http.bytesReceived() - recv0;
  // Sizes and outcomes for comparison only, taken after the clock stopped (a device does not make them).
  for (auto& [text, answer] : posted) {
    Json body = Json::parse(text);
    const synccore::Changeset changeset = synccore::changesetFromColumns(body);
    for (const Json* r : synccore::pushResultsByChange(changeset, answer)) {  // null: applied as sent
      const std::string outcome(synccore::pushOutcome(r));
      ++s.outcomes[outcome.empty() ? "?" : outcome];
    }
    const std::string v1 = changeset.toJson().dump();
    s.v1RawSent += v1.size();
    s.v1GzipSent += synccore::gzipCompress(v1).size();
    s.rawSent += text.size();
    s.gzipSent += synccore::gzipCompress(text).size();
    s.bodies.push_back(std::move(body));
    s.answers.push_back(std::move(answer));
  }
  return s;
}

/// The conflicts the server logged, as oracle keys (edit/delete pairs by record).
std::vector<ConflictKey> serverConflicts(syncserver::ServerState& state, std::map<std::string, size_t>* byKind) {
  std::lock_guard lock(state.mutex());
  auto st = state.db().prepare("SELECT kind, record_uuid, field FROM conflicts");
  std::vector<ConflictKey> out;
  while (st.step()) {
    const std::string kind = st.text(0);
    if (byKind) ++(*byKind)[kind];
    if (kind == "edit_vs_delete" || kind == "delete_vs_edit") out.push_back({st.text(1), "_deleted"});
    else if (kind == "concurrent_edit") out.push_back({st.text(1), st.text(2)});
    else out.push_back({st.text(1), "_" + kind});
  }
  return out;
}

/// Streams the server's records and fields into the checker.
Json checkServerState(syncserver::ServerState& state, const Workload& w, const Oracle& oracle) {
  std::lock_guard lock(state.mutex());
  StateChecker checker(w, oracle);
  auto st = state.db().prepare(
      "SELECT r.uuid, r.deleted, f.field, f.value FROM records r LEFT JOIN fields f ON f.record_id=r.id"
      " AND f.field<>'_deleted' ORDER BY r.uuid");
  std::string current;
  bool deleted = false;
  Json fields = Json::object();
  auto flush = [&] {
    if (!current.empty()) checker.record(current, deleted, fields);
    fields = Json::object();
  };
  while (st.step()) {
    const std::string uuid = st.text(0);
    if (uuid != current) {
      flush();
      current = uuid;
      deleted = st.int64(1) != 0;
    }
    if (!st.isNull(2)) {
      Json v = Json::parse(st.text(3));
      if (!v.is_null()) fields[st.text(2)] = std::move(v);
    }
  }
  flush();
  return checker.finish();
}

/// A snapshot without unset (null) fields, so a device's and the server's compare equal.
Json normalised(Json snapshot) {
  for (auto& [uuid, rec] : snapshot.items()) {
    if (!rec.contains("fields")) continue;
    Json clean = Json::object();
    for (auto& [k, v] : rec["fields"].items())
      if (!v.is_null()) clean[k] = v;
    rec["fields"] = clean;
  }
  return snapshot;
}

/// Records whose entries differ between two snapshots (with up to three examples).
Json snapshotDiff(const Json& a, const Json& b) {
  size_t differing = 0;
  Json examples = Json::array();
  std::set<std::string> keys;
  for (auto& [k, _] : a.items()) keys.insert(k);
  for (auto& [k, _] : b.items()) keys.insert(k);
  for (const auto& k : keys) {
    const Json x = a.contains(k) ? a[k] : Json(), y = b.contains(k) ? b[k] : Json();
    if (x != y) {
      ++differing;
      if (examples.size() < 3) examples.push_back(Json{{"record", k}, {"left", x}, {"right", y}});
    }
  }
  return Json{{"differing_records", differing}, {"examples", examples}};
}

/// The server's cost for the same changesets without HTTP: SyncService::push on a copy of the base.
double directPushMs(const std::string& dbPath, const std::vector<Json>* bodies, int cacheMb) {
  syncserver::ServerState state(dbPath);
  if (cacheMb > 0) state.db().exec("PRAGMA cache_size=-" + std::to_string(cacheMb * 1024));
  syncserver::SyncService service(state);
  double total = 0;
  for (int s = 0; s < 2; ++s) {
    syncserver::Session session{syncserver::User{kUsers[s], syncserver::Role::Supervisor, {}, false, ""},
                                synccore::HybridClock::systemWallMs() + 3600 * 1000};
    for (const Json& b : bodies[s]) {
      const std::string text = b.dump();
      const auto t0 = Clock::now();
      Json body = Json::parse(text);
      std::lock_guard lock(state.mutex());
      syncserver::Reply reply = service.push(session, body);
      const std::string answer = reply.body.dump();
      total += msSince(t0);
      check(reply.status == 200, "direct push accepted: " + answer.substr(0, 300));
    }
  }
  return total;
}

struct Files {
  std::string cert, key;
};

}  // namespace

// ---------------------------------------------------------------- the full Anju run on W

Json runAnju(const Workload& w, const Oracle& oracle, const RunOptions& o) {
  TempDir root(o.dir);
  const std::string cert = root.file("server.crt"), key = root.file("server.key");
  benchkit::makeSelfSignedCert(cert, key);
  const fs::path tpl = root.path() / "template";
  fs::create_directories(tpl);
  Json setup;
  {
    const auto t0 = Clock::now();
    seedServer(w, (tpl / "server.db").string());
    setup["seed_server_ms"] = roundTo(msSince(t0), 0);
    progress(o, "anju: server seeded in " + std::to_string(msSince(t0)) + " ms");
    Server server((tpl / "server.db").string(), cert, key);
    // Device A signs in and pulls the base; device B is a copy of A's file under its own device
    // id (the pull is the slow part of the set-up), signed in as the second worker.
    {
      synccore::DeviceStore store((tpl / "a.db").string());
      synccore::HttpClient http(server.url(), httpOptions(cert));
      synccore::SyncClient client(store, http);
      auto login = client.login(kUsers[0], kPassword);
      check(login.ok, "login " + login.errorCode);
      const auto tp = Clock::now();
      auto summary = client.sync();
      check(summary.ok, "initial pull: " + summary.errorCode + " " + summary.messageEn);
      setup["device_initial_pull_ms_A"] = roundTo(msSince(tp), 0);
      setup["device_initial_pull_changes"] = summary.pulled;
      progress(o, "anju: device A pulled " + std::to_string(summary.pulled) + " changes");
    }
    fs::copy_file(tpl / "a.db", tpl / "b.db");
    fs::copy_file(tpl / "a.db.key", tpl / "b.db.key");
    {
      synccore::Database db((tpl / "b.db").string());
      db.prepare("UPDATE meta SET value=? WHERE key='device_id'").bind(1, synccore::newUuid()).run();
    }
    {
      synccore::DeviceStore store((tpl / "b.db").string());
      synccore::HttpClient http(server.url(), httpOptions(cert));
      synccore::SyncClient client(store, http);
      auto login = client.login(kUsers[1], kPassword);
      check(login.ok, "login " + login.errorCode);
      auto summary = client.sync();
      check(summary.ok && summary.pulled == 0, "device B is up to date");
    }
  }
  setup["template_bytes"] = filesSize(tpl, "");

  Figures fig;
  Latency oneEdit, day;
  Json state, conflicts, convergence, reupload, outcomes;
  std::map<std::string, size_t> byKind;
  size_t dayChanges = 0;
  int editCounter = 0;
  for (int run = 0; run < o.runs; ++run) {
    const fs::path dir = root.path() / ("run" + std::to_string(run));
    copyFiles(tpl, dir);
    Server server((dir / "server.db").string(), cert, key, o.serverCacheMb);
    std::unique_ptr<synccore::DeviceStore> store[2];
    std::unique_ptr<synccore::HttpClient> http[2];
    for (int s = 0; s < 2; ++s) {
      store[s] = std::make_unique<synccore::DeviceStore>((dir / (s ? "b.db" : "a.db")).string());
      http[s] = std::make_unique<synccore::HttpClient>(server.url(), httpOptions(cert));
      http[s]->setBearerToken(store[s]->setting("token"));
    }
    // ---- capture: A's first saves one by one with the outbox (DeviceStore::save) and the same saves
    // without it (plain statements into a copy of the same file); the rest of A's and all of B's
    // saves go in batches of 100 households (not timed) so every change reaches the outbox.
    const char* sideName[2] = {"A", "B"};
    {
      const size_t timed = std::min<size_t>(o.captureSaves, w.saves[0].size());
      double with = 0, without = 0;
      for (size_t i = 0; i < timed; ++i) {
        const auto writes = recordWrites(w, w.saves[0][i]);
        const auto t0 = Clock::now();
        saveOrFail(*store[0], writes);
        with += msSince(t0);
      }
      fs::copy_file(tpl / "a.db", dir / "plain.db");
      {
        PlainDeviceFile plain((dir / "plain.db").string());
        for (size_t i = 0; i < timed; ++i) {
          const auto t0 = Clock::now();
          plain.save(w, w.saves[0][i]);
          without += msSince(t0);
        }
      }
      fig.add("capture_saves_timed", static_cast<double>(timed));
      fig.add("capture_ms_per_save_with_outbox", with / static_cast<double>(timed));
      fig.add("capture_ms_per_save_without_outbox", without / static_cast<double>(timed));
      fig.add("capture_overhead_ratio", with / without);
      for (int s = 0; s < 2; ++s) {
        std::vector<synccore::RecordWrite> batch;
        int households = 0;
        for (size_t i = s == 0 ? timed : 0; i < w.saves[s].size(); ++i) {
          for (auto& rw : recordWrites(w, w.saves[s][i])) batch.push_back(std::move(rw));
          if (++households == 100 || i + 1 == w.saves[s].size()) {
            saveOrFail(*store[s], batch);
            batch.clear();
            households = 0;
          }
        }
        check(store[s]->outboxSize() == w.stats.fieldChanges[s],
              "outbox holds W's changes (" + std::to_string(store[s]->outboxSize()) + " vs " +
                  std::to_string(w.stats.fieldChanges[s]) + ")");
      }
    }
    // ---- the merge: A pushes, then B
    const int64_t logBefore = server.count("change_log");
    PushStats push[2];
    for (int s = 0; s < 2; ++s) push[s] = pushOutbox(*store[s], *http[s]);
    const double requestMs = push[0].postMs + push[1].postMs;
    const double changes = static_cast<double>(push[0].changes + push[1].changes);
    fig.add("merge_request_ms", requestMs);
    fig.add("merge_field_changes_per_s", changes / (requestMs / 1000));
    fig.add("push_wall_ms", push[0].wallMs + push[1].wallMs);
    fig.add("push_requests", static_cast<double>(push[0].requests + push[1].requests));
    fig.add("wire_sent_bytes", static_cast<double>(push[0].wireSent + push[1].wireSent));
    fig.add("wire_received_bytes", static_cast<double>(push[0].wireReceived + push[1].wireReceived));
    fig.add("json_sent_raw_bytes", static_cast<double>(push[0].rawSent + push[1].rawSent));
    fig.add("json_sent_gzip_bytes", static_cast<double>(push[0].gzipSent + push[1].gzipSent));
    fig.add("json_sent_zstd_bytes", [&] {
      double n = 0;
      for (int s = 0; s < 2; ++s)
        for (const Json& b : push[s].bodies) n += static_cast<double>(zstdSize(b.dump()));
      return n;
    }());
    fig.add("json_v1_sent_raw_bytes", static_cast<double>(push[0].v1RawSent + push[1].v1RawSent));
    fig.add("json_v1_sent_gzip_bytes", static_cast<double>(push[0].v1GzipSent + push[1].v1GzipSent));
    fig.add("answer_raw_bytes", static_cast<double>(push[0].rawReceived + push[1].rawReceived));
    fig.add("wire_sent_bytes_per_change", static_cast<double>(push[0].wireSent + push[1].wireSent) / changes);
    fig.add("change_log_rows_added", static_cast<double>(server.count("change_log") - logBefore));
    // ---- correctness of the merge
    std::map<std::string, size_t> kinds;
    auto keys = serverConflicts(server.state(), &kinds);
    fig.add("conflicts_logged", static_cast<double>(keys.size()));
    if (run == 0) {
      progress(o, "anju: checking the merged state");
      state = checkServerState(server.state(), w, oracle);
      conflicts = conflictReport(oracle, keys, true);
      byKind = kinds;
      outcomes = Json{{"A", push[0].outcomes}, {"B", push[1].outcomes}};
    }
    // ---- re-upload every changeset of A and B: answered from the stored results, nothing applied
    {
      const int64_t log0 = server.count("change_log"), conflicts0 = server.count("conflicts"),
                    fields0 = server.count("fields");
      bool sameAnswers = true;
      uint64_t sent0 = http[0]->bytesSent() + http[1]->bytesSent();
      const auto t0 = Clock::now();
      for (int s = 0; s < 2; ++s)
        for (size_t i = 0; i < push[s].bodies.size(); ++i) {
          auto result = http[s]->postJson("/v1/changesets", push[s].bodies[i]);
          check(result.ok(), "re-upload answered 200");
          sameAnswers = sameAnswers && result.json["results"] == push[s].answers[i]["results"];
        }
      fig.add("reupload_ms", msSince(t0));
      const bool noop = server.count("change_log") == log0 && server.count("conflicts") == conflicts0 &&
                        server.count("fields") == fields0;
      if (run == 0)
        reupload = Json{{"changesets", push[0].bodies.size() + push[1].bodies.size()},
                        {"same_answers", sameAnswers},
                        {"change_log_rows_added", server.count("change_log") - log0},
                        {"conflicts_added", server.count("conflicts") - conflicts0},
                        {"no_op", noop && sameAnswers},
                        {"wire_sent_bytes", http[0]->bytesSent() + http[1]->bytesSent() - sent0}};
      check(noop && sameAnswers, "re-upload is a no-op");
    }
    // ---- both devices sync (pull the other's changes) and must agree with the server
    for (int s = 0; s < 2; ++s) {
      synccore::SyncClient client(*store[s], *http[s]);
      const uint64_t received0 = http[s]->bytesReceived();
      const auto t0 = Clock::now();
      auto summary = client.sync();
      check(summary.ok, "device sync after the merge: " + summary.errorCode);
      fig.add(std::string("device_sync_after_merge_ms_") + sideName[s], msSince(t0));
      fig.add(std::string("device_sync_after_merge_received_bytes_") + sideName[s],
              static_cast<double>(http[s]->bytesReceived() - received0));
      fig.add(std::string("device_sync_after_merge_pulled_") + sideName[s], static_cast<double>(summary.pulled));
    }
    if (run == 0) {
      Json serverSnap;
      {
        std::lock_guard lock(server.state().mutex());
        serverSnap = normalised(server.state().records().snapshot(true, {}));
      }
      const Json a = normalised(store[0]->snapshot()), b = normalised(store[1]->snapshot());
      convergence = Json{{"a_equals_server", a == serverSnap}, {"b_equals_server", b == serverSnap},
                         {"a_vs_server", snapshotDiff(a, serverSnap)}, {"b_vs_server", snapshotDiff(b, serverSnap)},
                         {"notices_A", store[0]->notices().size()}, {"notices_B", store[1]->notices().size()}};
    }
    // ---- one edit's sync and a day's batch on device A (new edits on top of the merged state)
    synccore::SyncClient client(*store[0], *http[0]);
    const int H = w.households();
    for (int i = 0; i < o.oneEditSamples; ++i) {
      const int n = ++editCounter;
      const std::string& household = w.base[kHousehold][(H - 1 - n % H + H) % H].uuid;
      char phone[16];
      std::snprintf(phone, sizeof phone, "166%08d", n);
      saveOrFail(*store[0], {{"household", household, "", {{"phone", phone}}}});
      const auto t0 = Clock::now();
      auto summary = client.sync();
      oneEdit.add(msSince(t0));
      check(summary.ok && summary.applied == 1, "one edit synced");
    }
    for (int d = 0; d < o.daySamples; ++d) {
      const size_t pendingBefore = store[0]->outboxSize();
      check(pendingBefore == 0, "outbox empty before the day");
      for (int h = 0; h < o.dayHouseholds; ++h) {
        const int n = ++editCounter;
        const std::string& household = w.base[kHousehold][static_cast<size_t>(n) % static_cast<size_t>(H)].uuid;
        char phone[16];
        std::snprintf(phone, sizeof phone, "166%08d", n);
        synccore::RecordValues v{{"remarks", "第" + std::to_string(n) + "次入户走访,家庭情况稳定"},
                                 {"phone", phone},
                                 {"spending", 10000.5 + n},
                                 {"floor_area", 40.25 + n % 400},
                                 {"land_rented_mu", 0.25 + n % 20},
                                 {"income_wages", 100.5 + n},
                                 {"crops_livestock", "玉米" + std::to_string(n % 50 + 1) + "亩、滩羊" + std::to_string(n % 30) + "只"},
                                 {"village_team", "原西吉县将台乡" + std::to_string(100 + n % 900) + "组"},
                                 {"building", std::to_string(100 + n % 900)},
                                 {"room", std::to_string(5000 + n % 4000)}};
        while (static_cast<int>(v.size()) > o.dayFieldsPerHousehold) v.erase(std::prev(v.end()));
        saveOrFail(*store[0], {{"household", household, "", v}});
      }
      dayChanges = store[0]->outboxSize();
      const auto t0 = Clock::now();
      auto summary = client.sync();
      day.add(msSince(t0));
      check(summary.ok && summary.pushed == dayChanges, "day synced");
    }
    // ---- the same changesets straight into SyncService (no TLS, HTTP, gzip) on a fresh copy
    {
      fs::create_directories(dir / "direct");
      for (const char* f : {"server.db", "server.db.signing-key.pem"})
        if (fs::exists(tpl / f)) fs::copy_file(tpl / f, dir / "direct" / f);
      const std::vector<Json> bodies[2] = {push[0].bodies, push[1].bodies};
      fig.add("merge_direct_ms", directPushMs((dir / "direct" / "server.db").string(), bodies, o.serverCacheMb));
    }
    progress(o, "anju: run " + std::to_string(run + 1) + " merge " + std::to_string(requestMs) + " ms");
    for (int s = 0; s < 2; ++s) {
      store[s].reset();
      http[s].reset();
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Json figures = fig.toJson();
  figures["one_edit_sync"] = oneEdit.toJson();
  figures["day_batch_sync"] = day.toJson();
  figures["day_batch_changes"] = dayChanges;
  if (conflicts.is_object()) conflicts["logged_by_kind"] = byKind;
  return Json{{"engine", "anju"},
              {"description", "DeviceStore saves on A and B, pushes over loopback HTTPS (libcurl, gzip) to the "
                              "in-process syncserver (HttpApi, SyncService), A first; server state and conflict log "
                              "compared with the oracle"},
              {"field_changes", w.stats.fieldChanges[0] + w.stats.fieldChanges[1]},
              {"setup", setup},
              {"figures", figures},
              {"outcomes_first_run", outcomes},
              {"correctness", {{"state", state}, {"conflicts", conflicts}, {"reupload", reupload},
                               {"devices_converge", convergence}}},
              {"peak_rss_kb", peakRssKb()}};
}

// ---------------------------------------------------------------- growth: server merge only

Json runAnjuGrowth(const Workload& w, const Oracle& oracle, const RunOptions& o) {
  TempDir root(o.dir);
  const std::string cert = root.file("server.crt"), key = root.file("server.key");
  benchkit::makeSelfSignedCert(cert, key);
  const fs::path tpl = root.path() / "template";
  fs::create_directories(tpl);
  Json setup;
  auto t0 = Clock::now();
  seedServer(w, (tpl / "server.db").string());
  setup["seed_server_ms"] = roundTo(msSince(t0), 0);
  setup["server_db_bytes_before"] = filesSize(tpl, "server.db");
  progress(o, "growth: seeded " + std::to_string(w.households()) + " households in " + std::to_string(msSince(t0)) + " ms");

  // A's and B's changesets exactly as their devices would send them: every field at the seed
  // version as base (null for new people), stamps after it, kChangesetChanges changes per changeset.
  std::string seedVersion;
  {
    syncserver::ServerState state((tpl / "server.db").string());
    auto st = state.db().prepare("SELECT stamp, stamp_device FROM fields LIMIT 1");
    check(st.step(), "seeded fields");
    seedVersion = state.records().versions().text({st.int64(0), st.int64(1)});
  }
  std::vector<Json> bodies[2];
  std::vector<SentChangeset> sent;  // both sides, in the order they are pushed (for the storage floor)
  const int64_t wall0 = synccore::HybridClock::systemWallMs() - 60 * 1000;
  for (int s = 0; s < 2; ++s) {
    const std::string device = synccore::newUuid();
    synccore::Changeset cs;
    uint32_t n = 0;
    // As a device sends them to a server that orders pushes: each after the first names the one before.
    const auto finish = [&] {
      cs.id = synccore::newUuid();
      cs.device = device;
      bodies[s].push_back(synccore::changesetToColumns(cs));
      sent.push_back({kUsers[s], cs});
      cs.after = cs.id;
      cs.changes.clear();
    };
    auto add = [&](synccore::Change c) {
      c.hlc = synccore::Hlc{wall0 + n / 100, n % 100, device}.toString();
      c.changeId = synccore::changeIdFor(c.hlc, c.record, c.field);
      ++n;
      cs.changes.push_back(std::move(c));
      if (cs.changes.size() == kChangesetChanges) finish();
    };
    for (const Save& sv : w.saves[s])
      for (const Write& wr : sv.writes) {
        const Record& r = w.record(wr);
        synccore::Change c;
        c.recordType = kindName(wr.kind);
        c.record = r.uuid;
        if (wr.kind == kPerson) c.parent = w.base[kHousehold][r.household].uuid;
        if (wr.op == Write::Delete) {
          c.field = synccore::kDeletedField;
          c.value = true;
          c.baseVersion = seedVersion;
          add(c);
          continue;
        }
        for (const auto& [f, v] : wr.fields) {
          c.field = w.fields[wr.kind][f].key;
          c.value = v;
          c.baseVersion = wr.op == Write::Insert ? std::nullopt : std::optional(seedVersion);
          add(c);
        }
      }
    if (!cs.changes.empty()) finish();
  }
  const double changes = static_cast<double>(w.stats.fieldChanges[0] + w.stats.fieldChanges[1]);
  Figures fig;
  Json state, conflicts, floorState[2], leanState[3];
  RawSqliteTimer raw(w, root.path().string());  // raw SQLite beside each run: ratios taken run by run
  progress(o, "growth: lean layouts' base");
  LeanFloor lean(w, root.path().string(), LeanVersions::Integer), leanText(w, root.path().string(), LeanVersions::Text);
  for (int run = 0; run < o.runs; ++run) {
    const double rawMs = raw.applyMs();
    fig.add("raw_sqlite_ms", rawMs);
    // How low the rows could go in a leaner layout (versions as integers, then as Anju's text), and the log alone.
    const struct {
      LeanFloor& floor;
      LeanRows rows;
      const char* name;
    } leanRuns[] = {{lean, LeanRows::LogAndFields, "lean_floor"},
                    {leanText, LeanRows::LogAndFields, "lean_floor_text_versions"},
                    {lean, LeanRows::LogOnly, "lean_log_only"}};
    for (size_t i = 0; i < std::size(leanRuns); ++i) {
      const double ms = leanRuns[i].floor.write(sent, leanRuns[i].rows);
      fig.add(std::string(leanRuns[i].name) + "_ms", ms);
      fig.add(std::string(leanRuns[i].name) + "_over_raw_sqlite", ms / rawMs);
      if (run == 0) leanState[i] = leanRuns[i].floor.checkState(oracle);
    }
    // The storage floor, on its own copies: the same rows by plain statements, without and with reads.
    for (int withReads = 0; withReads < 2; ++withReads) {
      const fs::path dir = root.path() / ("floor" + std::to_string(run));
      copyFiles(tpl, dir);
      {
        syncserver::ServerState floor((dir / "server.db").string());
        const double ms = writeStorageFloor(floor, sent, withReads != 0);
        fig.add(withReads ? "floor_writes_reads_ms" : "floor_writes_ms", ms);
        fig.add(withReads ? "floor_writes_reads_over_raw_sqlite" : "floor_writes_over_raw_sqlite", ms / rawMs);
        if (run == 0) floorState[withReads] = checkServerState(floor, w, oracle);
      }
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
    const fs::path dir = root.path() / ("run" + std::to_string(run));
    t0 = Clock::now();
    copyFiles(tpl, dir);
    fig.add("copy_template_ms", msSince(t0));
    Server server((dir / "server.db").string(), cert, key, o.serverCacheMb);
    synccore::HttpClient http[2] = {synccore::HttpClient(server.url(), httpOptions(cert)),
                                    synccore::HttpClient(server.url(), httpOptions(cert))};
    for (int s = 0; s < 2; ++s) {
      auto r = http[s].postJson("/v1/session", Json{{"user", kUsers[s]}, {"password", kPassword}});
      check(r.ok(), "sign in");
      http[s].setBearerToken(r.json["token"]);
    }
    // Bodies made ready first, as a device does while the previous batch is merged (SyncClient).
    std::vector<synccore::PreparedBody> prepared[2];
    for (int s = 0; s < 2; ++s)
      for (const Json& b : bodies[s]) prepared[s].push_back(http[s].prepare(b));
    const long rssBefore = currentRssKb();
    resetPeakRss();
    // Pipelined as a device sends them: the next changeset goes while the one before it is merged.
    const auto answered = [](std::future<synccore::HttpResult>& request) {
      const synccore::HttpResult r = request.get();
      if (!r.ok()) fail("growth push refused: HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 300));
    };
    const auto tp = Clock::now();
    for (int s = 0; s < 2; ++s) {
      std::deque<std::future<synccore::HttpResult>> out;
      for (const synccore::PreparedBody& b : prepared[s]) {
        if (out.size() == 2) {
          answered(out.front());
          out.pop_front();
        }
        out.push_back(std::async(std::launch::async, [&http, s, &b] { return http[s].post("/v1/changesets", b); }));
      }
      for (auto& request : out) answered(request);
    }
    const double requestMs = msSince(tp);
    fig.add("merge_request_ms", requestMs);
    fig.add("merge_over_raw_sqlite", requestMs / rawMs);
    fig.add("merge_field_changes_per_s", changes / (requestMs / 1000));
    fig.add("us_per_change", requestMs * 1000 / changes);
    fig.add("peak_rss_during_merge_kb", static_cast<double>(peakRssKb()));
    fig.add("rss_growth_during_merge_kb", static_cast<double>(peakRssKb() - rssBefore));
    if (run == 0) {
      conflicts = conflictReport(oracle, serverConflicts(server.state(), nullptr), true);
      state = checkServerState(server.state(), w, oracle);
      setup["server_db_bytes_after"] = filesSize(dir, "server.db");
    }
    progress(o, "growth " + std::to_string(w.households()) + ": run " + std::to_string(run + 1) + " " +
                    std::to_string(requestMs) + " ms");
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return Json{{"engine", "anju_growth"},
              {"households", w.households()},
              {"persons", w.base[kPerson].size()},
              {"field_changes", w.stats.fieldChanges[0] + w.stats.fieldChanges[1]},
              {"changesets", bodies[0].size() + bodies[1].size()},
              {"setup", setup},
              {"server_cache_mb", o.serverCacheMb},
              {"figures", fig.toJson()},
              {"correctness", {{"state", state}, {"conflicts", conflicts},
                               {"floor_state", Json{{"writes", floorState[0]}, {"writes_reads", floorState[1]},
                                                   {"lean", leanState[0]}, {"lean_text_versions", leanState[1]},
                                                   {"lean_log_only", leanState[2]}}}}},
              {"peak_rss_kb", peakRssKb()}};
}

}  // namespace peers
