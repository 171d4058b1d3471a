// sync_bench: sync-server benchmark over loopback HTTPS with an in-process server.
//
// Starts syncserver's HttpApi on 127.0.0.1 (self-signed certificate made at run time), drives it
// with real device stores (synccore::DeviceStore + HttpClient over libcurl) and prints one JSON
// document on stdout: the machine, then median/min/max of each figure over --runs runs, each run
// on a fresh server database. Not a test; see docs/benchmarks.md for how to read the output.
//
//   sync_bench [--runs N] [--quick] [--dir DIR] [--verbose]
//
// The push and pull loops below mirror SyncClient::push and SyncClient::pull step for step
// (nextPushBatch -> postJson -> acknowledgePush; get -> applyPulled) so that the time spent in
// the HTTP request can be told apart from the time the device store takes.
#include "bench_files.h"
#include "synccore/sqlite.h"
#include "http_api.h"
#include "loopback_server.h"
#include "self_signed_cert.h"
#include "server_state.h"
#include "sync_service.h"
#include "synccore/changeset.h"
#include "synccore/changeset_columns.h"
#include "synccore/civil_date.h"
#include "synccore/device_store.h"
#include "synccore/hlc.h"
#include "synccore/http_client.h"
#include "synccore/sync_client.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using synccore::Json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }
void check(bool ok, const std::string& what) {
  if (!ok) fail("check failed: " + what);
}

// ---------------------------------------------------------------- configuration

struct Config {
  int runs = 5;
  bool quick = false;
  bool verbose = false;
  std::string dir;           // parent of the temporary directories
  int dayHouseholds = 25;    // households visited in a day
  int batchHouseholds = 500; // households created for the 20,000-field batch
  int batchFields = 40;      // fields per household in the batch
  int repushRepeats = 3;     // re-sends of an acknowledged changeset per run
};

// ---------------------------------------------------------------- statistics

/// Samples of one figure across runs.
class Series {
 public:
  void add(double v) { m_values.push_back(v); }
  bool empty() const { return m_values.empty(); }
  Json toJson(int decimals = 2) const {
    if (m_values.empty()) return nullptr;
    std::vector<double> v = m_values;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    const auto round = [decimals](double x) {
      const double f = std::pow(10.0, decimals);
      return std::round(x * f) / f;
    };
    return Json{{"median", round(median)}, {"min", round(v.front())}, {"max", round(v.back())}, {"n", n}};
  }

 private:
  std::vector<double> m_values;
};

/// Named series grouped by section, printed in insertion order of sections.
struct Results {
  std::map<std::string, std::map<std::string, Series>> sections;
  void add(const std::string& section, const std::string& name, double v) { sections[section][name].add(v); }
};

// ---------------------------------------------------------------- temporary files, certificate

/// A temporary directory for one bench run.
class TempDir : public benchkit::TempDir {
 public:
  explicit TempDir(const std::string& parent) : benchkit::TempDir(parent, "anju-sync-bench-") {}
};

/// Collects what the in-process server logs to std::cerr (one line per request), thread-safely.
class CaptureBuf : public std::streambuf {
 public:
  std::string take() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_text, {});
  }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    std::lock_guard lock(m_mutex);
    if (m_text.size() < (1u << 20)) m_text.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(m_mutex);
    if (m_text.size() < (1u << 20)) m_text.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  std::mutex m_mutex;
  std::string m_text;
};

// ---------------------------------------------------------------- the server

constexpr const char* kUser = "wang";
constexpr const char* kPassword = "bench-password-1";
constexpr const char* kGrid = "G01";

/// syncserver in this process: a fresh database, one worker, HTTPS on a free loopback port.
class Server {
 public:
  Server(const std::string& parentDir, const std::string& cert, const std::string& key)
      : m_dir(parentDir), m_server(m_dir.file("server.db"), cert, key, [](syncserver::ServerState& state) {
          synccore::Transaction tx(state.db());
          state.accounts().addUser(kUser, syncserver::Role::Worker, {kGrid}, kPassword);
          tx.commit();
        }) {}
  std::string url() const { return m_server.url(); }
  syncserver::ServerState& state() { return m_server.state(); }
  int64_t changeLogCount() { return m_server.count("change_log"); }
  std::string file(const std::string& name) const { return m_dir.file(name); }

