#pragma once
// The crash test's workload: save number n is a household and its head, fully determined by n.
#include "synccore/device_store.h"
#include "synccore/id_number.h"

#include <cstdio>
#include <string>

namespace crashtest {

inline std::string idNumberFor(int n) {
  const unsigned u = static_cast<unsigned>(n);  // unsigned, so each part's digits are bounded
  char first17[18];
  std::snprintf(first17, sizeof first17, "640121%04u%02u%02u%03u", 1950 + u % 50, 1 + u % 12, 1 + u % 28,
                u % 1000);
  return std::string(first17) + synccore::idNumberCheckDigit(first17);
}

inline synccore::RecordValues householdFor(int n) {
  return {{"grid", "G" + std::to_string(n % 12)},
          {"address", "玉泉家园" + std::to_string(n) + "号"},
          {"head_name", "户主" + std::to_string(n)},
          {"residence_status", "resident"},
          {"monitoring_category", n % 3 == 0 ? "marginal" : "none"},
          {"floor_area", 60.0 + n % 40},
          {"income_wages", 1000.0 * (n % 30)},
          {"dibao", n % 2 == 0},
          {"phone", "139" + std::to_string(10000000 + n)}};
}

inline synccore::RecordValues headFor(int n) {
  synccore::RecordValues p{{"name", "户主" + std::to_string(n)}, {"relation", "head"}, {"id_number", idNumberFor(n)}};
  synccore::fillFromIdNumber(p, synccore::CivilDate::today());
  return p;
}

}  // namespace crashtest
