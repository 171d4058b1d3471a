// Table-driven tests for resident ID number validation (GB 11643-1999).
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "synccore/id_number.h"

using synccore::checkIdNumber;
using synccore::CivilDate;
using synccore::IdNumberCheck;
using synccore::IdNumberError;
using synccore::Sex;

namespace {

const CivilDate kToday{2026, 11, 22};

/// Independent ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11) used to build and verify cases.
char referenceCheck(const std::string& first17) {
  int sum = 0, weight = 1;
  for (int i = 16; i >= 0; --i) {
    weight = weight * 2 % 11;
    sum += (first17[static_cast<size_t>(i)] - '0') * weight;
  }
  return "10X98765432"[sum % 11];
}

struct ValidCase {
  const char* input;
  const char* normalized;
  CivilDate birth;
  Sex sex;
  const char* region;
};

// Check characters computed independently (and re-verified below with referenceCheck).
const std::vector<ValidCase> kValid = {
    {"11010519491231002X",
     "11010519491231002X",
     {1949, 12, 31},
     Sex::Female,
     "110105"},  // GB example
    {"11010519491231002x", "11010519491231002X", {1949, 12, 31}, Sex::Female, "110105"},
    {" \t11010519491231002X\r\n", "11010519491231002X", {1949, 12, 31}, Sex::Female, "110105"},
    {"11010120000229123X", "11010120000229123X", {2000, 2, 29}, Sex::Male, "110101"},
    {"32058219750611045x", "32058219750611045X", {1975, 6, 11}, Sex::Male, "320582"},
    {"440306198510150045", "440306198510150045", {1985, 10, 15}, Sex::Female, "440306"},
    {"510107199307083615", "510107199307083615", {1993, 7, 8}, Sex::Male, "510107"},
    {"650102202611220016",
     "650102202611220016",
     {2026, 11, 22},
     Sex::Male,
     "650102"},  // born today
    {"810000198811110025", "810000198811110025", {1988, 11, 11}, Sex::Female, "810000"},
    {"230204201012310066", "230204201012310066", {2010, 12, 31}, Sex::Female, "230204"},
    {"710000200001010010", "710000200001010010", {2000, 1, 1}, Sex::Male, "710000"},
};

struct InvalidCase {
  std::string input;
  IdNumberError error;
  std::string zhFragment;  // must appear in messageZh ("" = no extra requirement)
  std::string enFragment;  // must appear in messageEn
};

const std::vector<InvalidCase> kInvalid = {
    {"", IdNumberError::Empty, "为空", "empty"},
    {" \t\n ", IdNumberError::Empty, "为空", "empty"},
    {"110105491231002", IdNumberError::WrongLength, "当前为15位", "got 15"},
    {"11010519491231002", IdNumberError::WrongLength, "当前为17位", "got 17"},
    {"11010519491231002X0", IdNumberError::WrongLength, "当前为19位", "got 19"},
    {"1101051949123100 2X", IdNumberError::WrongLength, "当前为19位", "got 19"},
    {"110105194912A1002X", IdNumberError::BadCharacter, "第13位", "character 13"},
    {"1101051949X231002X", IdNumberError::BadCharacter, "第11位", "character 11"},
    {"X1010519491231002X", IdNumberError::BadCharacter, "第1位", "character 1"},
    {"11010519491231002Y", IdNumberError::BadCharacter, "第18位", "character 18"},
    {"11010519491231002-", IdNumberError::BadCharacter, "第18位", "character 18"},
    {"110105 9491231002X", IdNumberError::BadCharacter, "第7位", "character 7"},
    {"11010519491231\xEF\xBC\x90\xEF\xBC\x90"
     "2X",
     IdNumberError::BadCharacter, "全角", "full-width"},  // "００" full-width zeros: 18 characters
    {"\xEF\xBC\x91"
     "10105194912310023",
     IdNumberError::BadCharacter, "第1位", "character 1"},
    {"11010519491231\xFF"
     "02X",
     IdNumberError::BadCharacter, "第15位", "character 15"},
    {"990105194912310023", IdNumberError::BadRegion, "99", "\"99\""},
    {"160105194912310029", IdNumberError::BadRegion, "16", "\"16\""},
    {"000105194912310020", IdNumberError::BadRegion, "00", "\"00\""},
    {"840105194912310020", IdNumberError::BadRegion, "84", "\"84\""},
    {"110105199902300015", IdNumberError::BadBirthDate, "19990230", "19990230"},
    {"110105202304310015", IdNumberError::BadBirthDate, "20230431", "20230431"},
    {"110105190013010017", IdNumberError::BadBirthDate, "19001301", "19001301"},
    {"110105189912310015", IdNumberError::BadBirthDate, "18991231", "18991231"},
    {"440524188001010014", IdNumberError::BadBirthDate, "1900", "1900"},  // GB 1880 example
    {"110105202611230015", IdNumberError::FutureBirthDate, "2026-11-23", "future"},
    {"110105194912310021", IdNumberError::BadCheckDigit, "应为X", "should be X"},
    {"440306198510150046", IdNumberError::BadCheckDigit, "应为5", "should be 5"},
    {"11010120000229123x9", IdNumberError::WrongLength, "", ""},
    // Precedence: the earliest failing check wins.
    {"99010519491231A023", IdNumberError::BadCharacter, "", ""},
    {"990105199902300015", IdNumberError::BadRegion, "", ""},
    {"110105199902300010", IdNumberError::BadBirthDate, "", ""},
    {"110105202611230010", IdNumberError::FutureBirthDate, "", ""},
};

void requireRejected(const IdNumberCheck& check) {
  CHECK_FALSE(check.ok());
  CHECK_FALSE(check.info.has_value());
  CHECK(check.error != IdNumberError::None);
  CHECK_FALSE(check.messageZh.empty());
  CHECK_FALSE(check.messageEn.empty());
}

}  // namespace

