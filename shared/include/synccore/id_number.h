#pragma once
// Chinese resident identity number (居民身份证号, GB 11643-1999) validation and decoding.
#include <optional>
#include <string>
#include <string_view>

#include "synccore/civil_date.h"

namespace synccore {

enum class Sex { Male, Female };

/// Why a number was rejected, in checking order (the first failing check is reported).
enum class IdNumberError {
  None,
  Empty,
  WrongLength,
  BadCharacter,
  BadRegion,
  BadBirthDate,
  FutureBirthDate,
  BadCheckDigit
};

/// What a valid number encodes; `normalized` is the trimmed number with an upper-case X.
struct IdNumberInfo {
  std::string normalized;
  CivilDate birthDate;
  Sex sex = Sex::Male;
  std::string regionCode;  // the first six digits (administrative division code)
};

/// Outcome of checkIdNumber: info when valid, otherwise the error and bilingual messages.
struct IdNumberCheck {
  std::optional<IdNumberInfo> info;
  IdNumberError error = IdNumberError::None;
  std::string messageZh;
  std::string messageEn;

  bool ok() const { return error == IdNumberError::None; }
};

/// Validates an 18-character ID number (surrounding ASCII whitespace ignored, x accepted as X).
/// Birth dates must lie in 1900-01-01..today. Lengths are counted in characters, not bytes.
IdNumberCheck checkIdNumber(std::string_view raw, const CivilDate& today);

/// ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') for 17 ASCII digits; '\0' otherwise.
char idNumberCheckDigit(std::string_view first17);

/// The survey's option code for a sex: "male" or "female".
std::string_view sexCode(Sex sex);

}  // namespace synccore
