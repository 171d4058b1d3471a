#include "raw_http.h"

#include <synccore/random_id.h>
#include <synccore/sqlite.h>

namespace e2e {

using Json = nlohmann::json;

std::string signIn(httplib::Client& http, const std::string& user) {
  auto res = http.Post("/v1/session", Json{{"user", user}, {"password", "password-" + user}}.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return Json::parse(res->body)["token"];
}

Json validChange(const std::string& record, const std::string& field, Json value) {
  return Json{{"change_id", synccore::newUuid()}, {"record_type", "household"}, {"record", record}, {"parent", nullptr},
              {"field", field}, {"value", value}, {"base_version", nullptr},
              {"hlc", "000000000000001000-00000-dev1"}};
}

Json newHousehold(const std::string& record, const std::string& grid) {
  Json changes = Json::array({validChange(record, "grid", grid), validChange(record, "address", "玉泉家园1号"),
                              validChange(record, "head_name", "马文明"), validChange(record, "residence_status", "resident")});
  return Json{{"id", synccore::newUuid()}, {"device", "dev1"}, {"changes", changes}};
}

void expectRefusal(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  Json body = Json::parse(res->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body.value("code", "") == code);
  CHECK_FALSE(body.value("message", "").empty());
  CHECK_FALSE(body.value("message_zh", "").empty());
}

Json answerOf(const httplib::Result& res) {
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return Json::parse(res->body);
}

std::vector<int64_t> rowCounts(const std::string& serverDb) {
  synccore::Database raw(serverDb, synccore::Database::Mode::ReadOnly);
  std::vector<int64_t> out;
  for (const char* table : {"records", "fields", "change_log", "applied_changes", "changesets", "conflicts", "audit_log"})
    out.push_back(raw.queryInteger(std::string("SELECT count(*) FROM ") + table));
  return out;
}

int64_t serverCount(const std::string& serverDb, const std::string& sql) {
  return synccore::Database(serverDb, synccore::Database::Mode::ReadOnly).queryInteger(sql);
}

synccore::Change stampedChange(const std::string& record, const std::string& field, Json value, const std::string& hlc,
                               std::optional<std::string> base) {
  return {synccore::changeIdFor(hlc, record, field), "household", record, "", field, std::move(value), std::move(base),
          hlc};
}

synccore::Changeset stampedHousehold(const std::string& record, const std::string& grid, const std::string& address,
                                     Stamps& stamps) {
  synccore::Changeset cs{synccore::newUuid(), "dev2", {}, {}};
  for (auto [field, value] : std::vector<std::pair<std::string, Json>>{
           {"grid", grid}, {"address", address}, {"head_name", "马文明"}, {"residence_status", "resident"}})
    cs.changes.push_back(stampedChange(record, field, value, stamps.next()));
  return cs;
}

}  // namespace e2e
