#include "synccore/validation.h"

#include "synccore/condition.h"
#include "synccore/id_number.h"

#include <cmath>
#include <set>

namespace synccore {

namespace {

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

size_t utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string formatNumber(double d) {
  Json j = d;
  if (std::floor(d) == d && std::fabs(d) < 1e15) j = static_cast<long long>(d);
  return j.dump();
}

ValidationFailure failure(const std::string& type, const std::string& uuid, const FieldDef& f,
                          const char* rule, std::string zh, std::string en) {
  return {type, uuid, f.key, rule, "「" + f.labels.zh + "」" + zh, f.labels.en + ": " + en};
}

bool isAnswered(const Value& v) {
  return !(v.is_null() || (v.is_string() && v.get<std::string>().empty()) ||
           (v.is_array() && v.empty()));
}

std::optional<CivilDate> resolveDateBound(const std::optional<std::string>& bound,
                                          const CivilDate& today) {
  if (!bound) return std::nullopt;
  if (*bound == "today") return today;
  return CivilDate::parse(*bound);
}

}  // namespace

Json ValidationFailure::toJson() const {
  return Json{{"record_type", recordType}, {"record", recordUuid}, {"field", field},
              {"rule", rule},               {"message_zh", messageZh}, {"message_en", messageEn}};
}

std::string ValidationFailure::describe() const {
  return recordType + "." + field + " [" + rule + "] " + messageZh + " / " + messageEn;
}

ParsedInput parseFieldInput(const FieldDef& f, std::string_view raw) {
  ParsedInput out;
  const std::string text = trim(raw);
  if (text.empty()) return out;  // clears the answer
  const auto bad = [&](std::string zh, std::string en) {
    out.ok = false;
    out.messageZh = "「" + f.labels.zh + "」" + zh;
    out.messageEn = f.labels.en + ": " + en;
    return out;
  };
  switch (f.type) {
    case FieldType::Text:
    case FieldType::Date:
    case FieldType::SingleChoice:
      out.value = text;
      return out;
    case FieldType::Integer: {
      size_t used = 0;
      try {
        long long n = std::stoll(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        out.value = n;
      } catch (const std::exception&) {
        return bad("应为整数,输入为“" + text + "”", "expected a whole number, got \"" + text + "\"");
      }
      return out;
    }
    case FieldType::Decimal: {
      size_t used = 0;
      try {
        double d = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(d)) throw std::invalid_argument(text);
        out.value = d;
      } catch (const std::exception&) {
        return bad("应为数字,输入为“" + text + "”", "expected a number, got \"" + text + "\"");
      }
      return out;
    }
    case FieldType::YesNo: {
      static const std::set<std::string> yes = {"yes", "true", "1", "是", "y"};
      static const std::set<std::string> no = {"no", "false", "0", "否", "n"};
      if (yes.count(text)) out.value = true;
      else if (no.count(text)) out.value = false;
      else return bad("应为“是”或“否”", "expected yes or no, got \"" + text + "\"");
      return out;
    }
    case FieldType::MultipleChoice: {
      out.value = Json::array();
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string code = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!code.empty()) out.value.push_back(code);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return out;
    }
  }
  return out;
}

Validator::Validator(const SurveyDefinition& definition, CivilDate today)
    : m_definition(definition), m_today(today) {}

