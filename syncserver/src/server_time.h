#pragma once
// Wall-clock helpers of the server: now, ISO-8601 UTC texts, whole numbers from query strings.
#include <cstdint>
#include <optional>
#include <string>

namespace syncserver {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

/// Milliseconds since 1970 (UTC).
int64_t nowMs();
/// "2026-11-22T08:15:30.123Z" for a time in milliseconds since 1970.
std::string isoFromMs(int64_t ms);
/// The milliseconds of an ISO-8601 UTC text ("YYYY-MM-DDTHH:MM:SS[.mmm]Z"); nullopt when malformed.
std::optional<int64_t> msFromIso(const std::string& iso);
/// A whole decimal number (optional leading '-'), nothing else; nullopt otherwise.
std::optional<int64_t> wholeNumber(const std::string& text);

}  // namespace syncserver
