#include "workload.h"

#include "synccore/id_number.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <random>
#include <unordered_set>

namespace peers {

using synccore::FieldType;

const char* kindName(int kind) { return kind == kHousehold ? "household" : "person"; }

namespace {

/// Deterministic random numbers (mt19937_64 and modulo, the same on every standard library).
class Rng {
 public:
  explicit Rng(uint64_t seed) : m_g(seed) {}
  uint64_t next() { return m_g(); }
  size_t below(size_t n) { return static_cast<size_t>(m_g() % n); }
  int range(int lo, int hi) { return lo + static_cast<int>(below(static_cast<size_t>(hi - lo + 1))); }
  bool chance(double p) { return static_cast<double>(m_g() % 1000000) < p * 1e6; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
  std::string uuid() {
    const uint64_t a = m_g(), b = m_g();
    unsigned char bytes[16];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(a >> (8 * i));
    for (int i = 0; i < 8; ++i) bytes[8 + i] = static_cast<unsigned char>(b >> (8 * i));
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                  bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                  bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
    return out;
  }

 private:
  std::mt19937_64 m_g;
};

const std::vector<std::string> kSurnames = {"马", "李", "王", "张", "杨", "海", "田", "白", "丁", "刘",
                                            "冯", "余", "苏", "虎", "金", "周", "何", "罗", "高", "韩"};
const std::vector<std::string> kGiven = {"文", "明", "学", "志", "国", "海", "英", "兰", "梅", "花", "军", "平",
                                         "福", "贵", "兴", "成", "龙", "凤", "霞", "燕", "秀", "娟", "强", "伟",
                                         "红", "芳", "玉", "静", "宁", "忠", "德", "小", "建", "春", "秋", "雪",
                                         "云", "华", "荣", "俊", "萍", "鹏", "涛", "丽", "新", "彦", "艳", "勇"};
const std::vector<std::string> kSites = {"玉泉家园", "华兴家园", "福宁家园", "弘德家园", "原隆新村",
                                         "闽宁新居", "月牙湖安置区", "兴泾新村", "红寺堡幸福里", "利通安居苑"};
const std::vector<std::string> kOrigins = {"西吉县将台乡", "西吉县马建乡", "海原县李俊乡", "海原县关桥乡",
                                           "隆德县观庄乡", "泾源县大湾乡", "彭阳县王洼镇", "原州区寨科乡",
                                           "同心县预旺镇", "原州区张易镇"};
const std::vector<std::string> kRemarks = {"首次登记", "2024年度核查", "户主外出务工,配偶在家", "家中有慢性病人",
                                           "已享受低保", "子女在校就读", "房屋已装修入住", "待核实收入情况",
                                           "已签订就业协议", "需关注老人照料", "公益岗位就业", "自主创业开小卖部"};
const std::vector<std::string> kCrops = {"玉米、马铃薯", "肉牛2头", "滩羊15只", "枸杞3亩", "设施温棚1座", "无",
                                         "玉米5亩、肉牛3头", "小麦、胡麻", "葡萄2亩", "黄花菜4亩"};
const std::vector<std::string> kMobilePrefixes = {"139", "138", "137", "136", "135", "150", "151", "152", "158",
                                                  "159", "180", "181", "182", "183", "187", "188", "177", "199"};
const std::vector<std::string> kRegions = {"640104", "640105", "640106", "640121", "640122", "640181",
                                           "640402", "640422", "640423", "640424", "640425", "640522"};

const std::vector<std::string> kHouseholdKeys = {
    "grid", "address", "head_name", "phone", "residence_status", "remarks", "site", "building", "unit_no", "room",
    "village_team", "migration_type", "origin", "move_in_year", "placement_type", "hukou_location",
    "hukou_transferred", "floor_area", "structure", "tenure", "housing_condition", "old_house_demolished",
    "land_contracted_mu", "land_transferred_mu", "land_rented_mu", "crops_livestock", "water", "electricity", "gas",
    "heating", "toilet", "internet", "safe_drinking_water", "income_year", "income_wages", "income_business",
    "income_transfer", "spending", "dibao", "monitoring_category"};
const std::vector<std::string> kPersonKeys = {"name", "id_number", "relation", "sex", "birth_date",
                                              "ethnicity", "phone", "education", "health", "labour_capacity"};
// Edits never touch these: the grid moves a household between workers, and ID number, sex,
// birth date and relation are bound together by the definition's rules (one head, ID matches).
const std::set<std::string> kNotEdited = {"grid", "id_number", "relation", "sex", "birth_date"};

std::vector<FieldSpec> specsFor(const std::string& type, const std::vector<std::string>& keys) {
  const auto& def = synccore::SurveyDefinition::builtin().requireRecord(type);
  std::vector<FieldSpec> out;
  for (const auto& key : keys) {
    const synccore::FieldDef* f = def.field(key);
    if (!f) fail("survey definition lacks " + type + "." + key);
    out.push_back(FieldSpec{key, f->type, f->merge, f, !kNotEdited.count(key)});
  }
  return out;
}

std::string personName(Rng& rng) {
  std::string n = rng.pick(kSurnames) + rng.pick(kGiven);
  if (rng.chance(0.7)) n += rng.pick(kGiven);
  return n;
}

std::string mobile(Rng& rng) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08llu", static_cast<unsigned long long>(rng.next() % 100000000ULL));
  return rng.pick(kMobilePrefixes) + digits;
}

std::string address(Rng& /*rng*/, const std::string& site, int building, int unit, int room) {
  return site + std::to_string(building) + "号楼" + std::to_string(unit) + "单元" + std::to_string(room) + "室";
}

Json weightedChoice(Rng& rng, const std::vector<std::pair<std::string, int>>& weights) {
  int total = 0;
  for (const auto& w : weights) total += w.second;
  int x = static_cast<int>(rng.below(static_cast<size_t>(total)));
  for (const auto& w : weights) {
    if (x < w.second) return w.first;
    x -= w.second;
  }
  return weights.back().first;
}

/// A random valid value for one field (any record), used for the base and for edits.
Json freshValue(int kind, const FieldSpec& f, Rng& rng) {
  const std::string& k = f.key;
  if (kind == kHousehold) {
    if (k == "address") return address(rng, rng.pick(kSites), rng.range(1, 30), rng.range(1, 6), rng.range(1, 18) * 100 + rng.range(1, 4));
    if (k == "head_name") return personName(rng);
    if (k == "phone") return mobile(rng);
    if (k == "residence_status") return weightedChoice(rng, {{"resident", 80}, {"renter", 8}, {"lodger", 7}, {"vacant", 5}});
    if (k == "remarks") return rng.pick(kRemarks) + (rng.chance(0.5) ? "" : "," + std::to_string(rng.range(2020, 2025)) + "年复核");
    if (k == "site") return rng.pick(kSites);
    if (k == "building") return std::to_string(rng.range(1, 30));
    if (k == "unit_no") return std::to_string(rng.range(1, 6));
    if (k == "room") return std::to_string(rng.range(1, 18) * 100 + rng.range(1, 4));
    if (k == "village_team") return "原" + rng.pick(kOrigins) + std::to_string(rng.range(1, 9)) + "组";
    if (k == "origin") return rng.pick(kOrigins);
    if (k == "move_in_year") return rng.range(2013, 2020);
    if (k == "crops_livestock") return rng.pick(kCrops);
    if (k == "income_year") return rng.range(2023, 2025);
    if (k == "floor_area") return rng.range(80, 300) / 2.0;
    if (k.rfind("land_", 0) == 0) return rng.range(0, 30) / 2.0;
    if (k.rfind("income_", 0) == 0) return rng.range(0, 800) * 100.0;
    if (k == "spending") return rng.range(30, 600) * 100.0;
    if (k == "monitoring_category") return weightedChoice(rng, {{"none", 85}, {"unstable", 6}, {"marginal", 6}, {"sudden_hardship", 3}});
  } else {
    if (k == "name") return personName(rng);
    if (k == "phone") return mobile(rng);
    if (k == "ethnicity") return weightedChoice(rng, {{"hui", 60}, {"han", 37}, {"dongxiang", 2}, {"manchu", 1}});
    if (k == "health") return weightedChoice(rng, {{"healthy", 75}, {"chronic", 15}, {"serious", 5}, {"disability", 5}});
  }
  switch (f.type) {
    case FieldType::YesNo: return rng.chance(0.5);
    case FieldType::SingleChoice: return f.def->options[rng.below(f.def->options.size())].code;
    case FieldType::Integer: return rng.range(static_cast<int>(f.def->minNumber.value_or(0)), static_cast<int>(f.def->maxNumber.value_or(100)));
    case FieldType::Decimal: return rng.range(0, 200) / 2.0;
    case FieldType::Text: return rng.pick(kRemarks);
    case FieldType::Date: return std::to_string(rng.range(1950, 2020)) + "-0" + std::to_string(rng.range(1, 9)) + "-1" + std::to_string(rng.range(0, 9));
    default: fail("no generator for " + k);
  }
}

/// A new value for an edit: valid and different from the old one.
Json editValue(int kind, const FieldSpec& f, const Json& old, Rng& rng) {
  if (f.type == FieldType::YesNo) return !(old == true);
  for (int i = 0; i < 50; ++i) {
    Json v = freshValue(kind, f, rng);
    if (!sameValue(v, old)) return v;
  }
  if (f.type == FieldType::Text) return old.get<std::string>() + "(更正)";
  // A skewed choice (e.g. 85 % "none") can draw the old value 50 times in a large W: take another option.
  if (f.type == FieldType::SingleChoice)
    for (const auto& option : f.def->options)
      if (!sameValue(Json(option.code), old)) return option.code;
  fail("cannot find a new value for " + f.key);
}

struct SideDraft {
  std::map<std::pair<int, int>, Json> household;       // (household, field) -> value
  std::map<int, std::map<int, Json>> person;           // person -> field -> value
  std::set<int> deletes;                               // persons
  std::vector<int> inserts;                            // indexes into Workload::inserted
};

/// Picks k distinct values of [0, n) (partial Fisher-Yates).
std::vector<uint32_t> sample(Rng& rng, size_t n, size_t k) {
  std::vector<uint32_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
  k = std::min(k, n);
  for (size_t i = 0; i < k; ++i) std::swap(idx[i], idx[i + rng.below(n - i)]);
  idx.resize(k);
  return idx;
}

size_t pct(size_t n, double p) { return static_cast<size_t>(std::llround(static_cast<double>(n) * p)); }

}  // namespace

bool sameValue(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(x));
  }
  return a == b;
}