 private:
  TempDir m_dir;
  benchkit::LoopbackServer m_server;
};

// ---------------------------------------------------------------- devices

/// A tablet: its store file, an HTTPS client trusting the bench certificate, signed in.
struct Device {
  Device(const std::string& path, const std::string& url, const std::string& caFile)
      : store(path), http(url, makeOptions(caFile)) {
    synccore::SyncClient client(store, http);
    auto summary = client.login(kUser, kPassword);
    if (!summary.ok) fail("login failed: " + summary.errorCode + " " + summary.messageEn);
  }
  static synccore::HttpOptions makeOptions(const std::string& caFile) {
    synccore::HttpOptions o;
    o.caFile = caFile;
    return o;
  }
  synccore::DeviceStore store;
  synccore::HttpClient http;
};

std::string today() { return synccore::CivilDate::today().toString(); }

/// A valid household as registered at first contact.
synccore::RecordValues registration(int n) {
  return {{"grid", kGrid},
          {"address", "玉泉家园" + std::to_string(1 + n / 24) + "号楼" + std::to_string(1 + n % 4) + "单元" +
                          std::to_string(101 + n % 6)},
          {"head_name", "户主" + std::to_string(n)},
          {"residence_status", "resident"},
          {"monitoring_category", "none"},
          {"phone", "139" + std::to_string(10000000 + n)},
          {"floor_area", 60.0 + n % 40},
          {"income_wages", 1000.0 * (n % 30)},
          {"water", "tap"},
          {"heating", "stove"},
          {"internet", false},
          {"remarks", "首次登记"}};
}

/// The eight fields a worker changes at a revisit (all differ from registration()).
synccore::RecordValues revisitEdits(int n) {
  return {{"phone", "138" + std::to_string(20000000 + n)},
          {"residence_status", n % 5 == 0 ? "renter" : "lodger"},
          {"remarks", "复访:家中" + std::to_string(2 + n % 4) + "人在家,情况稳定"},
          {"floor_area", 75.5 + n % 30},
          {"income_wages", 24000.0 + 500.0 * (n % 20)},
          {"water", "well"},
          {"heating", "electric"},
          {"internet", true}};
}

/// The visit record of a revisit (three fields).
synccore::RecordValues visitRecord(int n) {
  return {{"visit_date", today()},
          {"kind", "revisit"},
          {"notes", "入户走访,核实家庭成员务工和收入情况,第" + std::to_string(n) + "户,无新增困难。"}};
}

/// A household with `count` answered fields (all always relevant, all valid), count <= 46.
synccore::RecordValues fullHousehold(int n, int count) {
  const std::vector<std::pair<std::string, Json>> all = {
      {"grid", kGrid},
      {"address", "玉泉家园" + std::to_string(1 + n / 24) + "号楼" + std::to_string(1 + n % 4) + "单元" +
                      std::to_string(101 + n % 6) + "室"},
      {"head_name", "户主" + std::to_string(n)},
      {"residence_status", "resident"},
      {"monitoring_category", "none"},
      {"phone", "139" + std::to_string(10000000 + n)},
      {"remarks", "2024年度核查"},
      {"site", "玉泉家园"},
      {"building", std::to_string(1 + n / 24)},
      {"unit_no", std::to_string(1 + n % 4)},
      {"room", std::to_string(101 + n % 6)},
      {"village_team", "原西吉县将台乡" + std::to_string(1 + n % 9) + "组"},
      {"migration_type", "self"},
      {"origin", "西吉县将台乡"},
      {"move_in_year", 2016 + n % 5},
      {"placement_type", "estate"},
      {"hukou_location", "local"},
      {"hukou_transferred", true},
      {"floor_area", 60.0 + n % 40},
      {"structure", "frame"},
      {"tenure", "own"},
      {"housing_condition", "safe"},
      {"old_house_demolished", false},
      {"land_contracted_mu", 3.5 + n % 7},
      {"land_transferred_mu", 1.0 + n % 3},
      {"land_rented_mu", 0.0},
      {"crops_livestock", "玉米、马铃薯,肉牛2头"},
      {"water", "tap"},
      {"electricity", true},
      {"gas", "bottled"},
      {"heating", "stove"},
      {"toilet", "flush"},
      {"internet", n % 2 == 0},
      {"safe_drinking_water", true},
      {"income_year", 2024},
      {"income_wages", 1000.0 * (n % 30)},
      {"income_business", 500.0 * (n % 7)},
      {"income_property", 0.0},
      {"income_transfer", 2400.0},
      {"spending", 8000.0 + n % 900},
      {"dibao", n % 4 == 0},
      {"tekun", false},
      {"food_secure", true},
      {"clothing_secure", true},
      {"education_secure", true},
      {"medical_secure", true}};
  if (count > static_cast<int>(all.size())) fail("at most " + std::to_string(all.size()) + " fields per household");
  synccore::RecordValues out;
  for (int i = 0; i < count; ++i) out[all[i].first] = all[i].second;
  return out;
}

