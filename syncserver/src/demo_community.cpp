#include "demo_community.h"

#include "demo_vocabulary.h"
#include "synccore/derived_figures.h"
#include "synccore/id_number.h"
#include "synccore/random_id.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

namespace syncserver {

using synccore::CivilDate;
using synccore::RecordValues;
using synccore::Value;

namespace {

using namespace demo;

// ---------------------------------------------------------------------------------------------
// Randomness and dates

/// Seeded choices that repeat on every platform (std distributions differ between libraries).
class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : m_engine(seed) {}
  /// Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = m_engine();
    while (x >= limit) x = m_engine();
    return x % n;
  }
  /// Uniform in [lo, hi]; lo when hi < lo.
  int between(int lo, int hi) { return hi <= lo ? lo : lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo) + 1)); }
  double unit() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  /// A copy of one of the items (callers often pass a braced temporary list).
  template <class T>
  T pick(const std::vector<T>& items) { return items[below(items.size())]; }
  /// A copy of one of the items, with the given weights.
  template <class T>
  T weighted(const Weighted<T>& items) {
    double total = 0;
    for (const auto& [_, w] : items) total += w;
    double x = unit() * total;
    for (const auto& [item, w] : items) {
      if (x < w) return item;
      x -= w;
    }
    return items.back().first;
  }

 private:
  std::mt19937_64 m_engine;
};

std::chrono::sys_days toDays(const CivilDate& d) {
  return std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month{static_cast<unsigned>(d.month)} /
                               std::chrono::day{static_cast<unsigned>(d.day)}};
}