Json WorkloadStats::toJson() const {
  Json out;
  const char* names[2] = {"A", "B"};
  for (int s = 0; s < 2; ++s)
    out[names[s]] = Json{{"household_field_edits", householdFieldEdits[s]}, {"persons_edited", personsEdited[s]},
                         {"person_field_edits", personFieldEdits[s]}, {"persons_inserted", inserts[s]},
                         {"persons_deleted", deletes[s]}, {"field_changes", fieldChanges[s]}, {"saves", saves[s]}};
  out["forced_identical_edits"] = forcedIdentical;
  out["forced_edit_delete_pairs"] = forcedEditDelete;
  return out;
}

Workload Workload::generate(int households, uint64_t seed) {
  Workload w;
  w.m_seed = seed;
  w.fields[kHousehold] = specsFor("household", kHouseholdKeys);
  w.fields[kPerson] = specsFor("person", kPersonKeys);
  Rng rng(seed);
  std::unordered_set<std::string> ids;
  const auto& hf = w.fields[kHousehold];
  const auto& pf = w.fields[kPerson];
  auto fieldIndex = [&](int kind, const std::string& key) {
    const auto& v = w.fields[kind];
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i].key == key) return static_cast<int>(i);
    fail("no field " + key);
  };

  // A person of a given relation and age, with a unique, valid ID number matching birth date and sex.
  auto makePerson = [&](int household, const std::string& relation, int age, bool male) {
    Record p;
    p.uuid = rng.uuid();
    p.kind = kPerson;
    p.household = household;
    p.values.resize(pf.size());
    const int year = 2025 - std::clamp(age, 0, 99);
    std::string id;
    char buf[24];
    do {
      const int seq = static_cast<int>(rng.below(500)) * 2 + (male ? 1 : 0);
      std::snprintf(buf, sizeof buf, "%s%04d%02d%02d%03d", rng.pick(kRegions).c_str(), year, rng.range(1, 12),
                    rng.range(1, 28), seq);
      id = std::string(buf) + synccore::idNumberCheckDigit(buf);
    } while (!ids.insert(id).second);
    for (size_t i = 0; i < pf.size(); ++i) p.values[i] = freshValue(kPerson, pf[i], rng);
    p.values[fieldIndex(kPerson, "id_number")] = id;
    p.values[fieldIndex(kPerson, "relation")] = relation;
    p.values[fieldIndex(kPerson, "sex")] = male ? "male" : "female";
    p.values[fieldIndex(kPerson, "birth_date")] = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
    const int lc = fieldIndex(kPerson, "labour_capacity");
    p.values[lc] = age < 16 ? "none" : age > 70 ? (rng.chance(0.5) ? "lost" : "weak") : (rng.chance(0.85) ? "full" : "weak");
    const int ed = fieldIndex(kPerson, "education");
    if (age < 7) p.values[ed] = "none";
    return p;
  };

  // ---- the base state
  for (int h = 0; h < households; ++h) {
    Record r;
    r.uuid = rng.uuid();
    r.kind = kHousehold;
    r.values.resize(hf.size());
    for (size_t i = 0; i < hf.size(); ++i) r.values[i] = freshValue(kHousehold, hf[i], rng);
    char grid[8];
    std::snprintf(grid, sizeof grid, "G%02d", 1 + h % 20);
    const std::string site = rng.pick(kSites);
    const int building = rng.range(1, 30), unit = rng.range(1, 6), room = rng.range(1, 18) * 100 + rng.range(1, 4);
    r.values[fieldIndex(kHousehold, "grid")] = grid;
    r.values[fieldIndex(kHousehold, "site")] = site;
    r.values[fieldIndex(kHousehold, "building")] = std::to_string(building);
    r.values[fieldIndex(kHousehold, "unit_no")] = std::to_string(unit);
    r.values[fieldIndex(kHousehold, "room")] = std::to_string(room);
    r.values[fieldIndex(kHousehold, "address")] = address(rng, site, building, unit, room);
    const int headAge = rng.range(28, 72);
    const bool headMale = rng.chance(0.85);
    Record head = makePerson(h, "head", headAge, headMale);
    r.values[fieldIndex(kHousehold, "head_name")] = head.values[fieldIndex(kPerson, "name")];
    w.base[kHousehold].push_back(std::move(r));
    w.base[kPerson].push_back(std::move(head));
    w.base[kPerson].push_back(makePerson(h, "spouse", std::clamp(headAge + rng.range(-5, 3), 20, 90), !headMale));
    for (int c = 0; c < 2; ++c)
      w.base[kPerson].push_back(makePerson(h, "child", std::max(0, headAge - rng.range(20, 35)), rng.chance(0.5)));
    if (headAge < 50)
      w.base[kPerson].push_back(makePerson(h, "parent", headAge + rng.range(22, 30), rng.chance(0.5)));
    else
      w.base[kPerson].push_back(makePerson(h, "grandchild", rng.range(0, 12), rng.chance(0.5)));
  }
  const size_t H = w.base[kHousehold].size(), P = w.base[kPerson].size();
  std::vector<int> editableHf, editablePf;
  for (size_t i = 0; i < hf.size(); ++i)
    if (hf[i].editable) editableHf.push_back(static_cast<int>(i));
  for (size_t i = 0; i < pf.size(); ++i)
    if (pf[i].editable) editablePf.push_back(static_cast<int>(i));
  auto isHead = [&](int p) { return w.base[kPerson][p].values[fieldIndex(kPerson, "relation")] == "head"; };

  // ---- each device's own edits, drawn independently
  SideDraft draft[2];
  auto editPerson = [&](Rng& r, SideDraft& d, int p) {
    auto fieldsToEdit = sample(r, editablePf.size(), 1 + r.below(3));
    for (uint32_t fi : fieldsToEdit) {
      const int f = editablePf[fi];
      d.person[p][f] = editValue(kPerson, pf[f], w.base[kPerson][p].values[f], r);
    }
  };
  for (int s = 0; s < 2; ++s) {
    Rng r(seed * 1000003ULL + 17 + static_cast<uint64_t>(s));
    SideDraft& d = draft[s];
    for (uint32_t cell : sample(r, H * editableHf.size(), pct(H * hf.size(), 0.05))) {
      const int h = static_cast<int>(cell / editableHf.size()), f = editableHf[cell % editableHf.size()];
      d.household[{h, f}] = editValue(kHousehold, hf[f], w.base[kHousehold][h].values[f], r);
    }
    const size_t deletes = pct(P, 0.005);
    for (uint32_t p : sample(r, P, P)) {
      if (d.deletes.size() == deletes) break;
      if (!isHead(static_cast<int>(p))) d.deletes.insert(static_cast<int>(p));
    }
    const size_t edits = pct(P, 0.05);
    for (uint32_t p : sample(r, P, P)) {
      if (d.person.size() == edits) break;
      if (!d.deletes.count(static_cast<int>(p))) editPerson(r, d, static_cast<int>(p));
    }
    const size_t inserts = pct(P, 0.01);
    for (size_t i = 0; i < inserts; ++i) {
      const int h = static_cast<int>(r.below(H));
      static const std::vector<std::string> relations = {"child", "grandchild", "child_in_law", "other"};
      const std::string rel = r.pick(relations);
      d.inserts.push_back(static_cast<int>(w.inserted.size()));
      w.inserted.push_back(makePerson(h, rel, rel == "grandchild" ? r.range(0, 3) : r.range(18, 30), r.chance(0.5)));
    }
  }

  // ---- identical edits made on both sides
  Rng shared(seed * 7919ULL + 3);
  const size_t identical = std::max<size_t>(2, pct(H * hf.size(), 0.001));
  for (uint32_t cell : sample(shared, H * editableHf.size(), identical)) {
    const int h = static_cast<int>(cell / editableHf.size()), f = editableHf[cell % editableHf.size()];
    const Json v = editValue(kHousehold, hf[f], w.base[kHousehold][h].values[f], shared);
    draft[0].household[{h, f}] = v;
    draft[1].household[{h, f}] = v;
  }
  w.stats.forcedIdentical = identical;
  // ---- edit-vs-delete pairs: one side deletes a person the other edits, both ways
  const size_t pairs = std::max<size_t>(2, pct(P, 0.001));
  size_t made[2] = {0, 0};
  for (uint32_t pu : sample(shared, P, P)) {
    const int p = static_cast<int>(pu);
    if (made[0] == pairs && made[1] == pairs) break;
    if (isHead(p) || draft[0].deletes.count(p) || draft[1].deletes.count(p)) continue;
    const int deleter = made[0] < pairs ? 0 : 1, editor = 1 - deleter;
    draft[deleter].deletes.insert(p);
    draft[deleter].person.erase(p);
    if (!draft[editor].person.count(p)) editPerson(shared, draft[editor], p);
    ++made[deleter];
  }
  w.stats.forcedEditDelete = made[0] + made[1];

  // ---- saves: one per household each side touched, in household order
  for (int s = 0; s < 2; ++s) {
    const SideDraft& d = draft[s];
    std::map<int, Save> byHousehold;
    auto saveOf = [&](int h) -> Save& {
      Save& sv = byHousehold[h];
      sv.household = h;
      return sv;
    };
    std::map<int, Write> householdWrites;
    for (const auto& [cell, value] : d.household) {
      Write& wr = householdWrites[cell.first];
      wr.op = Write::Update;
      wr.kind = kHousehold;
      wr.record = cell.first;
      wr.fields.emplace_back(cell.second, value);
      ++w.stats.householdFieldEdits[s];
    }
    for (auto& [h, wr] : householdWrites) saveOf(h).writes.push_back(std::move(wr));
    for (const auto& [p, edits] : d.person) {
      Write wr{Write::Update, kPerson, p, {}};
      for (const auto& [f, v] : edits) wr.fields.emplace_back(f, v);
      w.stats.personFieldEdits[s] += edits.size();
      ++w.stats.personsEdited[s];
      saveOf(w.base[kPerson][p].household).writes.push_back(std::move(wr));
    }
    for (int i : d.inserts) {
      Write wr{Write::Insert, kPerson, i, {}};
      for (size_t f = 0; f < pf.size(); ++f) wr.fields.emplace_back(static_cast<int>(f), w.inserted[i].values[f]);
      ++w.stats.inserts[s];
      saveOf(w.inserted[i].household).writes.push_back(std::move(wr));
    }
    for (int p : d.deletes) {
      saveOf(w.base[kPerson][p].household).writes.push_back(Write{Write::Delete, kPerson, p, {}});
      ++w.stats.deletes[s];
    }
    for (auto& [h, sv] : byHousehold) w.saves[s].push_back(std::move(sv));
    w.stats.saves[s] = w.saves[s].size();
    w.stats.fieldChanges[s] = w.stats.householdFieldEdits[s] + w.stats.personFieldEdits[s] +
                              w.stats.inserts[s] * pf.size() + w.stats.deletes[s];
  }
  return w;
}

