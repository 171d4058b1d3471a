#include "synccore/derived_figures.h"

namespace synccore {

namespace {

std::string textOf(const RecordValues& values, const char* key) {
  auto it = values.find(key);
  return it != values.end() && it->second.is_string() ? it->second.get<std::string>() : std::string();
}

std::optional<double> numberOf(const RecordValues& values, const char* key) {
  auto it = values.find(key);
  if (it == values.end() || !it->second.is_number()) return std::nullopt;
  return it->second.get<double>();
}

}  // namespace

HouseholdFigures householdFigures(const RecordValues& household, const std::vector<RecordValues>& members) {
  HouseholdFigures figures;
  figures.householdSize = static_cast<int>(members.size());
  for (const auto& m : members) {
    const std::string capacity = textOf(m, "labour_capacity");
    if (capacity == "full" || capacity == "weak") ++figures.labourCount;
    const std::string work = textOf(m, "employment_status");
    if (!work.empty() && work != "not_working" && numberOf(m, "months_worked").value_or(0) >= 6)
      figures.hasStableWork = true;
  }
  bool answered = false;
  double income = 0;
  for (const char* key : {"income_wages", "income_business", "income_property", "income_transfer"}) {
    if (auto v = numberOf(household, key)) {
      answered = true;
      income += *v;
    }
  }
  if (answered && figures.householdSize > 0) figures.perCapitaIncome = income / figures.householdSize;
  return figures;
}

}  // namespace synccore
