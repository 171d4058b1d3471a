#pragma once
// Calendar date without time or zone (proleptic Gregorian), as used for birth dates and bounds.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace synccore {

/// A validated year-month-day. Ordered chronologically; printed as "YYYY-MM-DD".
struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;

  /// Strict "YYYY-MM-DD" (exactly 10 characters, ASCII digits), a real date in 1800..9999.
  static std::optional<CivilDate> parse(std::string_view iso);
  /// Today's date in the device's local time zone.
  static CivilDate today();
  /// True for a real calendar date (leap years included) with year in 1800..9999.
  static bool isValid(int year, int month, int day);

  std::string toString() const;
  auto operator<=>(const CivilDate&) const = default;
  bool operator==(const CivilDate&) const = default;
};

/// Full years from `birth` to `on` (negative when `on` precedes `birth`). Someone born on
/// 29 February becomes a year older on 1 March in common years.
int ageOn(const CivilDate& birth, const CivilDate& on);

}  // namespace synccore