void saveOrFail(synccore::DeviceStore& store, const std::vector<synccore::RecordWrite>& writes) {
  auto r = store.save(writes);
  if (!r.ok()) {
    const auto& f = r.failures.front();
    fail("save refused: " + f.recordType + " " + f.field + " " + f.rule + ": " + f.messageEn);
  }
}

// ---------------------------------------------------------------- push and pull, timed

struct PushStats {
  double wallMs = 0;  // whole push: device batch preparation + requests + acknowledgements
  double postMs = 0;  // inside HttpClient::postJson (client JSON dump + gzip + TLS + server + answer)
  double batchMs = 0; // DeviceStore::nextPushBatch + Changeset::toJson
  double ackMs = 0;   // DeviceStore::acknowledgePush
  size_t fields = 0, requests = 0, applied = 0;
  uint64_t wireSent = 0, wireReceived = 0;  // HttpClient counters (compressed bodies, no headers)
  uint64_t answerRawBytes = 0;              // decoded response bodies
  std::vector<Json> bodies;                 // the changesets as sent
  std::vector<Json> answers;
};

PushStats pushAll(Device& d) {
  PushStats s;
  const uint64_t sent0 = d.http.bytesSent(), recv0 = d.http.bytesReceived();
  const auto t0 = Clock::now();
  {
    synccore::DeviceStore::CheckpointBatch checkpoints(d.store);  // as SyncClient::sync holds one
    while (true) {
      const auto tb = Clock::now();
      synccore::PushBatch batch = d.store.nextPushBatch(500);  // SyncClient::Options::pushBatch
      if (batch.entries.empty()) break;
      const synccore::Changeset changeset = batch.toChangeset(d.store.deviceId());
      Json body = synccore::changesetToColumns(changeset);
      s.batchMs += msSince(tb);
      const auto tp = Clock::now();
      auto result = d.http.postJson("/v1/changesets", body);
      s.postMs += msSince(tp);
      ++s.requests;
      if (!result.ok())
        fail("push refused: HTTP " + std::to_string(result.status) + " " + result.detail + " " + result.body.substr(0, 300));
      const auto ta = Clock::now();
      const auto results = synccore::pushResultsByChange(changeset, result.json);  // null: applied as sent
      for (const Json* r : results)
        if (synccore::pushOutcome(r) == "applied") ++s.applied;
      const size_t acknowledged = d.store.acknowledgePush(batch, results);
      s.ackMs += msSince(ta);
      check(acknowledged == batch.entries.size(), "every pushed entry acknowledged");
      s.fields += acknowledged;
      s.answerRawBytes += result.body.size();
      s.bodies.push_back(std::move(body));
      s.answers.push_back(std::move(result.json));
    }
  }  // the batch ends with its checkpoint, inside the timed push
  s.wallMs = msSince(t0);
  s.wireSent = d.http.bytesSent() - sent0;
  s.wireReceived = d.http.bytesReceived() - recv0;
  return s;
}

struct PullStats {
  double wallMs = 0;   // whole pull
  double getMs = 0;    // inside HttpClient::get
  double applyMs = 0;  // pullPageFromColumns + DeviceStore::applyPulled
  size_t changes = 0, requests = 0;
  uint64_t wireReceived = 0, wireSent = 0, rawBytes = 0;
};

