#pragma once
// The survey definition: record types, fields and rules loaded from the versioned JSON file.
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace synccore {

using Json = nlohmann::json;
/// A field value: null (unanswered), string, number, bool or array of option codes.
using Value = nlohmann::json;
/// Field key -> value for one record.
using RecordValues = std::map<std::string, Value>;

enum class FieldType { Text, Integer, Decimal, Date, SingleChoice, MultipleChoice, YesNo };
enum class MergePolicy { Auto, Review };

std::string_view fieldTypeName(FieldType type);
std::string_view mergePolicyName(MergePolicy policy);

/// A label in the two languages every user-facing text must have.
struct LocalizedText {
  std::string zh;
  std::string en;
};

/// One code of a choice field.
struct FieldOption {
  std::string code;
  LocalizedText labels;
};

/// One question of a record type, as the definition describes it.
struct FieldDef {
  std::string key;
  std::string section;
  FieldType type = FieldType::Text;
  LocalizedText labels;
  LocalizedText hint;
  std::optional<LocalizedText> unit;
  bool required = false;
  std::optional<double> minNumber, maxNumber;
  std::optional<std::string> minDate, maxDate;  // "YYYY-MM-DD" or "today"
  std::optional<size_t> maxLength;
  std::string pattern;
  std::shared_ptr<const std::regex> patternRegex;
  std::vector<FieldOption> options;
  Json relevant;  // null when always relevant
  MergePolicy merge = MergePolicy::Auto;
  std::string sensitivity;  // empty when not sensitive

  bool isSensitive() const { return !sensitivity.empty(); }
  bool isChoice() const { return type == FieldType::SingleChoice || type == FieldType::MultipleChoice; }
  const FieldOption* option(std::string_view code) const;
};

/// A group of fields shown together in a form.
struct SectionDef {
  std::string key;
  LocalizedText labels;
  std::vector<std::string> fieldKeys;
};

/// A record type (household, person, visit) and its fields.
struct RecordTypeDef {
  std::string type;
  std::string parent;  // empty for top-level records
  bool appendOnly = false;
  LocalizedText labels;
  std::vector<SectionDef> sections;
  std::vector<FieldDef> fields;

  const FieldDef* field(std::string_view key) const;
};

/// Thrown when a definition cannot be loaded; lists every problem found.
class DefinitionError : public std::runtime_error {
 public:
  explicit DefinitionError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return m_problems; }

 private:
  std::vector<std::string> m_problems;
};

/// The loaded, checked survey definition. Immutable after loading.
class SurveyDefinition {
 public:
  /// Parses and checks a definition; throws DefinitionError listing all problems.
  static SurveyDefinition fromJson(std::string_view text);
  /// The definition compiled into this build (shared/schema/survey-v1.json).
  static const SurveyDefinition& builtin();

  int version() const { return m_version; }
  const std::vector<RecordTypeDef>& records() const { return m_records; }
  const RecordTypeDef* record(std::string_view type) const;
  const RecordTypeDef& requireRecord(std::string_view type) const;
  const Json& json() const { return m_json; }
  /// Derived (computed) keys declared for a record type, e.g. "age" for person.
  std::vector<std::string> derivedKeys(std::string_view recordType) const;

 private:
  int m_version = 0;
  std::vector<RecordTypeDef> m_records;
  Json m_json;
};

}  // namespace synccore
