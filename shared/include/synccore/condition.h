#pragma once
// Relevance conditions: when a question applies, evaluated against one record's values.
#include "synccore/civil_date.h"
#include "synccore/survey_definition.h"

namespace synccore {

/// Values a condition may read: the record's fields plus derived ones (e.g. person "age").
RecordValues withDerivedValues(std::string_view recordType, const RecordValues& values,
                               const CivilDate& today);

/// True when the condition holds for the values (a null condition always holds).
bool evaluateCondition(const Json& condition, const RecordValues& values);

/// Problems in a condition's structure or references; empty when it is well formed.
std::vector<std::string> checkCondition(const Json& condition, const RecordTypeDef& record,
                                        const std::vector<std::string>& derivedKeys);

}  // namespace synccore
