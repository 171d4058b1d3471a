#include "synccore/survey_definition.h"

#include "synccore/civil_date.h"
#include "synccore/condition.h"

#include <algorithm>
#include <set>

namespace synccore {

std::string_view embeddedSurveyDefinition();  // generated from schema/survey-v1.json

namespace {

const std::map<std::string, FieldType, std::less<>> kTypes = {
    {"text", FieldType::Text},
    {"integer", FieldType::Integer},
    {"decimal", FieldType::Decimal},
    {"date", FieldType::Date},
    {"single_choice", FieldType::SingleChoice},
    {"multiple_choice", FieldType::MultipleChoice},
    {"yes_no", FieldType::YesNo}};
const std::set<std::string, std::less<>> kSensitivities = {"identity", "contact", "health",
                                                          "financial", "location"};
const std::regex kKeyPattern("^[a-z][a-z0-9_]*$");

/// Column names the device store gives a record table besides one per field key (docs/device-store.md).
bool isReservedFieldKey(const std::string& key) {
  return key == "uuid" || key == "parent_uuid" || key == "deleted" || key.find("__") != std::string::npos;
}

/// A record type's table would take the name of one of the device store's own tables.
bool isReservedRecordType(const std::string& type) {
  static const std::set<std::string> kStoreTables{"meta", "outbox", "notices", "household_reviews", "devices"};
  return kStoreTables.count(type) > 0 || type.rfind("sqlite_", 0) == 0;
}

/// Collects problems while reading one definition, with the path of each.
class DefinitionReader {
 public:
  std::vector<std::string> problems;

  void problem(const std::string& where, const std::string& what) {
    problems.push_back(where + ": " + what);
  }

  LocalizedText labels(const Json& node, const std::string& where, const char* name,
                       bool required = true) {
    LocalizedText text;
    if (!node.contains(name)) {
      if (required) problem(where, std::string("missing ") + name);
      return text;
    }
    const Json& l = node.at(name);
    if (!l.is_object() || !l.contains("zh_CN") || !l.contains("en") || !l["zh_CN"].is_string() ||
        !l["en"].is_string() || l["zh_CN"].get<std::string>().empty() ||
        l["en"].get<std::string>().empty()) {
      problem(where, std::string(name) + " needs non-empty zh_CN and en strings");
      return text;
    }
    text.zh = l["zh_CN"];
    text.en = l["en"];
    return text;
  }

  bool validKey(const Json& node, const std::string& where, std::string& out) {
    if (!node.contains("key") || !node["key"].is_string()) {
      problem(where, "missing key");
      return false;
    }
    out = node["key"];
    if (!std::regex_match(out, kKeyPattern)) {
      problem(where, "key '" + out + "' must match ^[a-z][a-z0-9_]*$");
      return false;
    }
    return true;
  }

  std::optional<std::string> dateBound(const Json& node, const std::string& where) {
    if (node.is_string()) {
      std::string s = node;
      if (s == "today" || CivilDate::parse(s)) return s;
    }
    problem(where, "date bound must be \"YYYY-MM-DD\" or \"today\"");
    return std::nullopt;
  }

