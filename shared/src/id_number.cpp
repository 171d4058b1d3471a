#include "synccore/id_number.h"

#include <cstdint>
#include <vector>

namespace synccore {

namespace {

constexpr size_t kLength = 18;

bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

/// One user-visible character: its bytes and code point (-1 for a malformed UTF-8 byte).
struct Utf8Char {
  std::string_view bytes;
  int32_t codePoint;
};

std::vector<Utf8Char> splitUtf8(std::string_view s) {
  std::vector<Utf8Char> out;
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t len = lead < 0x80           ? 1
                 : (lead >> 5) == 0x6  ? 2
                 : (lead >> 4) == 0xE  ? 3
                 : (lead >> 3) == 0x1E ? 4
                                       : 0;
    int32_t cp = len == 1   ? lead
                 : len == 2 ? (lead & 0x1F)
                 : len == 3 ? (lead & 0x0F)
                            : (lead & 0x07);
    bool valid = len > 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (!valid) {
      out.push_back({s.substr(i, 1), -1});
      ++i;
    } else {
      out.push_back({s.substr(i, len), cp});
      i += len;
    }
  }
  return out;
}

IdNumberCheck fail(IdNumberError error, std::string zh, std::string en) {
  return IdNumberCheck{std::nullopt, error, std::move(zh), std::move(en)};
}

/// Reports the first character that is not allowed at its position, if any.
std::optional<IdNumberCheck> characterProblem(const std::vector<Utf8Char>& chars) {
  for (size_t i = 0; i < chars.size(); ++i) {
    const Utf8Char& c = chars[i];
    const bool last = i + 1 == chars.size();
    if (c.codePoint >= '0' && c.codePoint <= '9') continue;
    if (last && (c.codePoint == 'X' || c.codePoint == 'x')) continue;
    const std::string pos = std::to_string(i + 1);
    const std::string shown = c.codePoint < 0 ? std::string() : std::string(c.bytes);
    const std::string zhChar = shown.empty() ? "" : "“" + shown + "”";
    const std::string enChar = shown.empty() ? " (invalid byte)" : " ('" + shown + "')";
    if (c.codePoint >= 0xFF10 && c.codePoint <= 0xFF19)
      return fail(IdNumberError::BadCharacter,
                  "第" + pos + "位" + zhChar + "是全角数字,请使用半角数字",
                  "character " + pos + enChar + " is a full-width digit; use ASCII digits 0-9");
    if (c.codePoint == 'X' || c.codePoint == 'x')
      return fail(IdNumberError::BadCharacter, "第" + pos + "位不能是X,X只能出现在最后一位",
                  "character " + pos + " is X; X is only allowed as the last character");
    return fail(IdNumberError::BadCharacter,
                "第" + pos + "位字符" + zhChar + "无效," + (last ? "应为数字或X" : "应为数字"),
                "character " + pos + enChar + " is not allowed; expected " +
                    (last ? "a digit or X" : "a digit"));
  }
  return std::nullopt;
}

bool isProvinceCode(int code) {
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
         code == 71 || code == 81 || code == 82 || code == 83;
}

int number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

char idNumberCheckDigit(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!isDigit(first17[i])) return '\0';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

std::string_view sexCode(Sex sex) {
  return sex == Sex::Male ? "male" : "female";
}

IdNumberCheck checkIdNumber(std::string_view raw, const CivilDate& today) {
  const std::string_view text = trim(raw);
  if (text.empty()) return fail(IdNumberError::Empty, "身份证号为空", "ID number is empty");

  const std::vector<Utf8Char> chars = splitUtf8(text);
  if (chars.size() != kLength) {
    const std::string n = std::to_string(chars.size());
    return fail(IdNumberError::WrongLength, "身份证号应为18位,当前为" + n + "位",
                "ID number must have 18 characters, got " + n);
  }
  if (auto problem = characterProblem(chars)) return std::move(*problem);

  // All 18 characters are ASCII now, so bytes and characters coincide.
  std::string id(text);
  if (id.back() == 'x') id.back() = 'X';

  const std::string_view digits = id;
  if (!isProvinceCode(number(digits.substr(0, 2)))) {
    const std::string code(digits.substr(0, 2));
    return fail(IdNumberError::BadRegion, "前两位地区代码“" + code + "”不是有效的省级代码",
                "region code \"" + code + "\" (first two digits) is not a valid province code");
  }

  const std::string birthText(digits.substr(6, 8));
  const CivilDate birth{number(digits.substr(6, 4)), number(digits.substr(10, 2)),
                        number(digits.substr(12, 2))};
  if (birth.year < 1900)
    return fail(IdNumberError::BadBirthDate, "第7-14位出生日期“" + birthText + "”早于1900年",
                "birth date \"" + birthText + "\" (digits 7-14) is before 1900");
  if (!CivilDate::isValid(birth.year, birth.month, birth.day))
    return fail(IdNumberError::BadBirthDate, "第7-14位出生日期“" + birthText + "”不是有效日期",
                "birth date \"" + birthText + "\" (digits 7-14) is not a valid date");
  if (birth > today)
    return fail(
        IdNumberError::FutureBirthDate,
        "出生日期" + birth.toString() + "晚于今天(" + today.toString() + ")",
        "birth date " + birth.toString() + " is in the future (today is " + today.toString() + ")");

  const char expected = idNumberCheckDigit(digits.substr(0, 17));
  if (id.back() != expected) {
    const std::string want(1, expected), got(1, id.back());
    return fail(
        IdNumberError::BadCheckDigit,
        "校验位错误,最后一位应为" + want + ",当前为" + got + ",请核对号码",
        "check character is " + got + " but should be " + want + "; please re-check the number");
  }

  IdNumberInfo info;
  info.birthDate = birth;
  info.sex = (digits[16] - '0') % 2 == 1 ? Sex::Male : Sex::Female;
  info.regionCode = std::string(digits.substr(0, 6));
  info.normalized = std::move(id);
  return IdNumberCheck{std::move(info), IdNumberError::None, {}, {}};
}

}  // namespace synccore
