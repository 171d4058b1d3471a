#include "synccore/hlc.h"

#include <chrono>
#include <cstdio>

namespace synccore {

std::string Hlc::toString() const {
  char head[40];
  std::snprintf(head, sizeof head, "%018lld-%05u-", static_cast<long long>(wallMs), counter);
  return head + device;
}

std::optional<Hlc> Hlc::parse(std::string_view text) {
  if (text.size() < 26 || text[18] != '-' || text[24] != '-') return std::nullopt;
  Hlc h;
  for (size_t i = 0; i < 18; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    h.wallMs = h.wallMs * 10 + (text[i] - '0');
  }
  for (size_t i = 19; i < 24; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    h.counter = h.counter * 10 + static_cast<uint32_t>(text[i] - '0');
  }
  h.device = std::string(text.substr(25));
  if (h.device.empty()) return std::nullopt;
  return h;
}

HybridClock::HybridClock(std::string device, Hlc last, WallClock wall, int64_t maxDriftMs)
    : m_device(std::move(device)), m_last(std::move(last)), m_wall(std::move(wall)),
      m_maxDriftMs(maxDriftMs) {}

int64_t HybridClock::systemWallMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

HybridClock::WallClock HybridClock::offsetWall(int64_t offsetMs) {
  return [offsetMs] { return systemWallMs() + offsetMs; };
}

Hlc HybridClock::tick() {
  const int64_t wall = m_wall();
  if (wall > m_last.wallMs) {
    m_last = Hlc{wall, 0, m_device};
  } else {
    m_last = successor(Hlc{m_last.wallMs, m_last.counter, m_device});
  }
  return m_last;
}

Hlc HybridClock::successor(const Hlc& stamp) {
  constexpr uint32_t kLastCounter = 99'999;
  if (stamp.counter >= kLastCounter) return Hlc{stamp.wallMs + 1, 0, stamp.device};
  return Hlc{stamp.wallMs, stamp.counter + 1, stamp.device};
}

bool HybridClock::observe(const Hlc& remote) {
  const int64_t wall = m_wall();
  if (remote.wallMs - wall > m_maxDriftMs) return false;
  if (remote.wallMs > m_last.wallMs) {
    m_last = Hlc{remote.wallMs, remote.counter, m_device};
  } else if (remote.wallMs == m_last.wallMs && remote.counter > m_last.counter) {
    m_last.counter = remote.counter;
  }
  return true;
}

}  // namespace synccore