PullStats pullAll(Device& d) {
  PullStats s;
  const uint64_t sent0 = d.http.bytesSent(), recv0 = d.http.bytesReceived();
  const auto t0 = Clock::now();
  {
    synccore::DeviceStore::CheckpointBatch checkpoints(d.store);  // as SyncClient::sync holds one
    while (true) {
      const int64_t cursor = d.store.pullCursor();
      const auto tg = Clock::now();
      // As SyncClient does: the device names itself (none of its own changes back), pages in columns.
      auto result = d.http.get("/v1/changes", {{"after", std::to_string(cursor)},
                                               {"limit", "500"},
                                               {"device", d.store.deviceId()},
                                               {"format", "2"}});
      s.getMs += msSince(tg);
      ++s.requests;
      if (!result.ok()) fail("pull refused: HTTP " + std::to_string(result.status) + " " + result.detail);
      s.rawBytes += result.body.size();
      const auto ta = Clock::now();
      const std::vector<synccore::PulledChange> changes = synccore::pullPageFromColumns(result.json);
      d.store.applyPulled(changes, result.json.value("next_after", cursor));
      s.applyMs += msSince(ta);
      s.changes += changes.size();
      if (!result.json.value("has_more", false)) break;
    }
  }  // the batch ends with its checkpoint, inside the timed pull
  s.wallMs = msSince(t0);
  s.wireSent = d.http.bytesSent() - sent0;
  s.wireReceived = d.http.bytesReceived() - recv0;
  return s;
}

struct BodySizes {
  uint64_t raw = 0, gzip = 0;
};
BodySizes bodySizes(const std::vector<Json>& bodies) {
  BodySizes b;
  for (const Json& body : bodies) {
    const std::string text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    b.raw += text.size();
    b.gzip += text.size() > synccore::kCompressThresholdBytes ? synccore::gzipCompress(text).size() : text.size();
  }
  return b;
}

// ---------------------------------------------------------------- the scenarios

/// (a) one worker's day: register households (setup), then revisit each: eight field edits and a
/// visit record, pushed in one sync and followed by the sync's pull.
void runDay(const Config& cfg, const std::string& cert, const std::string& key, Results& out) {
  Server server(cfg.dir, cert, key);
  Device a(server.file("a.db"), server.url(), cert);
  std::vector<synccore::RecordWrite> writes;
  for (int i = 0; i < cfg.dayHouseholds; ++i) writes.push_back({"household", "", "", registration(i)});
  saveOrFail(a.store, writes);
  {
    synccore::SyncClient client(a.store, a.http);
    auto summary = client.sync();
    check(summary.ok && a.store.outboxSize() == 0, "registration synced");
  }
  std::vector<std::string> households;
  for (const auto& h : a.store.listHouseholds()) households.push_back(h.uuid);
  check(static_cast<int>(households.size()) == cfg.dayHouseholds, "households registered");

  const auto ts = Clock::now();
  for (int i = 0; i < cfg.dayHouseholds; ++i)
    saveOrFail(a.store, {{"household", households[i], "", revisitEdits(i)}, {"visit", "", households[i], visitRecord(i)}});
  const double saveMs = msSince(ts);
  const size_t fields = a.store.outboxSize();
  const int64_t logBefore = server.changeLogCount();

  PushStats push = pushAll(a);
  PullStats pull = pullAll(a);
  check(pull.changes == 0, "day: the device gets none of its own changes back");
  check(push.fields == fields && push.applied == fields, "day: every change applied");
  check(server.changeLogCount() == logBefore + static_cast<int64_t>(fields), "day: change log grew by the changes");
  const BodySizes sizes = bodySizes(push.bodies);
  const double f = static_cast<double>(fields);

  const std::string s = "day";
  out.add(s, "field_changes", f);
  out.add(s, "device_saves_ms_total", saveMs);
  out.add(s, "sync_wall_ms", push.wallMs + pull.wallMs);
  out.add(s, "push_wall_ms", push.wallMs);
  out.add(s, "push_request_ms", push.postMs);
  out.add(s, "push_field_changes_per_s", f / (push.wallMs / 1000));
  out.add(s, "pull_back_wall_ms", pull.wallMs);
  out.add(s, "pull_back_changes", static_cast<double>(pull.changes));
  out.add(s, "push_requests", static_cast<double>(push.requests));
  out.add(s, "push_json_raw_bytes", static_cast<double>(sizes.raw));
  out.add(s, "push_json_gzip_bytes", static_cast<double>(sizes.gzip));
  out.add(s, "push_answer_raw_bytes", static_cast<double>(push.answerRawBytes));
  out.add(s, "push_wire_sent_bytes_per_field", static_cast<double>(push.wireSent) / f);
  out.add(s, "push_wire_received_bytes_per_field", static_cast<double>(push.wireReceived) / f);
  out.add(s, "sync_wire_bytes_per_field", static_cast<double>(push.wireSent + push.wireReceived + pull.wireSent +
                                                                  pull.wireReceived) / f);
  out.add(s, "pull_back_raw_bytes", static_cast<double>(pull.rawBytes));
  out.add(s, "pull_back_wire_bytes", static_cast<double>(pull.wireReceived));
}