synccore::RecordValues Workload::valuesOf(const Record& r) const {
  synccore::RecordValues out;
  const auto& specs = fields[r.kind];
  for (size_t i = 0; i < specs.size(); ++i) out[specs[i].key] = r.values[i];
  return out;
}

synccore::RecordValues Workload::valuesOf(const Write& wr) const {
  synccore::RecordValues out;
  for (const auto& [f, v] : wr.fields) out[fields[wr.kind][f].key] = v;
  return out;
}

void Workload::exportJsonl(std::ostream& out) const {
  Json meta{{"kind", "meta"}, {"households", base[kHousehold].size()}, {"persons", base[kPerson].size()},
            {"seed", m_seed}, {"stats", stats.toJson()}};
  for (int k = 0; k < 2; ++k)
    for (const auto& f : fields[k])
      meta["fields"][kindName(k)].push_back(Json{{"key", f.key}, {"type", synccore::fieldTypeName(f.type)},
                                                 {"policy", synccore::mergePolicyName(f.policy)}});
  out << meta.dump() << '\n';
  for (int k = 0; k < 2; ++k)
    for (const auto& r : base[k]) {
      Json line{{"kind", "record"}, {"type", kindName(k)}, {"uuid", r.uuid}, {"values", valuesOf(r)}};
      if (k == kPerson) line["household"] = base[kHousehold][r.household].uuid;
      out << line.dump() << '\n';
    }
  const char* sides[2] = {"A", "B"};
  for (int s = 0; s < 2; ++s)
    for (const auto& sv : saves[s]) {
      Json writes = Json::array();
      for (const auto& wr : sv.writes) {
        const Record& r = record(wr);
        Json j{{"op", wr.op == Write::Update ? "update" : wr.op == Write::Insert ? "insert" : "delete"},
               {"type", kindName(wr.kind)}, {"uuid", r.uuid}};
        if (wr.kind == kPerson) j["household"] = base[kHousehold][r.household].uuid;
        if (wr.op != Write::Delete) j["values"] = valuesOf(wr);
        writes.push_back(std::move(j));
      }
      out << Json{{"kind", "save"}, {"side", sides[s]}, {"household", base[kHousehold][sv.household].uuid},
                  {"writes", writes}}.dump()
          << '\n';
    }
}