TEST_CASE("Valid ID numbers decode birth date, sex and region", "[id]") {
  for (const auto& v : kValid) {
    CAPTURE(v.input);
    const auto check = checkIdNumber(v.input, kToday);
    REQUIRE(check.ok());
    REQUIRE(check.info);
    CHECK(check.error == IdNumberError::None);
    CHECK(check.info->normalized == v.normalized);
    CHECK(check.info->birthDate == v.birth);
    CHECK(check.info->sex == v.sex);
    CHECK(check.info->regionCode == v.region);
  }
}

TEST_CASE("Check digit follows ISO 7064 MOD 11-2", "[id]") {
  for (const auto& v : kValid) {
    const std::string n = v.normalized;
    CAPTURE(n);
    CHECK(referenceCheck(n.substr(0, 17)) == n[17]);
    CHECK(synccore::idNumberCheckDigit(n.substr(0, 17)) == n[17]);
  }
  CHECK(synccore::idNumberCheckDigit("11010519491231002") == 'X');
  CHECK(synccore::idNumberCheckDigit("44052418800101001") == '4');
  CHECK(synccore::idNumberCheckDigit("1101051949123100") == '\0');
  CHECK(synccore::idNumberCheckDigit("1101051949123100A") == '\0');
}

TEST_CASE("Invalid ID numbers report the specific error in both languages", "[id]") {
  for (const auto& c : kInvalid) {
    CAPTURE(c.input, c.zhFragment);
    const auto check = checkIdNumber(c.input, kToday);
    requireRejected(check);
    CHECK(check.error == c.error);
    CHECK(check.messageZh.find(c.zhFragment) != std::string::npos);
    CHECK(check.messageEn.find(c.enFragment) != std::string::npos);
  }
}

TEST_CASE("Every single-character change of a valid number is rejected", "[id]") {
  const std::string allowed = "0123456789X";
  for (const auto& v : kValid) {
    const std::string good = v.normalized;
    for (size_t pos = 0; pos < good.size(); ++pos) {
      const bool last = pos + 1 == good.size();
      for (char c : allowed) {
        if (c == good[pos] || (c == 'X' && !last)) continue;
        std::string bad = good;
        bad[pos] = c;
        CAPTURE(good, bad, pos);
        const auto check = checkIdNumber(bad, kToday);
        requireRejected(check);
        if (pos >= 14)
          CHECK(check.error == IdNumberError::BadCheckDigit);
        else
          CHECK((check.error == IdNumberError::BadRegion ||
                 check.error == IdNumberError::BadBirthDate ||
                 check.error == IdNumberError::FutureBirthDate ||
                 check.error == IdNumberError::BadCheckDigit));
      }
    }
  }
}

TEST_CASE("Every adjacent transposition of different characters is rejected", "[id]") {
  for (const auto& v : kValid) {
    const std::string good = v.normalized;
    for (size_t pos = 0; pos + 1 < good.size(); ++pos) {
      if (good[pos] == good[pos + 1]) continue;
      std::string bad = good;
      std::swap(bad[pos], bad[pos + 1]);
      CAPTURE(good, bad, pos);
      requireRejected(checkIdNumber(bad, kToday));
    }
  }
}

TEST_CASE("Birth date bounds are relative to the given today", "[id]") {
  CHECK(checkIdNumber("110105202611230015", kToday).error == IdNumberError::FutureBirthDate);
  CHECK(checkIdNumber("110105202611230015", CivilDate{2026, 11, 23}).ok());
  CHECK(checkIdNumber("650102202611220016", CivilDate{2026, 11, 21}).error ==
        IdNumberError::FutureBirthDate);
}

TEST_CASE("Sex codes match the survey options", "[id]") {
  CHECK(synccore::sexCode(Sex::Male) == "male");
  CHECK(synccore::sexCode(Sex::Female) == "female");
}