/// The server-side cost of the same changesets without HTTP: SyncService::push on a fresh database.
double directPushMs(const Config& cfg, const std::vector<Json>& bodies, bool synchronousOff, double* parseMs) {
  TempDir dir(cfg.dir);
  syncserver::ServerState state(dir.file("direct.db"));
  if (synchronousOff) state.db().exec("PRAGMA synchronous=OFF");
  syncserver::SyncService service(state);
  syncserver::Session session{syncserver::User{kUser, syncserver::Role::Worker, {kGrid}, false, ""},
                              synccore::HybridClock::systemWallMs() + 3600 * 1000};
  std::vector<std::string> texts;
  for (const Json& b : bodies) texts.push_back(b.dump());
  double total = 0, parse = 0;
  for (const std::string& text : texts) {
    const auto t0 = Clock::now();
    Json body = Json::parse(text);  // what HttpApi does with the (decompressed) request body
    parse += msSince(t0);
    std::lock_guard lock(state.mutex());
    syncserver::Reply reply = service.push(session, body);
    const std::string answer = reply.body.dump();  // what HttpApi sends
    total += msSince(t0);
    check(reply.status == 200, "direct push accepted: " + answer.substr(0, 300));
  }
  if (parseMs) *parseMs = parse;
  return total;
}

/// Milliseconds per committed one-row write transaction on a server database (WAL, synchronous=FULL).
double commitLatencyMs(const Config& cfg, int commits) {
  TempDir dir(cfg.dir);
  syncserver::ServerState state(dir.file("commit.db"));
  const auto t0 = Clock::now();
  for (int i = 0; i < commits; ++i) {
    synccore::Transaction tx(state.db());
    state.db()
        .prepare("INSERT INTO server_meta(key, value) VALUES('bench', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")
        .bind(1, std::to_string(i))
        .run();
    tx.commit();
  }
  return msSince(t0) / commits;
}

