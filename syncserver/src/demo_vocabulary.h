#pragma once
// What the demo community is made of: its grids, places of origin, names, jobs and the words
// workers write (玉泉营农场社区, 永宁县李俊镇; seed 000). Data only; demo_community.cpp composes it.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace syncserver::demo {

/// Where a grid lies: a resettlement estate of flats, the farm headquarters' streets, or a team.
enum class Site { Estate, Town, Team };

/// One grid of the community and how its households tend to live.
struct GridProfile {
  const char* code;
  Site site;
  const char* place;   // estate name, street of the farm headquarters, or production team
  int weight;          // share of the community's households
  double employment;   // chance that a full labourer works
  double steady;       // chance that a job lasts six months or more this year
  double monitored;    // share of monitored households
  double overdue;      // share of monitored households not yet revisited this month
};

/// A county people moved from, with its administrative code and share of Hui families.
struct Origin {
  std::string prefix;  // 固原市西吉县
  std::string region;  // 640422
  double hui;
  std::vector<std::string> towns;
};

/// Characters for given names of one sex and generation: a first and a second character.
struct NamePool {
  std::vector<std::string> first, second;
};

/// Where people with one employment status work, and their monthly wage range (yuan).
struct Job {
  std::vector<std::string> employers;
  int minWage, maxWage;
};

/// Items with weights, for DemoRandom::weighted.
template <class T>
using Weighted = std::vector<std::pair<T, double>>;

/// G01..G12.
extern const std::vector<GridProfile> kGrids;
/// Counties of origin in Ningxia (固原市, 吴忠市), and in Gansu for hukou outside the region.
extern const Weighted<Origin> kNingxiaOrigins, kOutsideOrigins;
/// 永宁县: the region code of children born here once the hukou has moved.
extern const std::string kBornHereRegion;
extern const std::vector<std::string> kVillages;
extern const Weighted<std::string> kHuiSurnames, kHanSurnames;
/// Given names of people born before 1965, 1965–1989, and from 1990.
extern const NamePool kMaleOld, kMaleMid, kMaleYoung, kFemaleOld, kFemaleMid, kFemaleYoung;
/// By employment_status code (local, county, ..., flexible).
extern const std::map<std::string, Job> kJobs;
/// Illness texts, and the text for each disability_type code.
extern const std::vector<std::string> kChronic, kSerious;
extern const std::map<std::string, std::string> kDisabilityText;
extern const std::vector<std::string> kSkills;
/// training_wanted option codes.
extern const std::vector<std::string> kTrainings;
extern const std::vector<std::string> kPhonePrefixes;
/// Visit notes by kind, and problems with their follow-up.
extern const std::vector<std::string> kRegistrationNotes, kMonitoredNotes, kRevisitNotes;
extern const std::vector<std::pair<std::string, std::string>> kProblems;
/// A sentence for each support_measures code.
extern const std::map<std::string, std::string> kMeasureText;

}  // namespace syncserver::demo
