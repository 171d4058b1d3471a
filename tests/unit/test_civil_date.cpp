// Unit tests for CivilDate: strict parsing, formatting, ordering, today and ageOn.
#include <catch2/catch.hpp>

#include "synccore/civil_date.h"

using synccore::ageOn;
using synccore::CivilDate;

TEST_CASE("CivilDate parses strict ISO dates", "[date]") {
  auto d = CivilDate::parse("2024-03-07");
  REQUIRE(d);
  CHECK(d->year == 2024);
  CHECK(d->month == 3);
  CHECK(d->day == 7);
  CHECK(CivilDate::parse("1800-01-01"));
  CHECK(CivilDate::parse("9999-12-31"));
  CHECK(CivilDate::parse("2024-01-31"));
  CHECK(CivilDate::parse("2024-04-30"));
}

TEST_CASE("CivilDate rejects malformed text", "[date]") {
  for (const char* bad : {"", "2024-3-07", "2024-03-7", "20240307", "2024/03/07", " 2024-03-07",
                          "2024-03-07 ", "2024-03-07T00:00", "+024-03-07", "2024-0a-07",
                          "２０２４-03-07", "24-03-07", "2024--3-07"}) {
    CAPTURE(bad);
    CHECK_FALSE(CivilDate::parse(bad));
  }
}

TEST_CASE("CivilDate validates months, days and leap years", "[date]") {
  CHECK(CivilDate::parse("2024-02-29"));
  CHECK(CivilDate::parse("2000-02-29"));
  CHECK_FALSE(CivilDate::parse("2023-02-29"));
  CHECK_FALSE(CivilDate::parse("1900-02-29"));
  CHECK_FALSE(CivilDate::parse("2024-02-30"));
  CHECK_FALSE(CivilDate::parse("2023-04-31"));
  CHECK_FALSE(CivilDate::parse("2023-13-01"));
  CHECK_FALSE(CivilDate::parse("2023-00-10"));
  CHECK_FALSE(CivilDate::parse("2023-01-00"));
  CHECK_FALSE(CivilDate::parse("2023-01-32"));
  CHECK_FALSE(CivilDate::parse("1799-12-31"));
  CHECK_FALSE(CivilDate::parse("0000-01-01"));
  CHECK(CivilDate::isValid(2024, 2, 29));
  CHECK_FALSE(CivilDate::isValid(2100, 2, 29));
  CHECK_FALSE(CivilDate::isValid(10000, 1, 1));
  CHECK_FALSE(CivilDate::isValid(2024, -1, 1));
}

TEST_CASE("CivilDate prints zero-padded and round-trips", "[date]") {
  CHECK(CivilDate{1800, 1, 5}.toString() == "1800-01-05");
  CHECK(CivilDate{2026, 11, 22}.toString() == "2026-11-22");
  for (const char* text : {"1949-10-01", "2000-02-29", "9999-12-31"}) {
    CAPTURE(text);
    REQUIRE(CivilDate::parse(text));
    CHECK(CivilDate::parse(text)->toString() == text);
  }
}

TEST_CASE("CivilDate orders chronologically", "[date]") {
  const CivilDate a{2023, 12, 31}, b{2024, 1, 1}, c{2024, 1, 2}, d{2024, 2, 1};
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK(d > a);
  CHECK(b == CivilDate{2024, 1, 1});
  CHECK(b != c);
  CHECK(b <= b);
  CHECK(*CivilDate::parse("2024-01-01") == b);
}

TEST_CASE("CivilDate::today is a valid current date", "[date]") {
  const CivilDate t = CivilDate::today();
  CHECK(CivilDate::isValid(t.year, t.month, t.day));
  CHECK(t >= CivilDate{2024, 1, 1});
}

TEST_CASE("ageOn counts full years", "[date]") {
  const CivilDate birth{1990, 6, 15};
  CHECK(ageOn(birth, {1990, 6, 15}) == 0);
  CHECK(ageOn(birth, {2020, 6, 14}) == 29);
  CHECK(ageOn(birth, {2020, 6, 15}) == 30);
  CHECK(ageOn(birth, {2020, 5, 31}) == 29);
  CHECK(ageOn(birth, {2020, 12, 31}) == 30);
  CHECK(ageOn(birth, {1991, 1, 1}) == 0);
  const CivilDate leap{2000, 2, 29};
  CHECK(ageOn(leap, {2023, 2, 28}) == 22);
  CHECK(ageOn(leap, {2023, 3, 1}) == 23);
  CHECK(ageOn(leap, {2024, 2, 29}) == 24);
  CHECK(ageOn(birth, {1989, 6, 15}) == -1);
  CHECK(ageOn(birth, {1989, 7, 1}) == 0);
}