std::vector<ValidationFailure> Validator::checkRecord(std::string_view typeView,
                                                      std::string_view uuidView,
                                                      RecordValues& values) const {
  const std::string type(typeView), uuid(uuidView);
  std::vector<ValidationFailure> out;
  const RecordTypeDef* record = m_definition.record(type);
  if (!record) {
    out.push_back({type, uuid, "", "unknown_record", "未知的记录类型“" + type + "”",
                   "unknown record type \"" + type + "\""});
    return out;
  }
  for (auto& [key, value] : values) {
    if (!record->field(key)) {
      out.push_back({type, uuid, key, "unknown_field", "问卷中没有字段“" + key + "”",
                     "the survey has no field \"" + key + "\""});
    } else if (value.is_string()) {
      value = trim(value.get<std::string>());
      if (value.get<std::string>().empty()) value = nullptr;
    }
  }
  const RecordValues withDerived = withDerivedValues(type, values, m_today);
  for (const FieldDef& f : record->fields) {
    auto it = values.find(f.key);
    Value none;
    Value& value = it == values.end() ? none : it->second;
    const bool relevant = evaluateCondition(f.relevant, withDerived);
    if (!relevant) {
      if (isAnswered(value))
        out.push_back(failure(type, uuid, f, "relevance", "在当前回答下不适用,应留空",
                              "does not apply given the other answers; leave it empty"));
      continue;
    }
    if (!isAnswered(value)) {
      if (f.required) out.push_back(failure(type, uuid, f, "required", "为必填项", "is required"));
      continue;
    }
    checkField(f, type, uuid, value, out);
  }
  // ID number against birth date and sex (rule id_matches_birth_sex).
  auto id = values.find("id_number");
  if (type == "person" && id != values.end() && id->second.is_string()) {
    auto check = checkIdNumber(id->second.get<std::string>(), m_today);
    if (check.ok()) {
      const auto& info = *check.info;
      auto birth = values.find("birth_date");
      auto sex = values.find("sex");
      if (birth != values.end() && birth->second.is_string() &&
          birth->second.get<std::string>() != info.birthDate.toString())
        out.push_back({type, uuid, "birth_date", "id_matches_birth_sex",
                       "出生日期与身份证号不符(身份证号为" + info.birthDate.toString() + ")",
                       "birth date does not match the ID number (" + info.birthDate.toString() + ")"});
      if (sex != values.end() && sex->second.is_string() &&
          sex->second.get<std::string>() != sexCode(info.sex))
        out.push_back({type, uuid, "sex", "id_matches_birth_sex",
                       std::string("性别与身份证号不符(身份证号为") +
                           (info.sex == Sex::Male ? "男" : "女") + ")",
                       "sex does not match the ID number (" + std::string(sexCode(info.sex)) + ")"});
    }
  }
  return out;
}

