#pragma once
// Hybrid logical clock stamps (wall ms, counter, device id) and the clock that issues them.
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace synccore {

/// One HLC stamp. Ordered by (wallMs, counter, device); printed as a fixed-width sortable string.
struct Hlc {
  int64_t wallMs = 0;
  uint32_t counter = 0;
  std::string device;

  /// "000001732300000000-00000-<device>": lexicographic order equals stamp order.
  std::string toString() const;
  static std::optional<Hlc> parse(std::string_view text);
  auto operator<=>(const Hlc&) const = default;
  bool operator==(const Hlc&) const = default;
};

/// Issues monotonically increasing stamps for one device and folds in stamps seen from others.
/// Not thread-safe: one clock per store, used under the store's lock.
class HybridClock {
 public:
  using WallClock = std::function<int64_t()>;
  /// Remote stamps further ahead of our wall clock than this are refused (clock drift bound).
  static constexpr int64_t kDefaultMaxDriftMs = 5 * 60 * 1000;

  HybridClock(std::string device, Hlc last = {}, WallClock wall = systemWallMs,
              int64_t maxDriftMs = kDefaultMaxDriftMs);

  /// A stamp for a local event, greater than every stamp issued or observed before.
  Hlc tick();
  /// Folds in a stamp from another node. Returns false, changing nothing, when the stamp is
  /// further in the future than the drift bound allows.
  bool observe(const Hlc& remote);
  const Hlc& last() const { return m_last; }
  /// Makes `last` the newest stamp issued: undoes the ticks of a save that was rolled back, or, after
  /// the server refused stamps from a clock set ahead, moves the clock back to the stamps it re-issued.
  void resetTo(Hlc last) { m_last = std::move(last); }
  /// The wall clock this clock reads (milliseconds since 1970).
  int64_t wallMs() const { return m_wall(); }
  /// The stamp right after `stamp` of the same wall millisecond, or the next millisecond's first once
  /// the counter is full (a stored version keeps counters below 100,000).
  static Hlc successor(const Hlc& stamp);
  static int64_t systemWallMs();
  /// The system's wall clock moved by `offsetMs` (a device whose date is set wrong: tests, demos).
  static WallClock offsetWall(int64_t offsetMs);

 private:
  std::string m_device;
  Hlc m_last;
  WallClock m_wall;
  int64_t m_maxDriftMs;
};

}  // namespace synccore
