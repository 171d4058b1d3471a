#include "synccore/condition.h"

#include <algorithm>

namespace synccore {

namespace {

const Value kNull;

const Value& lookup(const RecordValues& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? kNull : it->second;
}

bool isAnswered(const Value& v) {
  if (v.is_null()) return false;
  if (v.is_string()) return !v.get<std::string>().empty();
  if (v.is_array()) return !v.empty();
  return true;
}

const char* const kComparisons[] = {"equals", "notEquals", "in", "includes", "answered", "gte", "lte"};

/// The single comparison operator present in a field condition, or nullptr.
const char* comparisonOf(const Json& c) {
  const char* found = nullptr;
  for (const char* op : kComparisons)
    if (c.contains(op)) {
      if (found) return nullptr;
      found = op;
    }
  return found;
}

void checkOperand(const Json& operand, const FieldDef& f, const std::string& op,
                  std::vector<std::string>& problems) {
  if (op == "answered") {
    if (!operand.is_boolean()) problems.push_back("answered takes true or false");
    return;
  }
  if (op == "gte" || op == "lte") {
    if (!operand.is_number()) problems.push_back(op + " takes a number");
    return;
  }
  if (op == "includes" && f.type != FieldType::MultipleChoice) {
    problems.push_back("includes applies to multiple_choice fields");
    return;
  }
  const auto checkOne = [&](const Json& v) {
    if (f.isChoice()) {
      if (!v.is_string() || !f.option(v.get<std::string>()))
        problems.push_back("'" + v.dump() + "' is not an option of " + f.key);
    } else if (f.type == FieldType::YesNo && !v.is_boolean()) {
      problems.push_back(f.key + " is yes/no: compare with true or false");
    }
  };
  if (op == "in") {
    if (!operand.is_array() || operand.empty()) problems.push_back("in takes a non-empty array");
    else for (const auto& v : operand) checkOne(v);
  } else {
    checkOne(operand);
  }
}

}  // namespace

RecordValues withDerivedValues(std::string_view recordType, const RecordValues& values,
                               const CivilDate& today) {
  RecordValues out = values;
  if (recordType == "person") {
    const Value& birth = lookup(values, "birth_date");
    if (birth.is_string())
      if (auto date = CivilDate::parse(birth.get<std::string>()))
        out["age"] = ageOn(*date, today);
  }
  return out;
}

bool evaluateCondition(const Json& c, const RecordValues& values) {
  if (c.is_null()) return true;
  if (c.contains("all"))
    return std::all_of(c["all"].begin(), c["all"].end(),
                       [&](const Json& x) { return evaluateCondition(x, values); });
  if (c.contains("any"))
    return std::any_of(c["any"].begin(), c["any"].end(),
                       [&](const Json& x) { return evaluateCondition(x, values); });
  if (c.contains("not")) return !evaluateCondition(c["not"], values);
  const Value& v = lookup(values, c.value("field", ""));
  if (c.contains("answered")) return isAnswered(v) == c["answered"].get<bool>();
  if (c.contains("equals")) return v == c["equals"];
  if (c.contains("notEquals")) return v != c["notEquals"];
  if (c.contains("in")) return !v.is_null() && std::find(c["in"].begin(), c["in"].end(), v) != c["in"].end();
  if (c.contains("includes"))
    return v.is_array() && std::find(v.begin(), v.end(), c["includes"]) != v.end();
  if (c.contains("gte")) return v.is_number() && v.get<double>() >= c["gte"].get<double>();
  if (c.contains("lte")) return v.is_number() && v.get<double>() <= c["lte"].get<double>();
  return false;
}

std::vector<std::string> checkCondition(const Json& c, const RecordTypeDef& record,
                                        const std::vector<std::string>& derivedKeys) {
  std::vector<std::string> problems;
  if (c.is_null()) return problems;
  if (!c.is_object()) return {"a condition is an object"};
  for (const char* group : {"all", "any"}) {
    if (!c.contains(group)) continue;
    if (!c[group].is_array() || c[group].empty()) return {std::string(group) + " takes a non-empty array"};
    for (const auto& sub : c[group])
      for (auto& p : checkCondition(sub, record, derivedKeys)) problems.push_back(p);
    return problems;
  }
  if (c.contains("not")) return checkCondition(c["not"], record, derivedKeys);
  if (!c.contains("field") || !c["field"].is_string()) return {"a condition names a field"};
  const std::string key = c["field"];
  const char* op = comparisonOf(c);
  if (!op) return {"condition on " + key + " needs exactly one operator"};
  if (const FieldDef* f = record.field(key)) {
    checkOperand(c[op], *f, op, problems);
  } else if (std::find(derivedKeys.begin(), derivedKeys.end(), key) == derivedKeys.end()) {
    problems.push_back("unknown field " + key);
  }
  return problems;
}

}  // namespace synccore
