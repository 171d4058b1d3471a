#pragma once
// Figures derived from a household and its members (never typed, never stored), as the survey
// definition's "derived" list describes them.
#include "synccore/survey_definition.h"

#include <optional>
#include <vector>

namespace synccore {

/// A household's computed figures.
struct HouseholdFigures {
  int householdSize = 0;                   // live members
  int labourCount = 0;                     // members with labour_capacity full or weak
  std::optional<double> perCapitaIncome;   // yuan; empty when no income source is answered or no members
  bool hasStableWork = false;              // a member working (not not_working) at least 6 months this year
};

/// Computes the figures from the household's values and its live members' values.
HouseholdFigures householdFigures(const RecordValues& household, const std::vector<RecordValues>& members);

}  // namespace synccore
