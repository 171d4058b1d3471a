#pragma once
// The device side of sync: sign in, push the outbox, pull the worker's grids and review states, with retries.
#include "synccore/device_store.h"
#include "synccore/http_client.h"

#include <functional>
#include <future>
#include <map>
#include <string>

namespace synccore {

/// What one sync did, and why it stopped early if it did.
struct SyncSummary {
  bool ok = true;
  size_t pushed = 0, applied = 0, duplicate = 0, conflicts = 0, rejected = 0, pulled = 0;
  int attempts = 0;           // requests sent, retries included
  size_t forwarded = 0;       // of the rejected, edits outside the worker's grids passed to the community
  size_t resubmitted = 0;     // returned households sent back to the supervisor
  size_t reviews = 0;         // review states received (returned, resubmitted, approved)
  size_t removed = 0;         // households no longer in the user's grids, removed from the tablet
  size_t restamped = 0;       // edits stamped in the server's future, stamped again from its clock and sent
  std::optional<int64_t> clockOffsetMs;  // this tablet's clock minus the server's, as last seen in this sync
  std::string errorCode;      // e.g. unreachable, token_invalid, server_error
  std::string messageZh, messageEn;
  Json toJson() const;
  /// What the worker should know of the tablet's clock, in Chinese and English: how many edits went
  /// with the server's time, and, when the clock is more than 5 minutes ahead or behind the server's,
  /// by how much and to set it. Both empty when there is nothing to say.
  std::pair<std::string, std::string> clockNote() const;
  /// The part of clockNote on the clock itself ("本机时间比服务器快约 24 小时,请校正日期和时间"): empty
  /// while it is within 5 minutes of the server's, or not known.
  std::pair<std::string, std::string> clockOffsetNote() const;
};

/// Progress of a running sync, for a progress bar: phase "push" or "pull", done of total.
using SyncProgress = std::function<void(const std::string& phase, size_t done, size_t total)>;

/// Runs sync rounds for one device store against one server. Not thread-safe; one per device. It sends
/// requests from helper threads (up to two push batches at once to a server that orders them) while it
/// stores answers on the calling thread.
class SyncClient {
 public:
  struct Options {
    size_t pushBatch = 2000;
    size_t pullPage = 500;
    int maxAttempts = 6;  // per request, on retryable failures only
    std::function<void(long ms)> sleep;  // default: std::this_thread::sleep_for
  };
  SyncClient(DeviceStore& store, HttpClient& http, Options options);
  SyncClient(DeviceStore& store, HttpClient& http) : SyncClient(store, http, Options{}) {}

  /// Signs in and keeps the token (sealed) in the device file; sets the device's author.
  SyncSummary login(const std::string& user, const std::string& password);
  /// Pushes the whole outbox in batches, sends resubmitted households, then pulls changes and
  /// review states until the server has nothing more.
  SyncSummary sync(const SyncProgress& progress = {});
  /// The push of a sync alone (no resubmits, no pull): for tools and benchmarks that time them apart.
  SyncSummary pushOutbox(const SyncProgress& progress = {});

