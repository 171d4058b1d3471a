#include "synccore/civil_date.h"

#include <cstdio>
#include <ctime>

namespace synccore {

namespace {

constexpr int kMinYear = 1800;
constexpr int kMaxYear = 9999;

bool isLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

/// The value of `count` ASCII digits starting at `pos`, or -1 when any is not a digit.
int digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

bool CivilDate::isValid(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12) return false;
  return day >= 1 && day <= daysInMonth(year, month);
}

std::optional<CivilDate> CivilDate::parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  const int y = digits(iso, 0, 4), m = digits(iso, 5, 2), d = digits(iso, 8, 2);
  if (y < 0 || m < 0 || d < 0 || !isValid(y, m, d)) return std::nullopt;
  return CivilDate{y, m, d};
}

CivilDate CivilDate::today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return CivilDate{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

std::string CivilDate::toString() const {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

int ageOn(const CivilDate& birth, const CivilDate& on) {
  int years = on.year - birth.year;
  if (years > 0 && (on.month < birth.month || (on.month == birth.month && on.day < birth.day)))
    --years;
  else if (years < 0 && (on.month > birth.month || (on.month == birth.month && on.day > birth.day)))
    ++years;
  return years;
}

}  // namespace synccore
