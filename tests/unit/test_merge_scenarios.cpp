// Merge scenarios as data (tests/data/merge_scenarios.json): two devices edit offline, sync in a
// given order through the real sync service (in-process, no HTTP), and must end identical.
#include "fixtures.h"
#include "in_process_sync.h"
#include "sync_service.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

using namespace synccore;
using syncserver::Session;
using syncserver::SyncService;
using fixtures::syncThrough;

namespace {

/// Applies one scenario operation to a device, naming new records in `aliases`.
void apply(DeviceStore& device, const Json& op, std::map<std::string, std::string>& aliases) {
  const std::string kind = op["op"];
  RecordValues values;
  const Json given = op.value("values", Json::object());
  for (const auto& [k, v] : given.items()) values[k] = v;
  if (values.count("id")) {
    const auto id = values["id"];
    values.erase("id");
    values["id_number"] = fixtures::makeId("640121", id[0], id[1]);
    fillFromIdNumber(values, fixtures::today());
  }
  RecordWrite w;
  if (kind == "set") w = {"household", aliases.at(op["record"]), "", values};
  else if (kind == "delete") w = {"household", aliases.at(op["record"]), "", {}, true};
  else w = {kind == "add_member" ? "person" : "visit", "", aliases.at(op["household"]), values};
  auto saved = device.save({w});
  for (const auto& f : saved.failures) INFO(f.describe());
  REQUIRE(saved.ok());
  if (kind != "set" && kind != "delete") aliases[op["record"]] = saved.uuids.front();
}

}  // namespace

TEST_CASE("merge scenarios", "[merge][scenarios]") {
  std::ifstream in(std::string(ANJU_TEST_DATA) + "/merge_scenarios.json");
  const Json scenarios = Json::parse(in);
  REQUIRE(scenarios.size() >= 10);
  for (const Json& scenario : scenarios) {
    DYNAMIC_SECTION(scenario["name"].get<std::string>()) {
      TempDir dir;
      syncserver::ServerState state(dir.file("server.db"));
      state.accounts().addUser("wang", syncserver::Role::Worker, {"G01"}, "password-wang");
      state.accounts().addUser("li", syncserver::Role::Worker, {"G01"}, "password-li");
      SyncService service(state);
      const auto sessionA = *service.authenticate(service.signIn({{"user", "wang"}, {"password", "password-wang"}}).body["token"]);
      const auto sessionB = *service.authenticate(service.signIn({{"user", "li"}, {"password", "password-li"}}).body["token"]);
      DeviceStore a(dir.file("a.db"), SurveyDefinition::builtin(), fixtures::options());
      DeviceStore b(dir.file("b.db"), SurveyDefinition::builtin(), fixtures::options());

      // The common base: two households with their heads, made on A and synced to both.
      std::map<std::string, std::string> aliases;
      for (const char* h : {"h1", "h2"}) {
        auto saved = a.save({{"household", "", "", fixtures::household("G01", std::string("户主") + h)}});
        REQUIRE(saved.ok());
        aliases[h] = saved.uuids.front();
        auto head = fixtures::person(std::string("户主") + h, "head",
                                     fixtures::makeId("640121", "19600101", h[1] == '1' ? "011" : "013"));
        REQUIRE(a.save({{"person", "", aliases[h], head}}).ok());
      }
      syncThrough(a, service, sessionA);
      syncThrough(b, service, sessionB);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));

      // Offline edits: A's first, then B's (B's stamps are newer).
      for (const auto& op : scenario["a"]) apply(a, op, aliases);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      for (const auto& op : scenario["b"]) apply(b, op, aliases);
      for (const auto& who : scenario["order"])
        who == "a" ? syncThrough(a, service, sessionA) : syncThrough(b, service, sessionB);
      syncThrough(a, service, sessionA);
      syncThrough(b, service, sessionB);

      CHECK(a.snapshot() == b.snapshot());
      for (const auto& [alias, fields] : scenario["expected"].items()) {
        auto record = a.load(aliases.at(alias));
        REQUIRE(record);
        for (const auto& [key, value] : fields.items()) {
          INFO(alias << "." << key);
          if (key == "_deleted") CHECK(record->deleted == value.get<bool>());
          else CHECK(record->values[key] == value);
        }
      }
      std::vector<std::string> expected, found;
      for (const auto& c : scenario["conflicts"])
        expected.push_back(aliases.at(c["record"]) + "." + c["field"].get<std::string>() + ":" +
                           c["kind"].get<std::string>() + ":" + c["status"].get<std::string>());
      for (const auto& c : state.conflicts().list({}))
        found.push_back(c.recordUuid + "." + c.field + ":" + c.kind + ":" + c.status);
      std::sort(expected.begin(), expected.end());
      std::sort(found.begin(), found.end());
      CHECK(found == expected);
      CHECK(state.audit().verify().ok);
    }
  }
}