 private:
  SyncSummary run(const SyncProgress& progress, bool pullToo);
  HttpResult send(const std::function<HttpResult()>& request, SyncSummary& summary);
  /// As above, counting attempts into `attempts` (a request on a helper thread).
  HttpResult send(const std::function<HttpResult()>& request, int& attempts);
  /// A batch of the outbox with the changeset and the request made from it, ready to send.
  struct OutgoingBatch {
    PushBatch batch;
    Changeset changeset;
    PreparedBody request;
    int attempts = 0;  // requests made for it, counted by the thread that sends it
  };
  /// The batch as a request; `after`: the batch sent just before it and not yet answered, if any.
  OutgoingBatch encode(PushBatch batch, const std::string& after = {}) const;
  /// POSTs the batch (with retries), on another thread when `overlap` (the device has work meanwhile),
  /// else when the answer is asked for; `outgoing` must outlive the answer.
  std::future<HttpResult> post(OutgoingBatch& outgoing, bool overlap);
  bool push(SyncSummary& summary, const SyncProgress& progress);
  /// A 403/422 refusal of `batch`: refused changes become notices, those refused only as stamped in the
  /// server's future (`clockRefused` once they were) get new stamps; false when the sync must stop.
  bool takeRefusal(SyncSummary& summary, const PushBatch& batch, const HttpResult& result, bool& clockRefused,
                   size_t& done);
  /// Pulls the changes of the user's grids; fetches from the start when the user now sees households
  /// earlier pulls left out, and removes those they no longer see (once nothing of them waits).
  bool pull(SyncSummary& summary, const SyncProgress& progress);
  /// One pass of change pages from the pull cursor until the server has nothing more.
  bool pullChanges(SyncSummary& summary, const SyncProgress& progress);
  /// Goes back to the start of the change log when the user sees grids the pulled records do not cover
  /// (the first pull only records its grids); true when it did.
  bool restartPullForNewGrids();
  bool sendResubmits(SyncSummary& summary);
  bool pullReviews(SyncSummary& summary);
  /// Keeps the grid names of a sign-in answer or of a pull's last page ({code: name}; members that are
  /// no text are left out, anything but an object leaves the names as they are).
  void keepGridNames(const Json& names);
  /// Keeps the user's grids from a pull's last page (an administrator may have changed them since
  /// sign-in); anything but a list of codes leaves them as they are.
  void keepGrids(const Json& grids);
  /// Sets a device setting unless it already holds `value` (no write for an unchanged one).
  void keepSetting(const std::string& key, const std::string& value);
  /// Pages of GET path?after=cursor until has_more is false; `store` keeps one page and its next cursor
  /// (a parse error stops with bad_response before anything of that page is stored). The next page is
  /// fetched on another thread while `store` runs: `store` must not use the HTTP client.
  using QueryParams = std::map<std::string, std::string>;
  bool pullPages(SyncSummary& summary, const std::string& path, const std::function<int64_t()>& cursor,
                 const std::function<void(const Json& page, int64_t next)>& store, QueryParams params = {});
  void fail(SyncSummary& summary, const HttpResult& result);
  /// An answer that arrived but could not be read or kept (bad_response); returns false.
  static bool failOnAnswer(SyncSummary& summary, const std::exception& e);
  /// A sync stopped by the tablet's own file (full storage, I/O error): reported, not thrown.
  static void failOnDeviceFile(SyncSummary& summary, const SqliteError& e);
  /// A pulled change moving a household out of the signed-in user's grids.
  static bool movesOutOf(const PulledChange& p, const GridScope& scope);
  DeviceStore& m_store;
  HttpClient& m_http;
  Options m_options;
  bool m_pushColumns = true;  // push format 2 until a server refuses it (then format 1)
  bool m_serverOrders = false;  // a push answer said the server orders pushes sent `after` another
};

/// Why `user` may not sign in on this device yet (a failed summary, code `previous_user_pending`): the
/// signed-in user's changes still wait to be sent, or their notices to be read, and would pass to
/// `user`. nullopt for the same user, or when nothing of the previous one waits. SyncClient::login
/// checks it first; the app asks before it starts a sign-in.
std::optional<SyncSummary> handOverRefusal(const DeviceStore& store, const std::string& user);

/// The grids of the user signed in on this device, as the server named them at sign-in or the last
/// sync (kept in the device file by SyncClient); empty for a user who sees every grid or before any sign-in.
std::vector<std::string> signedInGrids(const DeviceStore& store);

/// The households the signed-in user sees, from the role and grids kept on the device.
GridScope signedInScope(const DeviceStore& store);

/// The names of the grids the signed-in user sees, by code, as the server last sent them (at sign-in
/// and each sync); empty before any, or from a server that names no grids.
std::map<std::string, std::string> gridNames(const DeviceStore& store);

}  // namespace synccore