// ---------------------------------------------------------------- the oracle

Oracle::Oracle(const Workload& w) {
  // Each side's edits and deletes by record.
  struct Side {
    std::map<std::pair<int, int>, std::map<int, Json>> edits;  // (kind, record) -> field -> value
    std::set<int> deletes;
  } side[2];
  for (int s = 0; s < 2; ++s)
    for (const auto& sv : w.saves[s])
      for (const auto& wr : sv.writes) {
        if (wr.op == Write::Delete) side[s].deletes.insert(wr.record);
        else if (wr.op == Write::Update)
          for (const auto& [f, v] : wr.fields) side[s].edits[{wr.kind, wr.record}][f] = v;
      }
  for (int k = 0; k < 2; ++k)
    for (size_t i = 0; i < w.base[k].size(); ++i) {
      const Record& r = w.base[k][i];
      Expect e;
      e.kind = k;
      e.acceptable.resize(r.values.size());
      for (size_t f = 0; f < r.values.size(); ++f) e.acceptable[f] = {r.values[f]};
      const std::map<int, Json> none;
      const auto key = std::make_pair(k, static_cast<int>(i));
      const auto& a = side[0].edits.count(key) ? side[0].edits.at(key) : none;
      const auto& b = side[1].edits.count(key) ? side[1].edits.at(key) : none;
      const bool delA = k == kPerson && side[0].deletes.count(static_cast<int>(i));
      const bool delB = k == kPerson && side[1].deletes.count(static_cast<int>(i));
      if (delA && delB) {
        e.mayBeLive = false;
        e.mayBeDeleted = true;
        ++m_bothDeleted;
      } else if (delA || delB) {
        const auto& edits = delA ? b : a;
        e.mayBeDeleted = true;
        e.mayBeLive = !edits.empty();
        if (!edits.empty()) {
          // Edit vs delete: a correct merge keeps either the delete or the record with the edit,
          // and reports the pair as a conflict.
          for (const auto& [f, v] : edits) e.acceptable[f] = {v};
          m_fields.insert({r.uuid, "_deleted"});
          m_recordSet.insert(r.uuid);
          ++m_editDelete;
        }
      } else {
        for (size_t f = 0; f < r.values.size(); ++f) {
          auto ia = a.find(static_cast<int>(f));
          auto ib = b.find(static_cast<int>(f));
          if (ia != a.end() && ib != b.end()) {
            if (sameValue(ia->second, ib->second)) {
              e.acceptable[f] = {ia->second};
              ++m_identical;
            } else {
              e.acceptable[f] = {ia->second, ib->second};
              m_fields.insert({r.uuid, w.fields[k][f].key});
              m_recordSet.insert(r.uuid);
              ++m_concurrent;
            }
          } else if (ia != a.end()) {
            e.acceptable[f] = {ia->second};
          } else if (ib != b.end()) {
            e.acceptable[f] = {ib->second};
          }
        }
      }
      m_records.emplace(r.uuid, std::move(e));
    }
  for (const Record& r : w.inserted) {
    Expect e;
    e.kind = kPerson;
    for (const auto& v : r.values) e.acceptable.push_back({v});
    m_records.emplace(r.uuid, std::move(e));
  }
}

