#pragma once
// The engines peer_bench runs in C++ on workload W. Each returns one JSON object:
// {engine, figures: {name: {median, min, max, n}}, correctness: {state, conflicts}, ...}.
#include "workload.h"

#include "synccore/sync_client.h"

#include <memory>
#include <string>

namespace peers {

/// Changes per changeset, as the app's sync client sends them (Anju's pushes and raw SQLite's per-changeset commits).
inline const size_t kChangesetChanges = synccore::SyncClient::Options{}.pushBatch;

struct RunOptions {
  int runs = 5;
  std::string dir;           // parent of the temporary directories
  bool verbose = false;      // progress on stderr
  int oneEditSamples = 20;   // per run (Anju)
  int daySamples = 3;        // per run (Anju)
  int dayHouseholds = 25;    // households visited in a day (Anju)
  int dayFieldsPerHousehold = 10;
  int captureSaves = 1000;
  int serverCacheMb = 0;     // 0: the server's own page cache setting; else PRAGMA cache_size (diagnosis)    // A's saves timed one by one, with and without the outbox (Anju)
};

void progress(const RunOptions& o, const std::string& text);

Json runRawSqlite(const Workload& w, const Oracle& oracle, const RunOptions& o);

/// Raw SQLite's writes of W as runRawSqlite times them (one transaction), for another engine to time
/// beside its own runs in one process, so that a ratio can be taken run by run (the machine's speed
/// drifts between processes minutes apart). The base file is built once under `dir`.
class RawSqliteTimer {
 public:
  RawSqliteTimer(const Workload& w, const std::string& dir);
  ~RawSqliteTimer();
  /// Milliseconds of one run on a fresh copy of the base file.
  double applyMs();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};
Json runSessionExtension(const Workload& w, const Oracle& oracle, const RunOptions& o);
Json runAnju(const Workload& w, const Oracle& oracle, const RunOptions& o);
/// Server merge only (A's and B's changesets over HTTPS into a server seeded with W's base):
/// time, throughput and memory at this scale.
Json runAnjuGrowth(const Workload& w, const Oracle& oracle, const RunOptions& o);

}  // namespace peers