/// (b) a 20,000-field batch pushed by one device, (c) pulled by a second, (d) a re-sent changeset.
void runBatch(const Config& cfg, const std::string& cert, const std::string& key, Results& out) {
  Server server(cfg.dir, cert, key);
  Device b(server.file("b.db"), server.url(), cert);
  const auto tc = Clock::now();
  constexpr int kPerSave = 25;
  for (int start = 0; start < cfg.batchHouseholds; start += kPerSave) {
    std::vector<synccore::RecordWrite> writes;
    for (int i = start; i < std::min(cfg.batchHouseholds, start + kPerSave); ++i)
      writes.push_back({"household", "", "", fullHousehold(i, cfg.batchFields)});
    saveOrFail(b.store, writes);
  }
  const double createMs = msSince(tc);
  const size_t fields = b.store.outboxSize();
  check(fields == static_cast<size_t>(cfg.batchHouseholds * cfg.batchFields), "batch outbox size");

  // (b) push
  PushStats push = pushAll(b);
  check(push.fields == fields && push.applied == fields, "batch: every change applied");
  check(server.changeLogCount() == static_cast<int64_t>(fields), "batch: change log holds the batch");
  const BodySizes sizes = bodySizes(push.bodies);
  const double f = static_cast<double>(fields);
  std::string s = "batch_push";
  out.add(s, "field_changes", f);
  out.add(s, "device_create_ms", createMs);
  out.add(s, "push_wall_ms", push.wallMs);
  out.add(s, "push_request_ms", push.postMs);
  out.add(s, "server_merge_field_changes_per_s", f / (push.postMs / 1000));
  out.add(s, "push_wall_field_changes_per_s", f / (push.wallMs / 1000));
  out.add(s, "device_side_ms", push.wallMs - push.postMs);
  out.add(s, "device_next_batch_ms", push.batchMs);
  out.add(s, "device_acknowledge_ms", push.ackMs);
  out.add(s, "requests", static_cast<double>(push.requests));
  out.add(s, "json_raw_bytes_per_field", static_cast<double>(sizes.raw) / f);
  out.add(s, "json_gzip_bytes_per_field", static_cast<double>(sizes.gzip) / f);
  out.add(s, "wire_sent_bytes_per_field", static_cast<double>(push.wireSent) / f);
  out.add(s, "answer_raw_bytes_per_field", static_cast<double>(push.answerRawBytes) / f);
  out.add(s, "wire_received_bytes_per_field", static_cast<double>(push.wireReceived) / f);

  // The same changesets straight into SyncService (no TLS, HTTP, gzip), with and without fsync.
  double parseMs = 0;
  const double directFull = directPushMs(cfg, push.bodies, false, &parseMs);
  const double directOff = directPushMs(cfg, push.bodies, true, nullptr);
  s = "server_breakdown";
  out.add(s, "direct_push_ms_sync_full", directFull);
  out.add(s, "direct_push_ms_sync_off", directOff);
  out.add(s, "direct_field_changes_per_s_sync_full", f / (directFull / 1000));
  out.add(s, "json_parse_ms", parseMs);
  out.add(s, "fsync_share_ms", directFull - directOff);
  out.add(s, "transport_ms", push.postMs - directFull);
  out.add(s, "commit_latency_ms", commitLatencyMs(cfg, 50));

  // (c) a second device pulls the batch.
  Device c(server.file("c.db"), server.url(), cert);
  PullStats pull = pullAll(c);
  check(pull.changes == fields, "pull: every change received");
  s = "pull";
  out.add(s, "changes", static_cast<double>(pull.changes));
  out.add(s, "pull_wall_ms", pull.wallMs);
  out.add(s, "get_request_ms", pull.getMs);
  out.add(s, "device_apply_ms", pull.applyMs);
  out.add(s, "changes_per_s", static_cast<double>(pull.changes) / (pull.wallMs / 1000));
  out.add(s, "requests", static_cast<double>(pull.requests));
  out.add(s, "json_raw_bytes_per_field", static_cast<double>(pull.rawBytes) / f);
  out.add(s, "wire_received_bytes_per_field", static_cast<double>(pull.wireReceived) / f);
  out.add(s, "wire_bytes_per_field", static_cast<double>(pull.wireReceived + pull.wireSent) / f);
  check(c.store.snapshot() == b.store.snapshot(), "the pulling device matches the pushing one");

  // (d) re-send an acknowledged changeset: answered from the stored result, nothing applied.
  s = "repush";
  for (int i = 0; i < cfg.repushRepeats; ++i) {
    const int64_t before = server.changeLogCount();
    const auto t0 = Clock::now();
    auto result = b.http.postJson("/v1/changesets", push.bodies.front());
    const double ms = msSince(t0);
    check(result.ok(), "re-push answered 200");
    check(result.json["results"] == push.answers.front()["results"], "re-push gets the first answer");
    const int64_t after = server.changeLogCount();
    check(after == before, "re-push left the change log unchanged");
    out.add(s, "repush_ms", ms);
    out.add(s, "changes_in_changeset", static_cast<double>(push.bodies.front()["changes"]["record"].size()));
    out.add(s, "change_log_delta", static_cast<double>(after - before));
  }
}

/// Round trips of GET /v1/health: a new connection (TCP + TLS handshake) and a reused one.
void runHandshake(const Config& cfg, const std::string& cert, const std::string& key, Results& out) {
  Server server(cfg.dir, cert, key);
  for (int i = 0; i < 5; ++i) {
    synccore::HttpClient http(server.url(), Device::makeOptions(cert));
    auto t0 = Clock::now();
    check(http.get("/v1/health").ok(), "health");
    out.add("transport", "new_connection_health_ms", msSince(t0));
    t0 = Clock::now();
    check(http.get("/v1/health").ok(), "health");
    out.add("transport", "reused_connection_health_ms", msSince(t0));
  }
}

// ---------------------------------------------------------------- machine description