Json Oracle::summary() const {
  return Json{{"conflicting_fields", m_fields.size()},
              {"conflicting_records", m_recordSet.size()},
              {"concurrent_field_conflicts", m_concurrent},
              {"edit_delete_pairs", m_editDelete},
              {"identical_edits", m_identical},
              {"deleted_on_both_sides", m_bothDeleted},
              {"records_expected", m_records.size()}};
}

// ---------------------------------------------------------------- the checker

StateChecker::StateChecker(const Workload& w, const Oracle& oracle) : m_w(w), m_oracle(oracle) {}

void StateChecker::mismatch(const std::string& kind, Json example) {
  ++m_byKind[kind];
  if (m_examples.size() < 12) {
    example["kind"] = kind;
    m_examples.push_back(std::move(example));
  }
}

void StateChecker::record(const std::string& uuid, bool deleted, const Json& fields) {
  auto it = m_oracle.records().find(uuid);
  if (it == m_oracle.records().end()) {
    if (!deleted) {
      ++m_badRecords;
      mismatch("unexpected_record", Json{{"record", uuid}});
    }
    return;
  }
  if (!m_seen.insert(uuid).second) {
    ++m_badRecords;
    mismatch("record_reported_twice", Json{{"record", uuid}});
    return;
  }
  const Oracle::Expect& e = it->second;
  if (deleted) {
    if (!e.mayBeDeleted) {
      ++m_badRecords;
      mismatch("deleted_but_should_be_live", Json{{"record", uuid}, {"type", kindName(e.kind)}});
    }
    return;
  }
  if (!e.mayBeLive) {
    ++m_badRecords;
    mismatch("live_but_should_be_deleted", Json{{"record", uuid}, {"type", kindName(e.kind)}});
    return;
  }
  const auto& specs = m_w.fields[e.kind];
  bool bad = false;
  for (size_t f = 0; f < specs.size(); ++f) {
    ++m_cells;
    Json actual = fields.is_object() && fields.contains(specs[f].key) ? fields[specs[f].key] : Json();
    bool ok = false;
    for (const Json& v : e.acceptable[f]) ok = ok || sameValue(v, actual);
    if (!ok) {
      ++m_badCells;
      bad = true;
      mismatch(e.acceptable[f].size() == 1 ? "field_value" : "conflict_value_neither_side",
               Json{{"record", uuid}, {"type", kindName(e.kind)}, {"field", specs[f].key},
                    {"expected", e.acceptable[f]}, {"actual", actual}});
    }
  }
  if (fields.is_object())
    for (const auto& [key, value] : fields.items()) {
      bool known = false;
      for (const auto& s : specs) known = known || s.key == key;
      if (!known && !value.is_null()) {
        ++m_badCells;
        bad = true;
        mismatch("unexpected_field", Json{{"record", uuid}, {"field", key}, {"actual", value}});
      }
    }
  if (bad) ++m_badRecords;
}