CivilDate fromDays(std::chrono::sys_days days) {
  const std::chrono::year_month_day ymd{days};
  return CivilDate{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

CivilDate addDays(const CivilDate& date, int days) { return fromDays(toDays(date) + std::chrono::days{days}); }
int daysBetween(const CivilDate& from, const CivilDate& to) { return (toDays(to) - toDays(from)).count(); }

double roundTo(double value, double step) { return std::round(value / step) * step; }

// ---------------------------------------------------------------------------------------------
// Households

/// What a generated person is, before becoming field values.
struct Member {
  std::string relation;
  bool male = true;
  int age = 0;
};

/// Facts about a household that later passes (income, monitoring, visits) need.
struct HouseholdFacts {
  bool policy = false;
  bool vacant = false;
  bool hasSerious = false, hasDisabled = false, hasChronic = false, hasStudentCost = false;
  int labour = 0;
  bool stableWork = false;
  double perCapita = 0;
  bool dibao = false;
  std::vector<std::string> names;  // head first, then others
  std::vector<std::string> relations;
};

/// Builds the community household by household from one seeded random sequence.
class CommunityBuilder {
 public:
  CommunityBuilder(const DemoOptions& options) : m_r(options.seed), m_today(options.today) {
    m_monthStart = CivilDate{m_today.year, m_today.month, 1};
  }

  DemoCommunity build(int households);

 private:
  std::vector<int> householdsPerGrid(int total) const;
  RecordValues address(const GridProfile& grid, int index, std::string& area);
  std::vector<Member> family(int size);
  std::string surname(bool hui) { return m_r.weighted(hui ? kHuiSurnames : kHanSurnames); }
  std::string givenName(bool male, int birthYear, bool hui);
  CivilDate birthDateFor(int age);
  std::string idNumber(const std::string& region, const CivilDate& birth, bool male);
  std::string phone() {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%08d", m_r.between(0, 99999999));
    return m_r.pick(kPhonePrefixes) + digits;
  }
  DemoHousehold household(const GridProfile& grid, int index, std::string& area, HouseholdFacts& facts);
  RecordValues person(const Member& m, const std::string& name, const std::string& region, const std::string& ethnicity,
                      const GridProfile& grid, HouseholdFacts& facts, double& wages, double& business, int& elderly,
                      int& severeDisabled);
  void monitor(std::vector<DemoHousehold*>& households, std::vector<HouseholdFacts*>& facts, const GridProfile& grid);
  void visits(DemoHousehold& h, const HouseholdFacts& facts, bool monitored, bool overdue);
  DemoRecord visit(const DemoHousehold& h, const HouseholdFacts& facts, const CivilDate& date, const std::string& kind,
                   bool monitored);

  DemoRandom m_r;
  CivilDate m_today, m_monthStart;
  std::set<std::string> m_idNumbers;
  std::map<std::string, int> m_nextBuilding;  // per estate
};

std::vector<int> CommunityBuilder::householdsPerGrid(int total) const {
  // Largest remainder over the grid weights: the counts add up to `total` exactly.
  int weightSum = 0;
  for (const auto& g : kGrids) weightSum += g.weight;
  std::vector<int> counts;
  std::vector<std::pair<double, size_t>> remainders;
  int assigned = 0;
  for (size_t i = 0; i < kGrids.size(); ++i) {
    const double exact = static_cast<double>(total) * kGrids[i].weight / weightSum;
    counts.push_back(static_cast<int>(exact));
    assigned += counts.back();
    remainders.push_back({exact - counts.back(), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (size_t k = 0; assigned < total; ++k, ++assigned) ++counts[remainders[k % remainders.size()].second];
  return counts;
}

RecordValues CommunityBuilder::address(const GridProfile& grid, int index, std::string& area) {
  RecordValues a;
  const std::string place = grid.place;
  if (grid.site == Site::Estate) {
    // 6 floors, 3 entrances, 2 flats per landing: 36 flats a building.
    if (index == 0) m_nextBuilding.try_emplace(place, 1);
    const int building = m_nextBuilding[place] + index / 36;
    const int slot = index % 36;
    const int unit = slot / 12 + 1, storey = slot % 12 / 2 + 1, flat = slot % 2 + 1;
    const std::string room = std::to_string(storey * 100 + flat);
    a["site"] = place;
    a["building"] = std::to_string(building);
    a["unit_no"] = std::to_string(unit);
    a["room"] = room;
    a["address"] = place + std::to_string(building) + "号楼" + std::to_string(unit) + "单元" + room;
    const int first = m_nextBuilding[place];
    area = place + " " + std::to_string(first) + (building > first ? "-" + std::to_string(building) : "") + "号楼";
  } else if (grid.site == Site::Town) {
    const std::string room = place + std::to_string(index + 1) + "号";
    a["site"] = "场部街区";
    a["room"] = room;
    a["address"] = "玉泉营农场场部街区" + room;
    area = "场部街区 " + place;
  } else {
    const std::string room = std::to_string(index + 1) + "号";
    a["site"] = "玉泉营农场";
    a["village_team"] = place;
    a["room"] = room;
    a["address"] = "玉泉营农场" + place + room;
    area = "玉泉营农场" + place;
  }
  return a;
}

std::vector<Member> CommunityBuilder::family(int size) {
  std::vector<Member> out;
  const auto child = [&](int parentAge, int youngest) {
    const int age = std::max(0, std::min(youngest, m_r.between(parentAge - 36, parentAge - 21)));
    return Member{"child", m_r.chance(0.52), age};
  };
  if (size == 1) {
    if (m_r.chance(0.6)) out.push_back({"head", m_r.chance(0.45), m_r.between(62, 88)});
    else out.push_back({"head", m_r.chance(0.8), m_r.between(24, 58)});
    return out;
  }
  if (size == 2) {
    const int kind = m_r.between(0, 99);
    if (kind < 75) {
      const int head = kind < 50 ? m_r.between(58, 82) : m_r.between(23, 36);
      out.push_back({"head", true, head});
      out.push_back({"spouse", false, std::max(20, head + m_r.between(-6, 2))});
    } else {
      const int head = m_r.between(38, 64);
      out.push_back({"head", m_r.chance(0.4), head});
      out.push_back(child(head, head - 20));
    }
    return out;
  }
  const int head = m_r.between(27, 72);
  out.push_back({"head", m_r.chance(0.93), head});
  out.push_back({"spouse", !out[0].male, std::max(20, head + (out[0].male ? m_r.between(-6, 2) : m_r.between(-2, 6)))});
  int left = size - 2;
  if (head >= 52 && left >= 2 && m_r.chance(0.6)) {
    // A married son lives with his parents; his children are the head's grandchildren.
    const int son = m_r.between(std::max(22, head - 34), head - 22);
    out.push_back({"child", true, son});
    out.push_back({"child_in_law", false, std::max(20, son + m_r.between(-4, 2))});
    left -= 2;
    int age = std::min(16, son - 21);
    for (; left > 0; --left) {
      if (age < 0) {
        out.push_back(child(head, head - 21));
      } else {
        out.push_back({"grandchild", m_r.chance(0.52), age});
        age = std::max(0, age - m_r.between(1, 4));
      }
    }
    return out;
  }
  if (left >= 3 && head <= 52 && m_r.chance(0.35)) {
    out.push_back({"parent", m_r.chance(0.4), std::min(92, head + m_r.between(22, 32))});
    --left;
  }
  const int mother = out[0].male ? out[1].age : out[0].age;
  int youngest = mother - 21;
  for (; left > 0; --left) {
    Member c = child(mother, youngest);
    youngest = std::max(0, c.age - m_r.between(1, 4));
    out.push_back(c);
  }
  return out;
}

std::string CommunityBuilder::givenName(bool male, int birthYear, bool hui) {
  const NamePool& pool = birthYear < 1965   ? (male ? kMaleOld : kFemaleOld)
                         : birthYear < 1990 ? (male ? kMaleMid : kFemaleMid)
                                            : (male ? kMaleYoung : kFemaleYoung);
  const double single = birthYear < 1990 ? (hui ? 0.3 : 0.2) : 0.1;
  if (m_r.chance(single)) return m_r.pick(pool.second);
  std::string first = m_r.pick(pool.first), second = m_r.pick(pool.second);
  while (second == first) second = m_r.pick(pool.second);
  return first + second;
}

CivilDate CommunityBuilder::birthDateFor(int age) {
  // A day in the year before this year's birthday, so that the age on `today` is exactly `age`.
  CivilDate anniversary{m_today.year - age, m_today.month, m_today.day};
  if (!CivilDate::isValid(anniversary.year, anniversary.month, anniversary.day)) anniversary.day = 28;
  CivilDate birth = addDays(anniversary, -m_r.between(0, 363));
  if (birth > m_today) birth = m_today;
  return birth;
}

std::string CommunityBuilder::idNumber(const std::string& region, const CivilDate& birth, bool male) {
  // GB 11643: region (6), birth date (8), sequence (3, odd for men), check character (synccore).
  for (int attempt = 0; attempt < 1000; ++attempt) {
    char first17[32];
    const int sequence = m_r.between(1, 499) * 2 + (male ? 1 : 0);
    std::snprintf(first17, sizeof first17, "%s%04d%02d%02d%03d", region.c_str(), birth.year, birth.month, birth.day,
                  sequence);
    const std::string id = std::string(first17) + synccore::idNumberCheckDigit(first17);
    if (m_idNumbers.insert(id).second) return id;
  }
  throw std::runtime_error("demo: no free ID number sequence for " + region + birth.toString());
}

RecordValues CommunityBuilder::person(const Member& m, const std::string& name, const std::string& region,
                                      const std::string& ethnicity, const GridProfile& grid, HouseholdFacts& facts,
                                      double& wages, double& business, int& elderly, int& severeDisabled) {
  RecordValues v;
  const CivilDate birth = birthDateFor(m.age);
  const int age = synccore::ageOn(birth, m_today);
  v["name"] = name;
  v["relation"] = m.relation;
  v["sex"] = m.male ? "male" : "female";
  v["birth_date"] = birth.toString();
  v["id_number"] = idNumber(region, birth, m.male);
  v["ethnicity"] = ethnicity;
  if (age >= 18 && age <= 72 && m_r.chance(m.relation == "head" ? 0.92 : 0.55)) v["phone"] = phone();

  // School.
  std::string stage;
  if (age >= 3 && age <= 5 && m_r.chance(0.85)) stage = "preschool";
  else if (age >= 6 && age <= 11) stage = "primary";
  else if (age >= 12 && age <= 14 && m_r.chance(0.98)) stage = "junior";
  else if (age >= 15 && age <= 17) stage = m_r.weighted<std::string>({{"senior", 0.45}, {"secondary_vocational", 0.3}, {"", 0.25}});
  else if (age >= 18 && age <= 21) stage = m_r.weighted<std::string>({{"higher_vocational", 0.2}, {"bachelor_plus", 0.12}, {"", 0.68}});
  const bool student = !stage.empty();
  if (age >= 3) v["in_school"] = student;
  if (student) v["school_stage"] = stage;
  if (stage == "higher_vocational" || stage == "bachelor_plus" || stage == "senior") facts.hasStudentCost = true;

  // Education: the level reached, or being studied for.
  static const std::map<std::string, std::string> stageEducation = {
      {"primary", "primary"}, {"junior", "junior"}, {"senior", "senior"}, {"secondary_vocational", "vocational"},
      {"higher_vocational", "college"}, {"bachelor_plus", "bachelor_plus"}};
  if (age >= 6) {
    if (student) {
      v["education"] = stageEducation.at(stage);
    } else {
      const int born = birth.year;
      const double lessForWomen = !m.male && born < 1975 ? 0.2 : 0.0;
      if (born < 1960)
        v["education"] = m_r.weighted<std::string>({{"none", 0.55 + lessForWomen}, {"primary", 0.35}, {"junior", 0.1}});
      else if (born < 1975)
        v["education"] = m_r.weighted<std::string>(
            {{"none", 0.3 + lessForWomen}, {"primary", 0.45}, {"junior", 0.2}, {"senior", 0.05}});
      else if (born < 1990)
        v["education"] = m_r.weighted<std::string>({{"none", 0.08}, {"primary", 0.37}, {"junior", 0.4}, {"senior", 0.08},
                                                     {"vocational", 0.05}, {"college", 0.02}});
      else if (age >= 15)
        v["education"] = m_r.weighted<std::string>({{"primary", 0.08}, {"junior", 0.45}, {"senior", 0.17},
                                                     {"vocational", 0.15}, {"college", 0.1}, {"bachelor_plus", 0.05}});
      else
        v["education"] = "primary";
    }
  }

  // Health.
  const double chronic = age < 40 ? 0.02 : age < 60 ? 0.1 : 0.3;
  const double serious = age < 40 ? 0.005 : age < 60 ? 0.02 : 0.04;
  const double disabled = age < 40 ? 0.02 : age < 60 ? 0.04 : 0.06;
  const double x = m_r.unit();
  std::string health = "healthy";
  if (x < serious) health = "serious";
  else if (x < serious + disabled) health = "disability";
  else if (x < serious + disabled + chronic) health = "chronic";
  v["health"] = health;
  int grade = 0;
  if (health == "chronic") {
    v["illness"] = m_r.pick(kChronic);
    facts.hasChronic = true;
  } else if (health == "serious") {
    v["illness"] = m_r.pick(kSerious);
    facts.hasSerious = true;
  } else if (health == "disability") {
    const std::string type = m_r.weighted<std::string>({{"physical", 0.45}, {"visual", 0.12}, {"hearing", 0.12},
                                                        {"speech", 0.05}, {"intellectual", 0.1}, {"mental", 0.1},
                                                        {"multiple", 0.06}});
    grade = m_r.weighted<int>({{1, 0.1}, {2, 0.2}, {3, 0.3}, {4, 0.4}});
    v["disability_type"] = type;
    v["disability_grade"] = grade;
    v["illness"] = kDisabilityText.at(type);
    facts.hasDisabled = true;
    if (grade <= 2) ++severeDisabled;
  }

  // Labour capacity.
  std::string labour;
  if (age < 16 || student) labour = "none";
  else if (health == "serious" || (health == "disability" && grade <= 2)) labour = "lost";
  else if (health == "disability") labour = "weak";
  else if (age < 60) labour = health == "chronic" ? (m_r.chance(0.5) ? "weak" : "full") : (m_r.chance(0.97) ? "full" : "weak");
  else if (age < 70) labour = m_r.weighted<std::string>({{"full", 0.2}, {"weak", 0.6}, {"none", 0.2}});
  else labour = m_r.chance(0.3) ? "weak" : "none";
  v["labour_capacity"] = labour;
  if (age >= 60) ++elderly;

  // Work.
  const bool canWork = age >= 16 && (labour == "full" || labour == "weak");
  if (canWork) {
    ++facts.labour;
    double p = grid.employment * (labour == "weak" ? 0.45 : 1.0) * (m.male ? 1.0 : 0.85) * (age > 55 ? 0.6 : 1.0);
    if (facts.vacant) p = std::max(p, 0.8);  // the family lives where the work is
    std::string status = "not_working";
    if (m_r.chance(p)) {
      if (labour == "weak" || age > 55)
        status = m_r.weighted<std::string>({{"public_welfare", 0.45}, {"flexible", 0.4}, {"local", 0.15}});
      else if (facts.vacant)
        status = m_r.weighted<std::string>({{"outside_county", 0.5}, {"outside_province", 0.5}});
      else
        status = m_r.weighted<std::string>({{"local", 0.28}, {"county", 0.18}, {"outside_county", 0.18},
                                            {"outside_province", 0.08}, {"public_welfare", 0.06},
                                            {"self_employed", 0.07}, {"flexible", 0.15}});
    }
    v["employment_status"] = status;
    if (status != "not_working") {
      const Job& job = kJobs.at(status);
      const int months = status == "flexible" ? m_r.between(2, 8)
                         : m_r.chance(grid.steady) ? (m_r.chance(0.7) ? m_r.between(8, 12) : m_r.between(6, 7))
                                              : m_r.between(3, 5);
      const double monthly = roundTo(m_r.between(job.minWage, job.maxWage), 100);
      v["employer"] = m_r.pick(job.employers);
      v["months_worked"] = months;
      v["monthly_income"] = monthly;
      (status == "self_employed" ? business : wages) += monthly * months;
      if (months >= 6) facts.stableWork = true;
      v["wish_to_work"] = true;
    } else {
      v["wish_to_work"] = m_r.chance(0.55);
    }
    const bool training = m_r.chance(0.35);
    v["wish_for_training"] = training;
    if (training) {
      Value wanted = Value::array();
      const std::string a = m_r.pick(kTrainings);
      wanted.push_back(a);
      if (m_r.chance(0.3)) {
        const std::string b = m_r.pick(kTrainings);
        if (b != a) wanted.push_back(b);
      }
      v["training_wanted"] = wanted;
    }
  }
  if (age >= 16 && !student && m_r.chance(0.3)) v["skills"] = m_r.pick(kSkills);
  v["medical_insurance"] = m_r.chance(0.97);
  if (age >= 16) v["pension_insurance"] = age >= 60 ? m_r.chance(0.95) : student ? m_r.chance(0.3) : m_r.chance(0.82);
  return v;
}

DemoHousehold CommunityBuilder::household(const GridProfile& grid, int index, std::string& area, HouseholdFacts& facts) {
  DemoHousehold h;
  h.grid = grid.code;
  h.household = DemoRecord{"household", synccore::newUuid(), "", address(grid, index, area)};
  RecordValues& v = h.household.values;
  v["grid"] = grid.code;

  // Residence status and tenure.
  const std::string status = m_r.weighted<std::string>(
      {{"resident", grid.site == Site::Estate ? 0.88 : 0.85}, {"renter", grid.site == Site::Estate ? 0.06 : 0.09},
       {"lodger", 0.03}, {"vacant", 0.03}});
  v["residence_status"] = status;
  facts.vacant = status == "vacant";
  const bool owner = status == "resident" || status == "vacant";
  v["tenure"] = owner ? "own" : status == "renter" ? "rent" : "borrowed";

  // Migration: estates house policy relocation (owners of their flats), the farm's streets and
  // teams mostly self-migrated families.
  const double policyShare = grid.site == Site::Estate ? 0.97 : grid.site == Site::Town ? 0.3 : 0.05;
  facts.policy = owner && m_r.chance(policyShare);
  std::string hukou = "local";
  bool transferred = true;
  int moveIn = 0;
  if (facts.policy) {
    const std::string period = m_r.weighted<std::string>({{"p11", 0.1}, {"p12", 0.6}, {"p13", 0.3}});
    v["migration_type"] = "policy";
    v["plan_period"] = period;
    moveIn = period == "p11" ? m_r.between(2008, 2011) : period == "p12" ? m_r.between(2012, 2016) : m_r.between(2017, 2020);
    if (m_r.chance(0.1)) {  // not yet moved to the estate's police station
      hukou = "in_region";
      transferred = false;
    }
  } else {
    v["migration_type"] = "self";
    moveIn = m_r.between(2005, 2022);
    hukou = m_r.weighted<std::string>({{"in_region", 0.92}, {"outside_region", 0.06}, {"local", 0.02}});
    transferred = hukou == "local";
  }
  const Origin& origin = m_r.weighted(hukou == "outside_region" ? kOutsideOrigins : kNingxiaOrigins);
  v["origin"] = origin.prefix + m_r.pick(origin.towns) + m_r.pick(kVillages);
  v["move_in_year"] = moveIn;
  v["placement_type"] = grid.site == Site::Estate ? "estate" : facts.policy ? "central_village" : "dispersed";
  v["hukou_location"] = hukou;
  v["hukou_transferred"] = transferred;
  if (!transferred) v["residence_permit"] = m_r.chance(0.55);

  // Members.
  const bool hui = m_r.chance(origin.hui);
  const std::string ethnicity = hui ? "hui" : (m_r.chance(0.01) ? "dongxiang" : "han");
  // Household sizes: 2.8 people on average for policy relocation, 4.5 for self-migrated (seed 000).
  const Weighted<int> sizesPolicy = {{1, 16}, {2, 30}, {3, 26}, {4, 17}, {5, 8}, {6, 3}};
  const Weighted<int> sizesSelf = {{1, 3}, {2, 8}, {3, 14}, {4, 25}, {5, 24}, {6, 15}, {7, 7}, {8, 4}};
  const std::vector<Member> members = family(m_r.weighted(facts.policy ? sizesPolicy : sizesSelf));
  // Children carry their father's surname; wives and daughters-in-law keep their own.
  const std::string headSurname = surname(hui);
  const std::string fatherSurname = members.front().male ? headSurname : surname(hui);
  double wages = 0, business = 0;
  int elderly = 0, severeDisabled = 0;
  for (const Member& m : members) {
    std::string familyName;
    if (m.relation == "head") familyName = headSurname;
    else if (m.relation == "spouse" && m.male) familyName = fatherSurname;
    else if (m.relation == "child" || m.relation == "grandchild") familyName = fatherSurname;
    else if (m.relation == "parent" && m.male) familyName = headSurname;
    else familyName = surname(hui);
    const int born = m_today.year - m.age;
    const std::string name = familyName + givenName(m.male, born, hui);
    const bool bornHere = born > moveIn;
    const std::string region = bornHere && transferred ? kBornHereRegion : origin.region;
    DemoRecord p{"person", synccore::newUuid(), h.household.uuid,
                 person(m, name, region, ethnicity, grid, facts, wages, business, elderly, severeDisabled)};
    facts.names.push_back(name);
    facts.relations.push_back(m.relation);
    h.members.push_back(std::move(p));
  }
  v["head_name"] = h.members.front().values.at("name");
  if (auto it = h.members.front().values.find("phone"); it != h.members.front().values.end()) v["phone"] = it->second;

  // Housing.
  const int size = static_cast<int>(members.size());
  if (grid.site == Site::Estate) {
    v["floor_area"] = static_cast<double>(size <= 2 ? m_r.pick(std::vector<int>{54, 60}) : size <= 4 ? m_r.pick(std::vector<int>{75, 80})
                                                                                                    : m_r.pick(std::vector<int>{90, 100}));
    v["structure"] = m_r.chance(0.7) ? "frame" : "brick_concrete";
    v["housing_condition"] = "safe";
  } else {
    v["floor_area"] = static_cast<double>(m_r.between(60, 120));
    const std::string structure = m_r.weighted<std::string>({{"brick_concrete", 0.6}, {"brick_wood", 0.3}, {"earth_wood", 0.1}});
    v["structure"] = structure;
    v["housing_condition"] = structure == "earth_wood" && m_r.chance(0.3) ? "dangerous" : "safe";
  }
  const bool demolished = facts.policy ? m_r.chance(0.95) : m_r.chance(0.2);
  v["old_house_demolished"] = demolished;
  if (demolished) v["homestead_reclaimed"] = m_r.chance(0.8);

  // Land: contracted land at the origin, transferred out; land rented from the farm here.
  const double contracted = roundTo(size * (2.0 + m_r.unit() * 3.0), 0.5);
  v["land_contracted_mu"] = contracted;
  const double transferredOut = m_r.chance(facts.policy ? 0.6 : 0.3) ? roundTo(contracted * (0.5 + m_r.unit() * 0.5), 0.5) : 0.0;
  v["land_transferred_mu"] = transferredOut;
  const double rented = grid.site == Site::Team && !facts.vacant && m_r.chance(0.25) ? roundTo(5 + m_r.unit() * 55, 1) : 0.0;
  v["land_rented_mu"] = rented;
  const bool livestock = grid.site != Site::Estate && m_r.chance(0.12);
  std::string crops;
  if (rented > 0) crops = m_r.weighted<std::string>({{"酿酒葡萄", 0.5}, {"玉米", 0.3}, {"酿酒葡萄、玉米", 0.2}});
  if (livestock) crops += (crops.empty() ? "" : "、") + m_r.weighted<std::string>({{"肉牛", 0.5}, {"滩羊", 0.5}});
  if (!crops.empty()) v["crops_livestock"] = crops;
  // A household farming rented land: its first member free to work runs the farm.
  const double farmIncome = rented * m_r.between(600, 1400);
  for (auto& member : h.members) {
    if (farmIncome <= 0) break;
    RecordValues& mv = member.values;
    const auto work = mv.find("employment_status");
    if (work == mv.end() || work->second != "not_working") continue;
    const int months = m_r.between(4, 9);  // the growing season
    mv["employment_status"] = "self_employed";
    mv["employer"] = "自营:租种农场土地" + std::to_string(static_cast<int>(rented)) + "亩";
    mv["months_worked"] = months;
    mv["monthly_income"] = roundTo(farmIncome / months, 100);
    mv["wish_to_work"] = true;
    facts.stableWork = facts.stableWork || months >= 6;
    break;
  }

  // Living conditions.
  const bool estate = grid.site == Site::Estate, town = grid.site == Site::Town;
  v["water"] = estate || town || m_r.chance(0.95) ? "tap" : "well";
  v["electricity"] = true;
  v["gas"] = estate ? "pipeline" : (town || m_r.chance(0.85)) ? "bottled" : "none";
  v["heating"] = estate ? "central" : m_r.weighted<std::string>({{"stove", town ? 0.7 : 0.85}, {"electric", town ? 0.3 : 0.1}, {"none", town ? 0.0 : 0.05}});
  v["toilet"] = estate ? "flush" : m_r.chance(town ? 0.4 : 0.2) ? "flush" : "dry";
  v["internet"] = m_r.chance(estate ? 0.85 : 0.65);
  v["safe_drinking_water"] = m_r.chance(0.98);

  // Support, then income: transfers depend on 低保 and 特困.
  const bool noLabour = facts.labour == 0;
  facts.dibao = m_r.chance(noLabour ? 0.6 : facts.hasSerious ? 0.35 : severeDisabled > 0 ? 0.3 : 0.02);
  const bool tekun = size == 1 && noLabour && elderly > 0 && m_r.chance(0.5);
  v["dibao"] = facts.dibao;
  v["tekun"] = tekun;
  const double property = transferredOut * m_r.between(80, 250) + (m_r.chance(0.05) ? m_r.between(300, 2000) : 0);
  business += farmIncome + (livestock ? m_r.between(3000, 20000) : 0);
  const double transfer = elderly * 12.0 * m_r.between(160, 260) + (facts.dibao ? size * m_r.between(3000, 4800) : 0) +
                          (tekun ? m_r.between(8000, 11000) : 0) + severeDisabled * 1500.0 + m_r.between(0, 1200);
  const double income = wages + business + property + transfer;
  const double spending = income * (0.6 + m_r.unit() * 0.35) + (facts.hasSerious ? m_r.between(8000, 30000) : 0) +
                          (facts.hasStudentCost ? m_r.between(3000, 12000) : 0);
  v["income_year"] = m_today.year - 1;
  v["income_wages"] = std::round(wages);
  v["income_business"] = std::round(business);
  v["income_property"] = std::round(property);
  v["income_transfer"] = std::round(transfer);
  v["spending"] = roundTo(spending, 100);
  facts.perCapita = income / size;
  v["monitoring_category"] = "none";

  // 两不愁三保障.
  v["food_secure"] = true;
  v["clothing_secure"] = true;
  v["education_secure"] = true;
  v["medical_secure"] = true;
  v["housing_secure"] = v["housing_condition"] == "safe";
  const auto& headValues = h.members.front().values;
  const auto headWork = headValues.find("employment_status");
  const bool headAway = headWork != headValues.end() &&
                        (headWork->second == "outside_county" || headWork->second == "outside_province");
  if (facts.vacant) v["remarks"] = "房屋空置,全家在外务工";
  else if (headAway && members.size() > 1) v["remarks"] = "户主在外务工,走访时多由家人接待";
  return h;
}

void CommunityBuilder::monitor(std::vector<DemoHousehold*>& households, std::vector<HouseholdFacts*>& facts,
                               const GridProfile& grid) {
  // The grid's most at-risk households (illness, disability, no labour, low income) are monitored.
  const size_t n = households.size();
  std::vector<std::pair<double, size_t>> risk;
  for (size_t i = 0; i < n; ++i) {
    const HouseholdFacts& f = *facts[i];
    double score = m_r.unit() * 1.5;
    if (f.hasSerious) score += 3;
    if (f.hasDisabled) score += 1.5;
    if (f.hasChronic) score += 0.5;
    if (f.labour == 0) score += 2;
    else if (!f.stableWork) score += 1;
    if (f.perCapita < 8000) score += 2;
    else if (f.perCapita < 11000) score += 1;
    if (f.hasStudentCost) score += 0.5;
    risk.push_back({score, i});
  }
  std::stable_sort(risk.begin(), risk.end(), [](auto& a, auto& b) { return a.first > b.first; });
  const size_t quota = std::min(n, static_cast<size_t>(std::ceil(grid.monitored * static_cast<double>(n))));
  for (size_t k = 0; k < quota; ++k) {
    DemoHousehold& h = *households[risk[k].second];
    const HouseholdFacts& f = *facts[risk[k].second];
    RecordValues& v = h.household.values;
    const bool sudden = f.hasSerious ? m_r.chance(0.6) : m_r.chance(0.15);
    const std::string category = sudden ? "sudden_hardship" : f.policy ? "unstable" : "marginal";
    v["monitoring_category"] = category;
    const int sinceDays = sudden ? m_r.between(40, 300) : m_r.between(200, 1500);
    CivilDate since = addDays(m_today, -sinceDays);
    if (since < CivilDate{2020, 1, 1}) since = CivilDate{2020, 1, 1};
    v["monitoring_since"] = since.toString();
    std::set<std::string> reasons, measures;  // sorted, each once
    const auto add = [&](const std::string& reason, std::initializer_list<const char*> given) {
      reasons.insert(reason);
      measures.insert(given.begin(), given.end());
    };
    if (f.hasSerious || f.hasChronic) add("illness", {"medical"});
    if (f.hasDisabled) add("disability", {"medical"});
    if (f.hasStudentCost) add("schooling", {"education"});
    if (sudden && !f.hasSerious) add(m_r.chance(0.7) ? "accident" : "disaster", {"temporary_relief"});
    if (f.labour == 0 || (f.labour == 1 && f.names.size() >= 4)) add("lack_of_labour", {});
    else if (!f.stableWork) add("unstable_work", {"employment", "training"});
    if (reasons.empty()) add("unstable_work", {});
    if (f.labour > 0 && m_r.chance(0.3)) measures.insert("public_welfare_post");
    if (f.dibao) measures.insert("dibao");
    if (m_r.chance(0.3)) measures.insert("industry");
    if (m_r.chance(0.1)) measures.insert("microcredit");
    if (measures.empty()) measures.insert("other");
    v["risk_reasons"] = std::vector<std::string>(reasons.begin(), reasons.end());
    v["support_measures"] = std::vector<std::string>(measures.begin(), measures.end());
    std::string details;
    for (const auto& m : measures) details += (details.empty() ? "" : ";") + kMeasureText.at(m);
    v["support_details"] = details + "。";
  }
}

DemoRecord CommunityBuilder::visit(const DemoHousehold& h, const HouseholdFacts& f, const CivilDate& date,
                                   const std::string& kind, bool monitored) {
  RecordValues v;
  v["visit_date"] = date.toString();
  char time[8];
  std::snprintf(time, sizeof time, "%02d:%02d", m_r.between(9, 18), m_r.between(0, 59));
  v["visit_time"] = std::string(time);
  v["kind"] = kind;
  const bool byPhone = f.vacant || (kind != "registration" && m_r.chance(0.12));
  v["method"] = byPhone ? "phone" : "home";
  static const std::map<std::string, std::string> relationZh = {
      {"head", "户主"}, {"spouse", "配偶"}, {"child", "子女"}, {"child_in_law", "儿媳"}, {"grandchild", "孙辈"},
      {"parent", "父母"}, {"grandparent", "祖父母"}, {"sibling", "兄弟姐妹"}, {"other", "家人"}};
  size_t who = 0;
  if (f.names.size() > 1 && m_r.chance(0.3)) who = 1 + m_r.below(std::min<size_t>(2, f.names.size() - 1));
  v["met"] = relationZh.at(f.relations[who]) + f.names[who] + (byPhone ? "(电话)" : "");
  if (kind == "registration") {
    v["notes"] = m_r.pick(kRegistrationNotes);
  } else {
    v["changes_found"] = m_r.chance(0.1);
    v["notes"] = kind == "adhoc" ? "临时走访,了解群众诉求"
                 : f.vacant      ? "电话回访,房屋仍空置,全家在外务工"
                                 : m_r.pick(monitored ? kMonitoredNotes : kRevisitNotes);
  }
  if (kind == "adhoc" || m_r.chance(0.04)) {
    const auto& [problem, followUp] = m_r.pick(kProblems);
    v["problems"] = problem;
    v["follow_up"] = followUp;
  }
  if (!byPhone && m_r.chance(0.5)) {
    char position[48];
    std::snprintf(position, sizeof position, "%.6f,%.6f", 38.20 + m_r.unit() * 0.08, 105.98 + m_r.unit() * 0.10);
    v["position"] = std::string(position);
  }
  v["next_visit_due"] = addDays(date, monitored ? 30 : 90).toString();
  return DemoRecord{"visit", synccore::newUuid(), h.household.uuid, std::move(v)};
}

void CommunityBuilder::visits(DemoHousehold& h, const HouseholdFacts& f, bool monitored, bool overdue) {
  // Registration (摸排) four to seven months ago; monitored households monthly after that, the
  // others about quarterly; overdue ones were last seen before this month and over 30 days ago.
  const CivilDate registered = addDays(m_today, -m_r.between(120, 200));
  std::vector<std::pair<CivilDate, std::string>> dates{{registered, "registration"}};
  if (monitored) {
    const CivilDate cutoff = overdue ? std::min(addDays(m_monthStart, -1), addDays(m_today, -31)) : addDays(m_monthStart, -1);
    for (CivilDate d = addDays(registered, m_r.between(27, 33)); d <= cutoff; d = addDays(d, m_r.between(27, 33)))
      dates.push_back({d, "revisit"});
    if (!overdue) {
      CivilDate from = std::max({m_monthStart, addDays(m_today, -27), addDays(dates.back().first, 7)});
      if (from > m_today) from = m_today;
      dates.push_back({addDays(from, m_r.between(0, daysBetween(from, m_today))), "revisit"});
    }
  } else {
    for (CivilDate d = addDays(registered, m_r.between(85, 100)); d <= m_today; d = addDays(d, m_r.between(85, 100)))
      dates.push_back({d, "revisit"});
  }
  if (!overdue && m_r.chance(0.05)) dates.push_back({addDays(registered, m_r.between(1, daysBetween(registered, m_today))), "adhoc"});
  std::stable_sort(dates.begin(), dates.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (const auto& [date, kind] : dates) h.visits.push_back(visit(h, f, date, kind, monitored));
}

DemoCommunity CommunityBuilder::build(int total) {
  if (total < 1) throw std::invalid_argument("demo: the community needs at least one household / 演示社区至少需要一户");
  DemoCommunity c;
  c.today = m_today;
  const std::vector<int> counts = householdsPerGrid(total);
  for (size_t g = 0; g < kGrids.size(); ++g) {
    const GridProfile& grid = kGrids[g];
    std::string area;
    std::vector<HouseholdFacts> facts(static_cast<size_t>(counts[g]));
    const size_t first = c.households.size();
    for (int i = 0; i < counts[g]; ++i) c.households.push_back(household(grid, i, area, facts[static_cast<size_t>(i)]));
    if (grid.site == Site::Estate && counts[g] > 0) m_nextBuilding[grid.place] += (counts[g] + 35) / 36;
    c.grids.push_back(DemoGrid{grid.code, area.empty() ? grid.place : area});

    std::vector<DemoHousehold*> inGrid;
    std::vector<HouseholdFacts*> factsInGrid;
    for (size_t i = 0; i < facts.size(); ++i) inGrid.push_back(&c.households[first + i]), factsInGrid.push_back(&facts[i]);
    monitor(inGrid, factsInGrid, grid);
    std::vector<size_t> monitored;
    for (size_t i = 0; i < inGrid.size(); ++i)
      if (inGrid[i]->household.values.at("monitoring_category") != "none") monitored.push_back(i);
    const auto overdueCount = static_cast<size_t>(std::lround(grid.overdue * static_cast<double>(monitored.size())));
    std::set<size_t> overdue;
    while (overdue.size() < overdueCount) overdue.insert(monitored[m_r.below(monitored.size())]);
    for (size_t i = 0; i < inGrid.size(); ++i) {
      const bool isMonitored = std::find(monitored.begin(), monitored.end(), i) != monitored.end();
      visits(*inGrid[i], facts[i], isMonitored, overdue.count(i) > 0);
    }
  }
  return c;
}

}  // namespace

size_t DemoCommunity::people() const {
  size_t n = 0;
  for (const auto& h : households) n += h.members.size();
  return n;
}

size_t DemoCommunity::visits() const {
  size_t n = 0;
  for (const auto& h : households) n += h.visits.size();
  return n;
}

DemoCommunity generateDemoCommunity(const DemoOptions& options) {
  return CommunityBuilder(options).build(options.households);
}

std::vector<DemoGridSummary> summariseDemoCommunity(const DemoCommunity& community) {
  std::vector<DemoGridSummary> out;
  std::map<std::string, size_t> index;
  for (const auto& g : community.grids) {
    index[g.code] = out.size();
    out.push_back(DemoGridSummary{g.code, g.area});
  }
  for (const auto& h : community.households) {
    DemoGridSummary& s = out[index.at(h.grid)];
    std::vector<RecordValues> members;
    for (const auto& m : h.members) members.push_back(m.values);
    const auto figures = synccore::householdFigures(h.household.values, members);
    ++s.households;
    s.people += figures.householdSize;
    if (figures.labourCount >= 1) {
      ++s.withLabour;
      if (figures.hasStableWork) ++s.withStableWork;
    }
    if (h.household.values.at("monitoring_category") != "none") {
      ++s.monitored;
      std::string last;
      for (const auto& v : h.visits) last = std::max(last, v.values.at("visit_date").get<std::string>());
      const auto lastDate = CivilDate::parse(last);
      if (!lastDate || daysBetween(*lastDate, community.today) > 30) ++s.monitoredOverdue;
    }
  }
  return out;
}

}  // namespace syncserver
