#include "synccore/sync_client.h"

#include "synccore/changeset_columns.h"

#include <algorithm>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>

namespace synccore {

Json SyncSummary::toJson() const {
  Json j{{"ok", ok},       {"pushed", pushed},       {"applied", applied}, {"duplicate", duplicate},
         {"conflicts", conflicts}, {"rejected", rejected}, {"forwarded", forwarded}, {"pulled", pulled}, {"attempts", attempts},
         {"resubmitted", resubmitted}, {"reviews", reviews}, {"removed", removed}, {"restamped", restamped}};
  if (clockOffsetMs) j["clock_offset_ms"] = *clockOffsetMs;
  if (!ok) {
    j["error"] = errorCode;
    j["message_zh"] = messageZh;
    j["message_en"] = messageEn;
  }
  return j;
}

std::pair<std::string, std::string> SyncSummary::clockOffsetNote() const {
  if (!clockOffsetMs || std::abs(*clockOffsetMs) <= HybridClock::kDefaultMaxDriftMs) return {};
  constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
  const bool ahead = *clockOffsetMs > 0;
  const int64_t off = std::abs(*clockOffsetMs);
  const bool days = off >= 2 * kDay, hours = !days && off >= 2 * kHour;
  const int64_t unit = days ? kDay : hours ? kHour : kMinute;
  const std::string amount = std::to_string((off + unit / 2) / unit);
  return {std::string("本机时间比服务器") + (ahead ? "快" : "慢") + "约 " + amount +
              (days ? " 天" : hours ? " 小时" : " 分钟") + ",请校正日期和时间",
          "This tablet's clock is about " + amount + (days ? " days" : hours ? " hours" : " minutes") +
              (ahead ? " ahead of" : " behind") + " the server's: set its date and time"};
}

std::pair<std::string, std::string> SyncSummary::clockNote() const {
  auto [zh, en] = clockOffsetNote();
  if (restamped == 0) return {zh, en};
  std::string restampedZh = std::to_string(restamped) + " 条修改的时间晚于服务器时间,已按服务器时间重新记录并上传";
  std::string restampedEn =
      std::to_string(restamped) + " edits were dated later than the server's time; they were dated by it and sent";
  if (!zh.empty()) {
    restampedZh += ";" + zh;
    en[0] = 't';  // "This tablet's clock ..." continues the sentence
    restampedEn += "; " + en;
  }
  return {restampedZh, restampedEn};
}

SyncClient::SyncClient(DeviceStore& store, HttpClient& http, Options options)
    : m_store(store), m_http(http), m_options(std::move(options)) {
  if (!m_options.sleep)
    m_options.sleep = [](long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  const std::string token = m_store.setting("token");
  if (!token.empty()) m_http.setBearerToken(token);
}

HttpResult SyncClient::send(const std::function<HttpResult()>& request, SyncSummary& summary) {
  return send(request, summary.attempts);
}

HttpResult SyncClient::send(const std::function<HttpResult()>& request, int& attempts) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  HttpResult result;
  for (int attempt = 0; attempt < m_options.maxAttempts; ++attempt) {
    if (attempt > 0) m_options.sleep(backoffDelayMs(attempt - 1, rng()));
    ++attempts;
    result = request();
    if (!result.retryable()) break;
  }
  return result;
}

void SyncClient::fail(SyncSummary& summary, const HttpResult& result) {
  summary.ok = false;
  if (result.status == 401) {
    summary.errorCode = "token_invalid";
    summary.messageZh = "登录已过期,请联网后重新登录;未同步的数据仍保存在本机";
    summary.messageEn = "Your sign-in has expired: sign in again. Unsynced work stays on this tablet.";
    return;
  }
  if (result.transport != TransportError::None || result.status >= 500) {
    // An answer that came but could not be taken is not a network outage.
    summary.errorCode = result.transport == TransportError::None          ? "server_error"
                        : result.transport == TransportError::BadResponse ? "bad_response"
                                                                          : "unreachable";
    summary.messageZh = result.messageZh + "。未同步的数据仍保存在本机,稍后会自动重试";
    summary.messageEn = result.messageEn + ". Unsynced work stays on this tablet and will be retried.";
    return;
  }
  summary.errorCode = result.json.is_object() ? result.json.value("code", "refused") : "refused";
  summary.messageZh = result.json.is_object() ? result.json.value("message_zh", result.messageZh) : result.messageZh;
  summary.messageEn = result.json.is_object() ? result.json.value("message", result.messageEn) : result.messageEn;
}

namespace {
/// A server's list of grid codes (sign-in answer, a pull's last page).
bool isListOfCodes(const Json& grids) {
  return grids.is_array() && std::all_of(grids.begin(), grids.end(), [](const Json& g) { return g.is_string(); });
}

/// An answer's `server_time_ms`: nullopt when absent (a server from before it was sent). Throws
/// std::invalid_argument for anything but a whole number of ms a clock stamp can hold.
std::optional<int64_t> serverTimeIn(const Json& answer) {
  const auto time = answer.find("server_time_ms");
  if (time == answer.end()) return std::nullopt;
  if (!time->is_number_integer() || !VersionCodec::storable(Hlc{time->get<int64_t>(), 0, "server"}))
    throw std::invalid_argument("server_time_ms is not a time: " + time->dump());
  return time->get<int64_t>();
}

/// Whether a refusal's `rejected` list refuses some change with this code.
bool refusedAs(const Json& rejected, std::string_view code) {
  return rejected.is_array() && std::any_of(rejected.begin(), rejected.end(), [code](const Json& r) {
           return r.is_object() && r.value("code", "") == code;
         });
}
}  // namespace

std::optional<SyncSummary> handOverRefusal(const DeviceStore& store, const std::string& user) {
  const std::string previous = store.setting("user");
  if (previous.empty() || previous == user) return std::nullopt;
  SyncSummary refused;
  refused.ok = false;
  refused.errorCode = "previous_user_pending";
  if (const size_t pending = store.outboxSize(); pending > 0) {
    const std::string n = std::to_string(pending);
    refused.messageZh = "本机还有 " + n + " 条 " + previous + " 的修改未同步,请先由 " + previous + " 登录并同步";
    refused.messageEn = "This tablet still has " + n + " unsynced changes by " + previous + ". " + previous +
                        " must sign in and sync first";
    return refused;
  }
  // Notices hold the previous user's refused values: theirs to read before the tablet changes hands.
  if (const size_t unread = store.notices().size(); unread > 0) {
    const std::string n = std::to_string(unread);
    refused.messageZh = "本机还有 " + n + " 条给 " + previous + " 的通知(冲突或被退回的修改)未处理,请先由 " +
                        previous + " 登录查看";
    refused.messageEn = "This tablet still has " + n + " notices for " + previous +
                        " (conflicts or refused changes). " + previous + " must sign in and read them first";
    return refused;
  }
  return std::nullopt;
}

SyncSummary SyncClient::login(const std::string& user, const std::string& password) {
  if (auto refused = handOverRefusal(m_store, user)) return *refused;
  SyncSummary summary;
  auto result = send([&] {
    return m_http.postJson("/v1/session", Json{{"user", user}, {"password", password}, {"device", m_store.deviceId()}});
  }, summary);
  if (!result.ok() || !result.json.contains("token")) {
    fail(summary, result);
    if (result.status == 401) {
      summary.errorCode = "bad_credentials";
      summary.messageZh = "用户名或密码错误";
      summary.messageEn = "Wrong user name or password";
    }
    return summary;
  }
  const std::string token = result.json["token"];
  m_store.setSetting("token", token, true);
  m_store.setSetting("user", user);
  m_store.setSetting("role", result.json.value("role", ""));
  // Another user's grids must not stay: anything but a list of codes counts as no grids.
  const Json grids = result.json.value("grids", Json::array());
  m_store.setSetting("grids", isListOfCodes(grids) ? grids.dump() : "[]");
  keepGridNames(result.json.value("grid_names", Json::object()));
  m_store.setSetting("token_expires_ms", std::to_string(result.json.value("expires_at_ms", int64_t{0})));
  m_store.setAuthor(user);
  m_http.setBearerToken(token);
  // Households of grids this user does not see (another user's, or grids taken away) leave the tablet
  // now, unless something of them still waits to be sent; those the user sees come with the next pull.
  summary.removed = m_store.removeHouseholdsOutside(signedInScope(m_store));
  return summary;
}

SyncClient::OutgoingBatch SyncClient::encode(PushBatch batch, const std::string& after) const {
  OutgoingBatch out{std::move(batch), {}, {}, 0};
  if (out.batch.entries.empty()) return out;
  out.changeset = out.batch.toChangeset(m_store.deviceId());
  out.changeset.after = after;
  // Encoded and compressed here, where the overlapped push does it while the previous batch is merged.
  out.request = m_http.prepare(m_pushColumns ? changesetToColumns(out.changeset) : out.changeset.toJson());
  return out;
}

std::future<HttpResult> SyncClient::post(OutgoingBatch& outgoing, bool overlap) {
  // Without device work to overlap (a last, partial batch), the request is sent when its answer is
  // asked for, on this thread: a small sync pays for no thread.
  return std::async(overlap ? std::launch::async : std::launch::deferred, [this, &outgoing] {
    return send([&] { return m_http.post("/v1/changesets", outgoing.request); }, outgoing.attempts);
  });
}

bool SyncClient::push(SyncSummary& summary, const SyncProgress& progress) {
  const size_t total = m_store.outboxSize();
  size_t done = 0;
  // Batches overlap (docs/sync-protocol.md, "Overlapped batches and pages", "Pipelined batches"). To a
  // server that orders pushes, the batch after the one being merged is sent at once (marked on disk
  // first, naming it as `after`), and the one after that is read and encoded while both are out, so
  // that an answer is followed only by its acknowledgement and the next send. To other servers the next
  // batch goes as soon as the one before it is answered, before that answer is applied here. A batch
  // smaller than the limit was the outbox's last when read: nothing follows it but saves made
  // meanwhile, which the outbox gives once it is answered.
  const auto full = [this](const OutgoingBatch& b) { return b.batch.entries.size() >= m_options.pushBatch; };
  const auto after = [this, &full](const OutgoingBatch& b, const std::string& named) {
    return std::make_unique<OutgoingBatch>(
        full(b) ? encode(m_store.pushBatchAfter(b.batch, m_options.pushBatch), named) : OutgoingBatch{});
  };
  auto current = std::make_unique<OutgoingBatch>(encode(m_store.nextPushBatch(m_options.pushBatch)));
  if (current->batch.entries.empty()) return true;
  std::unique_ptr<OutgoingBatch> following, ready;  // sent ahead of current's answer (or not yet); read next
  // Declared after the batches they send: a request still out is waited for (~future) before its batch goes.
  std::future<HttpResult> answer = post(*current, full(*current)), nextAnswer;
  // Forgets the batches after current: the one sent ahead (answered first) and the one read next.
  const auto dropAhead = [&] {
    if (nextAnswer.valid()) nextAnswer.wait();
    nextAnswer = {};
    following.reset();
    ready.reset();
  };
  // Sends current again by itself (in format 1 after a format change, without `after`).
  const auto sendAgainAlone = [&](bool overlap) {
    dropAhead();
    current = std::make_unique<OutgoingBatch>(encode(std::move(current->batch)));
    answer = post(*current, overlap);
  };
  bool clockRefused = false;  // edits were refused as stamped in the server's future (and kept)
  while (true) {
    if (progress) progress("push", done, total);
    const bool pipelined = m_serverOrders;
    if (!following) following = after(*current, pipelined ? current->changeset.id : std::string());
    if (pipelined && !nextAnswer.valid() && !following->batch.entries.empty()) {
      m_store.markFollowing(following->batch);
      nextAnswer = post(*following, true);
    }
    if (nextAnswer.valid() && !ready) ready = after(*following, following->changeset.id);
    HttpResult result = answer.get();
    summary.attempts += current->attempts;
    if (m_pushColumns && result.status == 400 && result.json.is_object() &&
        result.json.value("message", "").find("changeset.format") != std::string::npos) {
      m_pushColumns = false;  // a server older than format 2 refused the member: the same batch in format 1
      sendAgainAlone(false);  // (nothing was sent ahead: such a server never said it orders pushes)
      continue;
    }
    if (result.status == 409 && result.json.is_object() && result.json.value("code", "") == "previous_not_applied" &&
        !current->changeset.after.empty()) {
      // Sent ahead, it came before the batch it names was stored (which has been answered since): the
      // same batch again, alone. The one sent ahead of it named it and was refused alike; it goes again,
      // after this one is on its way.
      sendAgainAlone(true);
      continue;
    }
    if (result.ok()) {
      if (result.json.is_object() && result.json.value("accepts_after", false)) m_serverOrders = true;
      // Format 2: by position, null for "applied as sent"; format 1: one result per change, by change id.
      std::vector<const Json*> byChange;
      const Json* listed = nullptr;
      size_t acknowledged = 0;
      try {
        if (m_pushColumns) byChange = pushResultsByChange(current->changeset, result.json);
        else listed = &result.json.at("results");
        if (!nextAnswer.valid() && !following->batch.entries.empty()) {
          m_store.markFollowing(following->batch);
          nextAnswer = post(*following, true);  // while this answer is applied
        }
        // One transaction: an answer the store cannot take (a server version that is no clock stamp)
        // leaves the whole batch in the outbox (and the batch sent after it marked as such).
        acknowledged = listed ? m_store.acknowledgePush(current->batch, *listed)
                              : m_store.acknowledgePush(current->batch, byChange);
      } catch (const SqliteError&) {
        throw;  // the tablet's own file failed, not the answer (a batch sent ahead is waited for)
      } catch (const std::exception& e) {
        result.transport = TransportError::BadResponse;
        result.detail = std::string("push answer: ") + e.what();
        result.messageZh = "服务器的应答无法识别";
        result.messageEn = "The server's answer could not be read";
        fail(summary, result);
        return false;
      }
      const auto count = [&summary](const Json* r) {
        const std::string_view outcome = pushOutcome(r);
        if (outcome == "applied") ++summary.applied;
        else if (outcome == "duplicate") ++summary.duplicate;
        else if (outcome == "conflict") ++summary.conflicts;
      };
      if (listed)
        for (const Json& r : *listed) count(&r);
      for (const Json* r : byChange) count(r);
      summary.pushed += acknowledged;
      done += acknowledged;
      if (acknowledged == 0) {  // the server named none of ours: do not loop forever
        summary.ok = false;
        summary.errorCode = "not_acknowledged";
        summary.messageZh = "服务器未确认本批数据,数据仍保存在本机";
        summary.messageEn = "The server acknowledged none of the batch; it stays on this tablet";
        return false;
      }
      if (nextAnswer.valid()) {
        current = std::move(following);
        answer = std::move(nextAnswer);
        following = std::move(ready);  // read and encoded already, naming the new current as `after`
        continue;
      }
      following.reset();
    } else if ((result.status == 403 || result.status == 422) && result.json.is_object() &&
               result.json.contains("rejected") && !result.json["rejected"].empty()) {
      // A batch sent ahead named this one as `after`: the server stores it only after this one was
      // stored, so it was not, and its entries go again after what is left of this one.
      dropAhead();
      if (!takeRefusal(summary, current->batch, result, clockRefused, done)) return false;
    } else {
      fail(summary, result);
      return false;
    }
    // Nothing sent ahead: what is left (the rest of a refused batch, saves made meanwhile) goes next.
    current = std::make_unique<OutgoingBatch>(encode(m_store.nextPushBatch(m_options.pushBatch)));
    if (current->batch.entries.empty()) return true;
    answer = post(*current, full(*current));
  }
}

bool SyncClient::takeRefusal(SyncSummary& summary, const PushBatch& batch, const HttpResult& result,
                             bool& clockRefused, size_t& done) {
  // Refused changes leave the outbox as notices for the worker; the rest goes again. One transaction:
  // a refusal the store cannot take (a `current` version that is no clock stamp) moves nothing.
  // Edits refused only as stamped in the server's future stay and get stamps from its clock (once per
  // sync: stamps given from the server's time are not refused again unless its clock went back).
  const Json& rejected = result.json["rejected"];
  if (clockRefused && refusedAs(rejected, "clock_ahead")) {
    // Again in the same sync (saved meanwhile with the clock still ahead): kept for the next sync.
    summary.ok = false;
    summary.errorCode = "clock_ahead";
    summary.messageZh = "平板时间比服务器快,请校正日期和时间后再同步;修改仍保存在本机";
    summary.messageEn = "This tablet's clock is ahead of the server's: set the date and time, then sync again. "
                        "The changes stay on this tablet";
    return false;
  }
  RefusalOutcome refusal;
  try {
    refusal = m_store.rejectChanges(batch, rejected, serverTimeIn(result.json));
  } catch (const SqliteError&) {
    throw;  // the tablet's own file failed, not the answer
  } catch (const std::exception& e) {
    return failOnAnswer(summary, e);
  }
  summary.rejected += refusal.moved;
  summary.forwarded += refusal.forwarded;
  done += refusal.moved;
  clockRefused = clockRefused || refusal.resent > 0;
  if (refusal.restamped > 0) {
    summary.restamped += refusal.restamped;
    summary.clockOffsetMs = refusal.clockOffsetMs;
  }
  if (refusal.moved + refusal.resent == 0) {
    fail(summary, result);
    return false;
  }
  return true;
}

bool SyncClient::pullPages(SyncSummary& summary, const std::string& path, const std::function<int64_t()>& cursor,
                           const std::function<void(const Json& page, int64_t next)>& store, QueryParams params) {
  const auto fetch = [&](int64_t after) {
    QueryParams query = params;
    query["after"] = std::to_string(after);
    query["limit"] = std::to_string(m_options.pullPage);
    return send([&] { return m_http.get(path, query); }, summary);
  };
  int64_t after = cursor();
  HttpResult result = fetch(after);
  while (true) {
    if (!result.ok()) {
      fail(summary, result);
      return false;
    }
    const bool more = result.json.is_object() && result.json.value("has_more", false);
    int64_t next = after;
    try {
      next = result.json.value("next_after", after);
      if (more && next <= after) throw std::invalid_argument("has_more without a later next_after");
    } catch (const std::exception& e) {
      return failOnAnswer(summary, e);
    }
    // The next page is asked for while this one is stored: the server's and the network's time
    // overlap the tablet's writes. Only the stored page moves the cursor, so a failure of either
    // leaves nothing half kept.
    std::future<HttpResult> ahead;
    if (more) ahead = std::async(std::launch::async, fetch, next);
    try {
      store(result.json, next);
    } catch (const SqliteError&) {
      throw;  // the tablet's own file failed, not the answer (the page asked for ahead is waited for)
    } catch (const std::exception& e) {
      return failOnAnswer(summary, e);
    }
    if (!more) return true;
    result = ahead.get();
    after = next;
  }
}

bool SyncClient::failOnAnswer(SyncSummary& summary, const std::exception& e) {
  summary.ok = false;
  summary.errorCode = "bad_response";
  summary.messageZh = "服务器返回的数据无法识别";
  summary.messageEn = std::string("The server's answer could not be read: ") + e.what();
  return false;
}

bool SyncClient::restartPullForNewGrids() {
  const GridScope scope = signedInScope(m_store);
  const auto pulled = m_store.pulledScope();
  if (pulled && pulled->covers(scope)) return false;
  if (!pulled && m_store.pullCursor() == 0) {
    m_store.setPulledScope(scope);  // a first pull fetches everything the user sees anyway
    return false;
  }
  // A grid given since (or another user, or a file from before scopes were kept): the households
  // it brings were written before the cursor, so everything the user sees is fetched again.
  m_store.restartPull(scope);
  return true;
}

bool SyncClient::pull(SyncSummary& summary, const SyncProgress& progress) {
  restartPullForNewGrids();
  if (!pullChanges(summary, progress)) return false;
  // The last page said which grids the user has now: grids given meanwhile are fetched in this sync.
  if (restartPullForNewGrids() && !pullChanges(summary, progress)) return false;
  const GridScope scope = signedInScope(m_store);
  m_store.setPulledScope(scope);
  summary.removed += m_store.removeHouseholdsOutside(scope);
  return true;
}

bool SyncClient::pullChanges(SyncSummary& summary, const SyncProgress& progress) {
  // The server leaves out this device's own changes, unless a full pull is under way.
  QueryParams params{{"format", "2"}};
  if (!m_store.pullsOwnChanges()) params["device"] = m_store.deviceId();
  // Read once per pass: only the last page brings grids, kept after that page is stored.
  const GridScope scope = signedInScope(m_store);
  return pullPages(summary, "/v1/changes", [&] { return m_store.pullCursor(); }, [&](const Json& page, int64_t next) {
    const auto serverTime = serverTimeIn(page);  // read before anything of the page is kept
    std::vector<PulledChange> changes;
    if (page.value("format", 1) == kColumnarFormat) changes = pullPageFromColumns(page);
    else for (const Json& j : page.at("changes")) changes.push_back(PulledChange::fromJson(j));
    // A household that left this device's grids is announced by its grid change alone: a device that
    // never held it has nothing to update, and must not keep a bare record of it.
    std::erase_if(changes, [&](const PulledChange& p) { return movesOutOf(p, scope) && !m_store.load(p.change.record); });
    m_store.applyPulled(changes, next);
    if (page.contains("grids")) keepGrids(page["grids"]);
    if (page.contains("grid_names")) keepGridNames(page["grid_names"]);
    if (serverTime) summary.clockOffsetMs = m_store.wallClockMs() - *serverTime;
    summary.pulled += changes.size();
    if (progress) progress("pull", summary.pulled, summary.pulled);
  }, params);
}

bool SyncClient::movesOutOf(const PulledChange& p, const GridScope& scope) {
  if (p.change.recordType != "household" || p.change.field != "grid" || !p.change.value.is_string()) return false;
  return !scope.contains(p.change.value.get<std::string>());
}

namespace {
/// Grid names by code from a {code: name} object: members that are no text are left out.
std::map<std::string, std::string> namesIn(const Json& names) {
  std::map<std::string, std::string> out;
  if (names.is_object())
    for (const auto& [code, name] : names.items())
      if (name.is_string()) out[code] = name;
  return out;
}
}  // namespace

std::map<std::string, std::string> gridNames(const DeviceStore& store) {
  return namesIn(Json::parse(store.setting("grid_names"), nullptr, false));
}

std::vector<std::string> signedInGrids(const DeviceStore& store) {
  std::vector<std::string> out;
  const Json grids = Json::parse(store.setting("grids"), nullptr, false);
  if (grids.is_array())
    for (const Json& g : grids)
      if (g.is_string()) out.push_back(g);
  return out;
}

GridScope signedInScope(const DeviceStore& store) {
  return GridScope::forRole(store.setting("role"), signedInGrids(store));
}

bool SyncClient::sendResubmits(SyncSummary& summary) {
  for (ReviewState review : m_store.pendingResubmits()) {
    Json body = Json::object();
    if (!review.resubmitNote.empty()) body["note"] = review.resubmitNote;
    auto result = send([&] { return m_http.postJson("/v1/households/" + review.household + "/resubmit", body); },
                       summary);
    if (result.ok() && result.json.contains("review")) {
      m_store.resubmitSent(ReviewState::fromJson(result.json["review"]));
      ++summary.resubmitted;
    } else if (result.status == 409 || result.status == 404 || result.status == 403) {
      // Approved, returned again or out of the worker's grids meanwhile: the pull brings the state.
      review.state = result.json.is_object() ? result.json.value("state", "unknown") : "unknown";
      m_store.resubmitSent(review);
    } else {
      fail(summary, result);
      return false;
    }
  }
  return true;
}

bool SyncClient::pullReviews(SyncSummary& summary) {
  return pullPages(summary, "/v1/reviews", [&] { return m_store.reviewCursor(); }, [&](const Json& page, int64_t next) {
    std::vector<ReviewState> reviews;
    for (const Json& j : page.at("reviews")) reviews.push_back(ReviewState::fromJson(j));
    summary.reviews += m_store.applyReviews(reviews, next);
  });
}

void SyncClient::keepSetting(const std::string& key, const std::string& value) {
  // Written only when it changed: each sync's last page carries it.
  if (value != m_store.setting(key)) m_store.setSetting(key, value);
}

void SyncClient::keepGridNames(const Json& names) {
  if (!names.is_object()) return;  // not sent (a server from before grid names) or not readable
  keepSetting("grid_names", Json(namesIn(names)).dump());
}

void SyncClient::keepGrids(const Json& grids) {
  // Only a list of codes replaces the kept one: anything else (an older server sends none) keeps it.
  if (isListOfCodes(grids)) keepSetting("grids", grids.dump());
}

SyncSummary SyncClient::sync(const SyncProgress& progress) { return run(progress, true); }

SyncSummary SyncClient::pushOutbox(const SyncProgress& progress) { return run(progress, false); }

SyncSummary SyncClient::run(const SyncProgress& progress, bool pullToo) {
  SyncSummary summary;
  if (m_store.setting("token").empty()) {
    summary.ok = false;
    summary.errorCode = "not_signed_in";
    summary.messageZh = "尚未登录服务器,请先登录";
    summary.messageEn = "Not signed in to a server yet: sign in first";
    return summary;
  }
  try {
    DeviceStore::CheckpointBatch checkpoints(m_store);
    if (push(summary, progress) && pullToo && sendResubmits(summary) && pull(summary, progress)) pullReviews(summary);
    // The WAL goes into the file on the store's checkpoint thread: the sync is done without waiting.
    checkpoints.finish();
  } catch (const SqliteError& e) {
    failOnDeviceFile(summary, e);
  }
  return summary;
}

void SyncClient::failOnDeviceFile(SyncSummary& summary, const SqliteError& e) {
  // The failed write's transaction was rolled back: the outbox and the pull cursor are as they were
  // before it, so the next sync sends and fetches again what this one could not keep.
  summary.ok = false;
  summary.errorCode = "device_storage";
  summary.messageZh = std::string("本机数据文件写入失败,请检查平板存储空间后再同步;已保存的数据不会丢失(") +
                      e.what() + ")";
  summary.messageEn = std::string("The tablet's data file could not be written: check the tablet's free storage, "
                                  "then sync again. Nothing saved is lost (") + e.what() + ")";
}

}  // namespace synccore