Json StateChecker::finish() {
  for (const auto& [uuid, e] : m_oracle.records())
    if (!m_seen.count(uuid) && !e.mayBeDeleted) {
      ++m_badRecords;
      mismatch("missing_record", Json{{"record", uuid}, {"type", kindName(e.kind)}});
    }
  return Json{{"ok", m_badRecords == 0 && m_badCells == 0},
              {"records_expected", m_oracle.records().size()},
              {"records_reported", m_seen.size()},
              {"cells_checked", m_cells},
              {"mismatched_records", m_badRecords},
              {"mismatched_cells", m_badCells},
              {"mismatches_by_kind", m_byKind},
              {"examples", m_examples}};
}

Json conflictReport(const Oracle& oracle, const std::vector<ConflictKey>& reported, bool fieldLevel) {
  auto score = [](size_t tp, size_t fp, size_t fn) {
    return Json{{"true_positives", tp},
                {"false_positives", fp},
                {"false_negatives", fn},
                {"precision", tp + fp == 0 ? 1.0 : roundTo(static_cast<double>(tp) / static_cast<double>(tp + fp), 4)},
                {"recall", tp + fn == 0 ? 1.0 : roundTo(static_cast<double>(tp) / static_cast<double>(tp + fn), 4)}};
  };
  std::set<std::string> records;
  for (const auto& k : reported) records.insert(k.record);
  size_t tp = 0;
  for (const auto& r : records) tp += oracle.conflictRecords().count(r);
  Json out{{"reported", reported.size()},
           {"reported_records", records.size()},
           {"true_records", oracle.conflictRecords().size()},
           {"true_fields", oracle.conflictFields().size()},
           {"records", score(tp, records.size() - tp, oracle.conflictRecords().size() - tp)}};
  if (fieldLevel) {
    std::set<ConflictKey> keys(reported.begin(), reported.end());
    size_t ftp = 0;
    Json falsePositives = Json::array(), falseNegatives = Json::array();
    for (const auto& k : keys) {
      if (oracle.conflictFields().count(k)) ++ftp;
      else if (falsePositives.size() < 5) falsePositives.push_back(k.record + "." + k.field);
    }
    for (const auto& k : oracle.conflictFields())
      if (!keys.count(k) && falseNegatives.size() < 5) falseNegatives.push_back(k.record + "." + k.field);
    out["reported_fields"] = keys.size();
    out["fields"] = score(ftp, keys.size() - ftp, oracle.conflictFields().size() - ftp);
    out["fields"]["false_positive_examples"] = falsePositives;
    out["fields"]["false_negative_examples"] = falseNegatives;
  } else {
    out["fields"] = nullptr;
  }
  return out;
}

}  // namespace peers
