#include "fixtures.h"

#include <catch2/catch.hpp>

using namespace synccore;
using fixtures::household;
using fixtures::makeId;
using fixtures::person;

namespace {

/// One validation case: a record's values and the single (field, rule) expected, or none.
struct Case {
  const char* name;
  std::string type;
  RecordValues values;
  std::string field;  // empty: the record is valid
  std::string rule;
};

RecordValues with(RecordValues base, const std::string& key, Value v) {
  base[key] = std::move(v);
  return base;
}
RecordValues without(RecordValues base, const std::string& key) {
  base.erase(key);
  return base;
}
RecordValues visit() { return {{"visit_date", "2026-11-20"}, {"kind", "revisit"}, {"notes", "户主在家"}}; }

}  // namespace

TEST_CASE("records are validated against the survey definition", "[validation]") {
  const std::string maleId = makeId("640121", "19800315", "123");
  const std::string femaleId = makeId("640121", "19820704", "142");
  const std::vector<Case> cases = {
      {"valid household", "household", household(), "", ""},
      {"valid person", "person", person("马文明", "head", maleId), "", ""},
      {"valid visit", "visit", visit(), "", ""},
      {"missing grid", "household", without(household(), "grid"), "grid", "required"},
      {"blank head name", "household", with(household(), "head_name", "   "), "head_name", "required"},
      {"unknown option", "household", with(household(), "residence_status", "castle"), "residence_status", "options"},
      {"number as text", "household", with(household(), "floor_area", "big"), "floor_area", "type"},
      {"negative income", "household", with(household(), "income_wages", -100.0), "income_wages", "non_negative_income"},
      {"grid pattern", "household", with(household(), "grid", "网格一"), "grid", "pattern"},
      {"phone pattern", "household", with(household(), "phone", "12345"), "phone", "pattern"},
      {"landline ok", "household", with(household(), "phone", "0951-1234567"), "", ""},
      {"yes/no as string", "household", with(household(), "dibao", "yes"), "dibao", "type"},
      {"multi with unknown code", "household",
       with(with(household(), "monitoring_category", "marginal"), "risk_reasons", Json::array({"illness", "aliens"})),
       "risk_reasons", "options"},
      {"multi relevant when monitored", "household",
       with(with(household(), "monitoring_category", "marginal"), "risk_reasons", Json::array({"illness"})), "", ""},
      {"multi not relevant when not monitored", "household",
       with(household(), "risk_reasons", Json::array({"illness"})), "risk_reasons", "relevance"},
      {"plan period only for policy relocation", "household",
       with(with(household(), "migration_type", "self"), "plan_period", "p13"), "plan_period", "relevance"},
      {"plan period for policy relocation", "household",
       with(with(household(), "migration_type", "policy"), "plan_period", "p13"), "", ""},
      {"unknown field", "household", with(household(), "favourite_colour", "red"), "favourite_colour", "unknown_field"},
      {"future birth date", "person", with(without(person("小宝", "head"), "id_number"), "birth_date", "2027-01-01"),
       "birth_date", "range"},
      {"not a date", "person", with(without(person("小宝", "head"), "id_number"), "birth_date", "2020-02-30"),
       "birth_date", "type"},
      {"bad ID check digit", "person",
       with(person("马文明", "head"), "id_number", maleId.substr(0, 17) + (maleId[17] == '0' ? "1" : "0")),
       "id_number", "id_number"},
      {"ID vs birth date", "person", with(person("马文明", "head", maleId), "birth_date", "1980-03-16"), "birth_date",
       "id_matches_birth_sex"},
      {"ID vs sex", "person", with(person("马文明", "head", maleId), "sex", "female"), "sex", "id_matches_birth_sex"},
      {"female ID", "person", person("李梅", "spouse", femaleId), "", ""},
      {"months worked range", "person", with(person("马文明", "head"), "months_worked", 13), "months_worked", "range"},
      {"visit kind required", "visit", without(visit(), "kind"), "kind", "required"},
      {"visit in the future", "visit", with(visit(), "visit_date", "2026-11-23"), "visit_date", "range"},
      {"name too long", "person", with(person("x", "head"), "name", std::string(51, 'a')), "name", "length"},
  };
  Validator validator(SurveyDefinition::builtin(), fixtures::today());
  for (const auto& c : cases) {
    INFO(c.name);
    RecordValues values = c.values;
    auto failures = validator.checkRecord(c.type, "uuid-1", values);
    if (c.field.empty()) {
      for (const auto& f : failures) INFO(f.describe());
      CHECK(failures.empty());
      continue;
    }
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].field == c.field);
    CHECK(failures[0].rule == c.rule);
    CHECK(failures[0].recordType == c.type);
    CHECK(failures[0].recordUuid == "uuid-1");
    CHECK_FALSE(failures[0].messageZh.empty());
    CHECK_FALSE(failures[0].messageEn.empty());
  }
}