  FieldDef field(const Json& node, const std::string& where, const std::string& section) {
    FieldDef f;
    f.section = section;
    validKey(node, where, f.key);
    const std::string at = where + "." + f.key;
    auto typeIt = node.contains("type") && node["type"].is_string()
                      ? kTypes.find(node["type"].get<std::string>())
                      : kTypes.end();
    if (typeIt == kTypes.end()) {
      problem(at, "type must be one of text, integer, decimal, date, single_choice, "
                  "multiple_choice, yes_no");
    } else {
      f.type = typeIt->second;
    }
    f.labels = labels(node, at, "labels");
    f.hint = labels(node, at, "hint", false);
    if (node.contains("unit")) f.unit = labels(node, at, "unit");
    if (f.type == FieldType::Decimal && !f.unit) problem(at, "a decimal needs a unit");
    if (f.unit && f.type != FieldType::Decimal && f.type != FieldType::Integer)
      problem(at, "only numbers have a unit");
    f.required = node.value("required", false);
    for (const char* bound : {"min", "max"}) {
      if (!node.contains(bound)) continue;
      const Json& b = node[bound];
      if (f.type == FieldType::Integer || f.type == FieldType::Decimal) {
        if (!b.is_number()) problem(at, std::string(bound) + " must be a number");
        else (bound[1] == 'i' ? f.minNumber : f.maxNumber) = b.get<double>();
      } else if (f.type == FieldType::Date) {
        (bound[1] == 'i' ? f.minDate : f.maxDate) = dateBound(b, at + "." + bound);
      } else {
        problem(at, std::string(bound) + " applies to numbers and dates only");
      }
    }
    if (f.minNumber && f.maxNumber && *f.minNumber > *f.maxNumber) problem(at, "min > max");
    if (f.minDate && f.maxDate && *f.minDate != "today" && *f.maxDate != "today" &&
        *f.minDate > *f.maxDate)
      problem(at, "min date after max date");
    if (node.contains("maxLength")) {
      if (f.type != FieldType::Text || !node["maxLength"].is_number_unsigned())
        problem(at, "maxLength is a positive integer on text fields");
      else f.maxLength = node["maxLength"].get<size_t>();
    }
    if (node.contains("pattern")) {
      if (f.type != FieldType::Text || !node["pattern"].is_string()) {
        problem(at, "pattern is a string on text fields");
      } else {
        f.pattern = node["pattern"];
        try {
          f.patternRegex = std::make_shared<std::regex>(f.pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          problem(at, std::string("pattern does not compile: ") + e.what());
        }
      }
    }
    if (node.contains("options")) {
      if (!f.isChoice()) problem(at, "only choice fields have options");
      std::set<std::string> codes;
      for (const Json& o : node["options"]) {
        FieldOption opt;
        if (!validKey(Json{{"key", o.value("code", "")}}, at + ".options", opt.code)) continue;
        if (!codes.insert(opt.code).second) problem(at, "duplicate option code " + opt.code);
        opt.labels = labels(o, at + ".options." + opt.code, "labels");
        f.options.push_back(std::move(opt));
      }
    }
    if (f.isChoice() && f.options.empty()) problem(at, "a choice field needs options");
    const std::string merge = node.value("merge", "");
    if (merge == "auto") f.merge = MergePolicy::Auto;
    else if (merge == "review") f.merge = MergePolicy::Review;
    else problem(at, "merge must be auto or review");
    if (node.contains("sensitivity")) {
      f.sensitivity = node["sensitivity"].is_string() ? node["sensitivity"].get<std::string>() : "";
      if (!kSensitivities.count(f.sensitivity))
        problem(at, "sensitivity must be identity, contact, health, financial or location");
    }
    f.relevant = node.value("relevant", Json());
    return f;
  }

  RecordTypeDef record(const Json& node, size_t index) {
    RecordTypeDef r;
    const std::string where = "records[" + std::to_string(index) + "]";
    r.type = node.value("type", "");
    if (r.type.empty()) problem(where, "missing type");
    if (isReservedRecordType(r.type))
      problem(where, "record type is reserved: meta, outbox, notices, household_reviews, devices and sqlite_* "
                     "are the device store's own tables");
    const std::string at = "records." + r.type;
    if (node.contains("parent") && node["parent"].is_string()) r.parent = node["parent"];
    r.appendOnly = node.value("appendOnly", false);
    r.labels = labels(node, at, "labels");
    std::set<std::string> keys;
    for (const Json& s : node.value("sections", Json::array())) {
      SectionDef section;
      validKey(s, at + ".sections", section.key);
      section.labels = labels(s, at + "." + section.key, "labels");
      for (const Json& fnode : s.value("fields", Json::array())) {
        FieldDef f = field(fnode, at, section.key);
        if (!keys.insert(f.key).second) problem(at, "duplicate field key " + f.key);
        if (isReservedFieldKey(f.key))
          problem(at + "." + f.key, "field key is reserved: uuid, parent_uuid, deleted and keys containing \"__\" "
                                    "are the device tables' own columns");
        section.fieldKeys.push_back(f.key);
        r.fields.push_back(std::move(f));
      }
      r.sections.push_back(std::move(section));
    }
    if (r.fields.empty()) problem(at, "a record type needs fields");
    return r;
  }
};

}  // namespace

DefinitionError::DefinitionError(std::vector<std::string> problems)
    : std::runtime_error("invalid survey definition: " +
                         (problems.empty() ? std::string("?") : problems.front()) +
                         (problems.size() > 1 ? " (+" + std::to_string(problems.size() - 1) +
                                                    " more)"
                                              : "")),
      m_problems(std::move(problems)) {}

std::string_view fieldTypeName(FieldType type) {
  for (const auto& [name, t] : kTypes)
    if (t == type) return name;
  return "text";
}

std::string_view mergePolicyName(MergePolicy policy) {
  return policy == MergePolicy::Review ? "review" : "auto";
}

const FieldOption* FieldDef::option(std::string_view code) const {
  for (const auto& o : options)
    if (o.code == code) return &o;
  return nullptr;
}

const FieldDef* RecordTypeDef::field(std::string_view key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

SurveyDefinition SurveyDefinition::fromJson(std::string_view text) {
  SurveyDefinition def;
  DefinitionReader reader;
  try {
    def.m_json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw DefinitionError({std::string("not valid JSON: ") + e.what()});
  }
  const Json& j = def.m_json;
  if (!j.is_object() || j.value("format", "") != "anju-survey-definition/1")
    throw DefinitionError({"format must be \"anju-survey-definition/1\""});
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() < 1)
    reader.problem("version", "must be a positive integer");
  else def.m_version = j["version"];
  size_t index = 0;
  for (const Json& r : j.value("records", Json::array()))
    def.m_records.push_back(reader.record(r, index++));
  std::set<std::string> types;
  for (const auto& r : def.m_records) {
    if (!types.insert(r.type).second) reader.problem("records", "duplicate type " + r.type);
  }
  for (const auto& r : def.m_records) {
    if (!r.parent.empty() && !types.count(r.parent))
      reader.problem("records." + r.type, "unknown parent " + r.parent);
    const auto derived = def.derivedKeys(r.type);
    for (const auto& f : r.fields) {
      if (std::find(derived.begin(), derived.end(), f.key) != derived.end())
        reader.problem("records." + r.type + "." + f.key, "field key equals a derived key of its record type");
      for (const auto& p : checkCondition(f.relevant, r, derived))
        reader.problem("records." + r.type + "." + f.key + ".relevant", p);
    }
  }
  for (const char* required : {"household", "person", "visit"})
    if (!types.count(required)) reader.problem("records", std::string("missing type ") + required);
  for (const Json& d : j.value("derived", Json::array())) {
    if (!types.count(d.value("record", ""))) reader.problem("derived", "unknown record type");
    reader.labels(d, "derived." + d.value("key", "?"), "labels");
  }
  for (const Json& rule : j.value("rules", Json::array())) {
    if (!types.count(rule.value("record", ""))) reader.problem("rules", "unknown record type");
    reader.labels(rule, "rules." + rule.value("key", "?"), "labels");
  }
  if (!reader.problems.empty()) throw DefinitionError(reader.problems);
  return def;
}

const SurveyDefinition& SurveyDefinition::builtin() {
  static const SurveyDefinition def = fromJson(embeddedSurveyDefinition());
  return def;
}

const RecordTypeDef* SurveyDefinition::record(std::string_view type) const {
  for (const auto& r : m_records)
    if (r.type == type) return &r;
  return nullptr;
}

const RecordTypeDef& SurveyDefinition::requireRecord(std::string_view type) const {
  if (auto r = record(type)) return *r;
  throw std::invalid_argument("unknown record type " + std::string(type));
}

std::vector<std::string> SurveyDefinition::derivedKeys(std::string_view recordType) const {
  std::vector<std::string> keys;
  for (const Json& d : m_json.value("derived", Json::array()))
    if (d.value("record", "") == recordType) keys.push_back(d.value("key", ""));
  return keys;
}

}  // namespace synccore