Json machine(const Config& cfg) {
  utsname u{};
  uname(&u);
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  const std::string memKb = benchkit::lineValue("/proc/meminfo", "MemTotal");
  return Json{{"cpu_model", benchkit::lineValue("/proc/cpuinfo", "model name")},
              {"cores", std::thread::hardware_concurrency()},
              {"memory", memKb},
              {"kernel", std::string(u.sysname) + " " + u.release},
              {"date", date},
              {"temp_dir", cfg.dir},
              {"temp_dir_filesystem", benchkit::fileSystemName(cfg.dir)},
              {"compiler", __VERSION__},
#ifdef NDEBUG
              {"assertions", false},
#else
              {"assertions", true},
#endif
              {"sqlite", sqlite3_libversion()},
              {"openssl", OpenSSL_version(OPENSSL_VERSION)},
              {"curl", curl_version_info(CURLVERSION_NOW)->version}};
}

long peakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

int usage(const char* argv0) {
  std::cerr << "usage: " << argv0 << " [--runs N] [--quick] [--dir DIR] [--verbose]\n"
            << "  --runs N   runs per figure, each on a fresh server database (default 5; 2 with --quick)\n"
            << "  --quick    tiny sizes for a smoke test (a few seconds)\n"
            << "  --dir DIR  where temporary databases go (default $TMPDIR or /tmp)\n"
            << "  --verbose  let the in-process server log its requests to stderr\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  synccore::configureSqliteProcess();  // as Anju's programs run (and raw SQLite alike)
  Config cfg;
  int runs = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") cfg.quick = true;
    else if (arg == "--verbose") cfg.verbose = true;
    else if (arg == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (arg == "--dir" && i + 1 < argc) cfg.dir = argv[++i];
    else return usage(argv[0]);
  }
  if (cfg.quick) {
    cfg.runs = 2;
    cfg.dayHouseholds = 5;
    cfg.batchHouseholds = 30;
    cfg.batchFields = 40;
    cfg.repushRepeats = 1;
  }
  if (runs != -1) {
    if (runs < 1) return usage(argv[0]);
    cfg.runs = runs;
  }
  if (cfg.dir.empty()) cfg.dir = fs::temp_directory_path().string();

  CaptureBuf serverLog;
  std::streambuf* oldCerr = nullptr;
  if (!cfg.verbose) oldCerr = std::cerr.rdbuf(&serverLog);
  Results results;
  Json report;
  try {
    TempDir certDir(cfg.dir);
    const std::string cert = certDir.file("server.crt"), key = certDir.file("server.key");
    benchkit::makeSelfSignedCert(cert, key, 1);
    const auto t0 = Clock::now();
    long rssAfterDay = 0;
    for (int r = 0; r < cfg.runs; ++r) runDay(cfg, cert, key, results);
    rssAfterDay = peakRssKb();
    for (int r = 0; r < cfg.runs; ++r) runBatch(cfg, cert, key, results);
    runHandshake(cfg, cert, key, results);
    const double totalMs = msSince(t0);
    if (oldCerr) std::cerr.rdbuf(oldCerr);

    Json figures = Json::object();
    for (const auto& [section, series] : results.sections)
      for (const auto& [name, values] : series) figures[section][name] = values.toJson();
    report = Json{{"benchmark", "sync_bench"},
                  {"machine", machine(cfg)},
                  {"config",
                   {{"runs", cfg.runs},
                    {"quick", cfg.quick},
                    {"transport", "HTTPS over loopback (TLS, P-256 self-signed), libcurl client, in-process server"},
                    {"day_households", cfg.dayHouseholds},
                    {"day_fields_per_household", "8 household edits + visit record of 3 fields"},
                    {"batch_households", cfg.batchHouseholds},
                    {"batch_fields_per_household", cfg.batchFields},
                    {"push_batch", 500},
                    {"pull_page", 500}}},
                  {"figures", figures},
                  {"peak_rss_kb_after_day_runs", rssAfterDay},
                  {"peak_rss_kb", peakRssKb()},
                  {"total_seconds", std::round(totalMs / 100) / 10}};
  } catch (const std::exception& e) {
    if (oldCerr) std::cerr.rdbuf(oldCerr);
    std::cerr << "sync_bench failed: " << e.what() << "\n";
    const std::string log = serverLog.take();
    if (!log.empty()) std::cerr << "--- server log (last 4000 bytes) ---\n" << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
    return 1;
  }
  std::cout << report.dump(2) << std::endl;
  return 0;
}