TEST_CASE("validation normalises what it accepts", "[validation]") {
  Validator validator(SurveyDefinition::builtin(), fixtures::today());
  const std::string xId = [] {
    for (int seq = 100; seq < 999; ++seq) {
      auto id = makeId("110105", "19491231", std::to_string(seq));
      if (id.back() == 'X') return id;
    }
    return std::string();
  }();
  REQUIRE_FALSE(xId.empty());
  std::string lower = xId;
  lower.back() = 'x';
  RecordValues p{{"name", " 王芳 "}, {"relation", "head"}, {"id_number", lower}};
  fillFromIdNumber(p, fixtures::today());
  CHECK(p.at("birth_date") == "1949-12-31");
  auto failures = validator.checkRecord("person", "u", p);
  for (const auto& f : failures) INFO(f.describe());
  CHECK(failures.empty());
  CHECK(p.at("id_number") == xId);
  CHECK(p.at("name") == "王芳");
}

TEST_CASE("typed input becomes a value of the field's type", "[validation]") {
  const auto& household = SurveyDefinition::builtin().requireRecord("household");
  CHECK(parseFieldInput(*household.field("floor_area"), "85.5").value == 85.5);
  CHECK(parseFieldInput(*household.field("move_in_year"), "2018").value == 2018);
  CHECK_FALSE(parseFieldInput(*household.field("move_in_year"), "2018.5").ok);
  CHECK(parseFieldInput(*household.field("dibao"), "是").value == true);
  CHECK(parseFieldInput(*household.field("dibao"), "no").value == false);
  CHECK_FALSE(parseFieldInput(*household.field("dibao"), "maybe").ok);
  CHECK(parseFieldInput(*household.field("risk_reasons"), "illness, disaster").value ==
        Json::array({"illness", "disaster"}));
  CHECK(parseFieldInput(*household.field("address"), "  ").value.is_null());
}

TEST_CASE("a household's members need exactly one head", "[validation][rules]") {
  Validator validator(SurveyDefinition::builtin(), fixtures::today());
  CHECK(validator.checkMembers("h", {}).empty());
  CHECK(validator.checkMembers("h", {{{"relation", "head"}}, {{"relation", "child"}}}).empty());
  auto none = validator.checkMembers("h", {{{"relation", "spouse"}}});
  REQUIRE(none.size() == 1);
  CHECK(none[0].rule == "one_head");
  CHECK(none[0].recordUuid == "h");
  CHECK(validator.checkMembers("h", {{{"relation", "head"}}, {{"relation", "head"}}}).size() == 1);
}

#include "synccore/derived_figures.h"

TEST_CASE("household figures are derived from members and income sources", "[derived]") {
  using synccore::RecordValues;
  RecordValues household{{"income_wages", 30000}, {"income_transfer", 6000}};
  std::vector<RecordValues> members{
      {{"labour_capacity", "full"}, {"employment_status", "outside_county"}, {"months_worked", 8}},
      {{"labour_capacity", "weak"}, {"employment_status", "flexible"}, {"months_worked", 3}},
      {{"labour_capacity", "lost"}}};
  auto figures = synccore::householdFigures(household, members);
  CHECK(figures.householdSize == 3);
  CHECK(figures.labourCount == 2);
  REQUIRE(figures.perCapitaIncome.has_value());
  CHECK(*figures.perCapitaIncome == Approx(12000));
  CHECK(figures.hasStableWork);

  members[0]["months_worked"] = 5;
  CHECK_FALSE(synccore::householdFigures(household, members).hasStableWork);
  CHECK_FALSE(synccore::householdFigures(RecordValues{}, members).perCapitaIncome.has_value());
  CHECK_FALSE(synccore::householdFigures(household, {}).perCapitaIncome.has_value());
}
