#pragma once
// Orders a device's pipelined pushes: one sent "after" another is merged only once that one's merge ended.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace syncserver {

/// Keeps track of the pushes that arrived and are waiting or being merged, so that a changeset sent
/// `after` another (docs/sync-protocol.md, "Pipelined batches") waits, without the state's lock, until
/// that one's merge has ended. It decides nothing: the merge then checks, under the lock, that the
/// other one was stored. Thread-safe.
class PushSequencer {
 public:
  /// `arrivalWait`: how long to wait for a predecessor that has not arrived (it was sent first but
  /// may still be on its way); `longestWait`: the most any push waits (two pushes naming each other).
  PushSequencer(std::chrono::milliseconds arrivalWait, std::chrono::milliseconds longestWait);

  /// A push from its arrival until its merge ended (stored or not): ends when destroyed.
  class Arrival {
   public:
    Arrival(PushSequencer& sequencer, std::string id);
    ~Arrival();
    Arrival(const Arrival&) = delete;
    Arrival& operator=(const Arrival&) = delete;

   private:
    PushSequencer& m_sequencer;
    std::string m_id;
  };

  /// Returns once `after` is neither waiting nor being merged: it ended, or `stored()` (asked without
  /// the sequencer's lock when it is not known here) says it was stored before, or it did not arrive
  /// within the arrival wait.
  void await(const std::string& after, const std::function<bool()>& stored);

 private:
  void arrived(const std::string& id);
  void ended(const std::string& id);

  std::chrono::milliseconds m_arrivalWait, m_longestWait;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::multiset<std::string> m_inProgress;  // a retried request may arrive while its first is still merged
  std::set<std::string> m_ended;            // the last kEndedKept that ended, for a successor asking later
  std::deque<std::string> m_endedOrder;
  static constexpr size_t kEndedKept = 4096;
};

}  // namespace syncserver