void Validator::checkField(const FieldDef& f, const std::string& type, const std::string& uuid,
                           Value& value, std::vector<ValidationFailure>& out) const {
  const auto add = [&](const char* rule, std::string zh, std::string en) {
    out.push_back(failure(type, uuid, f, rule, std::move(zh), std::move(en)));
  };
  switch (f.type) {
    case FieldType::Text: {
      if (!value.is_string()) return add("type", "应为文字", "expected text");
      const std::string s = value;
      if (f.maxLength && utf8Length(s) > *f.maxLength)
        add("length", "不能超过" + std::to_string(*f.maxLength) + "个字",
            "at most " + std::to_string(*f.maxLength) + " characters");
      if (f.patternRegex && !std::regex_match(s, *f.patternRegex))
        add("pattern", "格式不正确:“" + s + "”", "\"" + s + "\" is not in the expected format");
      if (type == "person" && f.key == "id_number") {
        auto check = checkIdNumber(s, m_today);
        if (!check.ok()) add("id_number", check.messageZh, check.messageEn);
        else value = check.info->normalized;
      }
      return;
    }
    case FieldType::Integer:
      if (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>())
        value = static_cast<long long>(value.get<double>());
      if (!value.is_number_integer()) return add("type", "应为整数", "expected a whole number");
      break;
    case FieldType::Decimal:
      if (!value.is_number()) return add("type", "应为数字", "expected a number");
      value = value.get<double>();
      break;
    case FieldType::Date: {
      auto date = value.is_string() ? CivilDate::parse(value.get<std::string>()) : std::nullopt;
      if (!date) return add("type", "应为有效日期(年-月-日)", "expected a valid date (YYYY-MM-DD)");
      auto lo = resolveDateBound(f.minDate, m_today), hi = resolveDateBound(f.maxDate, m_today);
      if (lo && *date < *lo) add("range", "不能早于" + lo->toString(), "must not be before " + lo->toString());
      if (hi && *date > *hi)
        add("range", f.maxDate == "today" ? "不能晚于今天" : "不能晚于" + hi->toString(),
            f.maxDate == "today" ? "must not be in the future" : "must not be after " + hi->toString());
      return;
    }
    case FieldType::SingleChoice:
      if (!value.is_string() || !f.option(value.get<std::string>()))
        add("options", "没有选项“" + (value.is_string() ? value.get<std::string>() : value.dump()) + "”",
            "\"" + (value.is_string() ? value.get<std::string>() : value.dump()) + "\" is not one of the options");
      return;
    case FieldType::MultipleChoice: {
      if (!value.is_array()) return add("type", "应为选项列表", "expected a list of options");
      std::set<std::string> seen;
      for (const auto& code : value) {
        if (!code.is_string() || !f.option(code.get<std::string>()))
          add("options", "没有选项" + code.dump(), code.dump() + " is not one of the options");
        else if (!seen.insert(code.get<std::string>()).second)
          add("options", "选项" + code.dump() + "重复", code.dump() + " is chosen twice");
      }
      return;
    }
    case FieldType::YesNo:
      if (!value.is_boolean()) add("type", "应为“是”或“否”", "expected yes or no");
      return;
  }
  // Numbers: sign and range.
  const double d = value.get<double>();
  if (f.sensitivity == "financial" && d < 0)
    return add("non_negative_income", "不能为负数", "must not be negative");
  if (f.minNumber && d < *f.minNumber)
    add("range", "不能小于" + formatNumber(*f.minNumber), "must be at least " + formatNumber(*f.minNumber));
  if (f.maxNumber && d > *f.maxNumber)
    add("range", "不能大于" + formatNumber(*f.maxNumber), "must be at most " + formatNumber(*f.maxNumber));
}

std::vector<ValidationFailure> Validator::checkValue(std::string_view typeView, std::string_view uuidView,
                                                     const std::string& key, Value& value) const {
  const std::string type(typeView), uuid(uuidView);
  std::vector<ValidationFailure> out;
  const RecordTypeDef* record = m_definition.record(type);
  const FieldDef* f = record ? record->field(key) : nullptr;
  if (!f) {
    out.push_back({type, uuid, key, "unknown_field", "问卷中没有字段“" + type + "." + key + "”",
                   "the survey has no field \"" + type + "." + key + "\""});
    return out;
  }
  if (value.is_string()) {
    value = trim(value.get<std::string>());
    if (value.get<std::string>().empty()) value = nullptr;
  }
  if (isAnswered(value)) checkField(*f, type, uuid, value, out);
  return out;
}

std::vector<ValidationFailure> Validator::checkMembers(
    std::string_view householdUuid, const std::vector<RecordValues>& members) const {
  if (members.empty()) return {};
  size_t heads = 0;
  for (const auto& m : members) {
    auto it = m.find("relation");
    if (it != m.end() && it->second == "head") ++heads;
  }
  if (heads == 1) return {};
  const std::string n = std::to_string(heads);
  return {{"household", std::string(householdUuid), "relation", "one_head",
           "每户必须有且只有一名户主,当前有" + n + "名",
           "a household needs exactly one head; it has " + n}};
}

ValidationFailure Validator::duplicateIdNumber(std::string_view personUuid,
                                               std::string_view otherPersonUuid) {
  return {"person", std::string(personUuid), "id_number", "unique_id_number",
          "该身份证号已登记在另一成员名下(" + std::string(otherPersonUuid) + ")",
          "this ID number is already registered to another person (" +
              std::string(otherPersonUuid) + ")"};
}

}  // namespace synccore
