#pragma once
// Validation of records against the survey definition, and of a household with its members.
#include "synccore/civil_date.h"
#include "synccore/survey_definition.h"

#include <string>
#include <vector>

namespace synccore {

/// One broken rule: which record, which field, which rule, and why in both languages.
struct ValidationFailure {
  std::string recordType;
  std::string recordUuid;
  std::string field;
  std::string rule;  // type, required, range, options, pattern, length, relevance, unknown_field,
                     // id_number, id_matches_birth_sex, one_head, unique_id_number,
                     // non_negative_income
  std::string messageZh;
  std::string messageEn;

  Json toJson() const;
  /// "person.id_number [id_number] 中文 / English" for logs and the command line.
  std::string describe() const;
};

/// Typed text (command line, form input) turned into a field value, or why it cannot be.
struct ParsedInput {
  Value value;
  bool ok = true;
  std::string messageZh;
  std::string messageEn;
};
ParsedInput parseFieldInput(const FieldDef& field, std::string_view text);

/// Checks records against one definition as of one day (for "today" bounds and ages).
class Validator {
 public:
  Validator(const SurveyDefinition& definition, CivilDate today);

  /// Normalises values in place (trimmed text, empty -> null, ID number upper-cased) and
  /// returns every failure of the record's own rules.
  std::vector<ValidationFailure> checkRecord(std::string_view type, std::string_view uuid,
                                             RecordValues& values) const;
  /// Rules of one field's value on its own (type, options, range, pattern, length, ID number);
  /// null is accepted (it clears the field). Normalises the value in place.
  std::vector<ValidationFailure> checkValue(std::string_view type, std::string_view uuid,
                                            const std::string& key, Value& value) const;
  /// Rules across a household's live members (exactly one head when it has members).
  std::vector<ValidationFailure> checkMembers(std::string_view householdUuid,
                                              const std::vector<RecordValues>& members) const;
  /// The failure for an ID number already held by another person.
  static ValidationFailure duplicateIdNumber(std::string_view personUuid,
                                             std::string_view otherPersonUuid);

 private:
  void checkField(const FieldDef& field, const std::string& type, const std::string& uuid,
                  Value& value, std::vector<ValidationFailure>& out) const;
  const SurveyDefinition& m_definition;
  CivilDate m_today;
};

}  // namespace synccore
