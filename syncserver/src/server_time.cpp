#include "server_time.h"

#include "synccore/hlc.h"

#include <ctime>

namespace syncserver {

int64_t nowMs() { return synccore::HybridClock::systemWallMs(); }

std::string isoFromMs(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms % 1000));
  return std::string(buffer) + millis;
}

std::optional<int64_t> msFromIso(const std::string& iso) {
  std::tm t{};
  int millis = 0;
  int used = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min,
                  &t.tm_sec, &used) != 6)
    return std::nullopt;
  if (static_cast<size_t>(used) < iso.size() && iso[used] == '.') std::sscanf(iso.c_str() + used, ".%3d", &millis);
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&t)) * 1000 + millis;
}

std::optional<int64_t> wholeNumber(const std::string& text) {
  try {
    size_t used = 0;
    const int64_t v = std::stoll(text, &used);
    if (used == text.size() && !text.empty() && text[0] != '+' && text[0] != ' ') return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace syncserver
