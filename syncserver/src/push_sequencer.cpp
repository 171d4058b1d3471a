#include "push_sequencer.h"

namespace syncserver {

PushSequencer::PushSequencer(std::chrono::milliseconds arrivalWait, std::chrono::milliseconds longestWait)
    : m_arrivalWait(arrivalWait), m_longestWait(longestWait) {}

PushSequencer::Arrival::Arrival(PushSequencer& sequencer, std::string id) : m_sequencer(sequencer), m_id(std::move(id)) {
  m_sequencer.arrived(m_id);
}

PushSequencer::Arrival::~Arrival() { m_sequencer.ended(m_id); }

void PushSequencer::arrived(const std::string& id) {
  {
    std::lock_guard lock(m_mutex);
    m_inProgress.insert(id);
  }
  m_changed.notify_all();
}

void PushSequencer::ended(const std::string& id) {
  {
    std::lock_guard lock(m_mutex);
    m_inProgress.erase(m_inProgress.find(id));
    if (m_ended.insert(id).second) {
      m_endedOrder.push_back(id);
      if (m_endedOrder.size() > kEndedKept) {
        m_ended.erase(m_endedOrder.front());
        m_endedOrder.pop_front();
      }
    }
  }
  m_changed.notify_all();
}

void PushSequencer::await(const std::string& after, const std::function<bool()>& stored) {
  const auto start = std::chrono::steady_clock::now();
  const auto giveUp = start + m_longestWait;
  auto arrivalDeadline = start + m_arrivalWait;
  bool askedStore = false;
  std::unique_lock lock(m_mutex);
  while (true) {
    if (m_inProgress.count(after)) {
      if (m_changed.wait_until(lock, giveUp) == std::cv_status::timeout) return;
      continue;
    }
    if (m_ended.count(after)) return;
    if (!askedStore) {
      askedStore = true;
      lock.unlock();
      const bool already = stored();
      lock.lock();
      if (already) return;
      continue;
    }
    if (m_changed.wait_until(lock, std::min(arrivalDeadline, giveUp)) == std::cv_status::timeout) return;
  }
}

}  // namespace syncserver
