// End-to-end sync: a real syncserver on 127.0.0.1 and three surveyctl devices working offline.
#include "harness.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sstream>
#include <synccore/sqlite.h>

using namespace e2e;

namespace {

Json conflicts(const Device& supervisor, const std::string& status = "") {
  std::vector<std::string> args{"conflicts", "--json"};
  if (!status.empty()) args.insert(args.end(), {"--status", status});
  return Json::parse(supervisor.ok(args));
}

std::vector<std::string> conflictSummary(const Json& list) {
  std::vector<std::string> out;
  for (const auto& c : list)
    out.push_back(c["record_type"].get<std::string>() + "." + c["field"].get<std::string>() + ":" +
                  c["kind"].get<std::string>() + ":" + c["status"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

void syncAll(const std::vector<Device*>& devices) {
  for (auto* d : devices) REQUIRE(d->sync()["ok"] == true);
}

}  // namespace

TEST_CASE("three devices converge and the log holds exactly the expected conflicts", "[e2e][sync]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li"), c = community.device("c", "wang");
  Device supervisor = community.device("sup", "sun");

  auto args = householdArgs("G01", "马文明");
  args.push_back("phone=13900000001");
  const std::string hh = a.ok(args);
  const std::string head = a.ok({"member", "add", hh, "name=马文明", "relation=head",
                                 "id_number=" + idNumber("19700101", "011")});
  const std::string son = a.ok({"member", "add", hh, "name=马小军", "relation=child",
                                "id_number=" + idNumber("19990505", "031")});
  const std::string other = a.ok(householdArgs("G01", "李四"));
  syncAll({&a, &b, &c});
  REQUIRE(a.digest() == b.digest());
  REQUIRE(b.digest() == c.digest());

  // Offline edits on the three tablets.
  a.ok({"household", "set", hh, "address=玉泉家园1号楼101", "phone=13900000002", "dibao=yes", "floor_area=80"});
  b.ok({"household", "set", hh, "address=玉泉家园2号楼202", "phone=13900000003", "dibao=yes"});
  c.ok({"member", "add", hh, "name=马小花", "relation=child", "id_number=" + idNumber("20050606", "042")});
  b.ok({"member", "add", hh, "name=李梅", "relation=spouse", "id_number=" + idNumber("19720303", "022")});
  c.ok({"household", "set", hh, "floor_area=80", "land_contracted_mu=3.5"});
  a.ok({"member", "delete", son});
  b.ok({"member", "set", son, "months_worked=6"});
  c.ok({"household", "delete", other});
  b.ok({"household", "set", other, "income_wages=12000"});
  a.ok({"visit", "add", hh, "visit_date=2026-11-01", "kind=revisit", "notes=户主在家"});
  b.ok({"visit", "add", hh, "visit_date=2026-11-02", "kind=adhoc", "notes=反映就业诉求"});

  SECTION("sync order b, a, c") { syncAll({&b, &a, &c}); }
  SECTION("sync order c, a, b") { syncAll({&c, &a, &b}); }
  SECTION("sync order a, c, b") { syncAll({&a, &c, &b}); }
  syncAll({&a, &b, &c});

  const std::string digest = a.digest();
  CHECK(b.digest() == digest);
  CHECK(c.digest() == digest);

  // Exactly the expected conflicts: both addresses (review, open), both phones (auto), the
  // son deleted on one tablet and edited on another, the household deleted and edited.
  auto all = conflictSummary(conflicts(supervisor));
  std::vector<std::string> expected = {"household.address:concurrent_edit:open",
                                       "household.phone:concurrent_edit:auto_resolved"};
  // Which side is "incoming" depends on who synced first; the two orders give the two kinds.
  std::vector<std::string> deleteKinds;
  for (const auto& s : all)
    if (s.find("_vs_") != std::string::npos) deleteKinds.push_back(s);
  REQUIRE(deleteKinds.size() == 2);
  for (const auto& s : deleteKinds) {
    INFO(s);
    CHECK((s.rfind("person.", 0) == 0 || s.rfind("household.", 0) == 0));
    CHECK(s.find(":open") != std::string::npos);
    expected.push_back(s);
  }
  std::sort(expected.begin(), expected.end());
  CHECK(all == expected);

  // Identical edits (dibao, floor_area) and independent member adds are no conflict; every
  // member added on any tablet is there.
  Json snap = a.snapshot();
  CHECK(snap[hh]["fields"]["dibao"] == true);
  CHECK(snap[hh]["fields"]["floor_area"] == 80.0);
  CHECK(snap[hh]["fields"]["land_contracted_mu"] == 3.5);
  // The son was deleted on one tablet and edited on another: if the delete reached the server
  // first it stands (edit_vs_delete, open); otherwise he stays (delete_vs_edit, open).
  const bool sonKept = std::find(all.begin(), all.end(), "person._deleted:delete_vs_edit:open") != all.end();
  CHECK(snap[son]["deleted"] == !sonKept);
  int members = 0, visits = 0;
  for (const auto& [uuid, rec] : snap.items()) {
    if (rec["type"] == "person" && !rec["deleted"].get<bool>()) ++members;
    if (rec["type"] == "visit") ++visits;
  }
  CHECK(members == (sonKept ? 4 : 3));  // head, (son), 马小花, 李梅
  CHECK(visits == 2);
  (void)head;

  // A second sync changes nothing.
  for (Device* d : {&a, &b, &c}) {
    Json again = d->sync();
    CHECK(again["pushed"] == 0);
    CHECK(again["pulled"] == 0);
  }
  CHECK(a.digest() == digest);

  // The audit log verifies, and fails once an entry is altered in the file.
  auto verify = community.server({"audit", "verify"});
  CHECK(verify.exitCode == 0);
  {
    synccore::Database raw(community.dbPath());
    raw.exec("UPDATE audit_log SET body = replace(body, '玉泉家园2号楼202', '玉泉家园9号楼909') WHERE seq = "
             "(SELECT min(seq) FROM audit_log WHERE body LIKE '%玉泉家园2号楼202%')");
    REQUIRE(raw.changes() == 1);
  }
  community.process().kill(SIGTERM);
  auto tampered = community.server({"audit", "verify"});
  CHECK(tampered.exitCode == 1);
  CHECK(tampered.out.find("FAILED") != std::string::npos);
}

TEST_CASE("surveyctl sync says what it is doing on stderr and keeps stdout for its summary", "[e2e][sync]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li");
  a.ok(householdArgs("G01", "马文明"));
  const RunResult pushed = a.ctl({"sync"});
  INFO(pushed.err);
  REQUIRE(pushed.exitCode == 0);
  CHECK(Json::parse(pushed.out)["pushed"].get<int>() > 0);
  CHECK(pushed.err.find("上传 / pushed 0/") != std::string::npos);
  const RunResult pulled = b.ctl({"sync"});
  INFO(pulled.err);
  REQUIRE(pulled.exitCode == 0);
  CHECK(Json::parse(pulled.out)["pulled"].get<int>() > 0);
  CHECK(pulled.err.find("下载 / pulled ") != std::string::npos);
  // Both sides' progress is in Chinese and English, and nothing but progress is said.
  for (const std::string& err : {pushed.err, pulled.err}) {
    std::istringstream lines(err);
    for (std::string line; std::getline(lines, line);)
      CHECK((line.rfind("上传 / pushed ", 0) == 0 || line.rfind("下载 / pulled ", 0) == 0));
  }
}

TEST_CASE("a supervisor's decision reaches every device", "[e2e][sync]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li");
  Device supervisor = community.device("sup", "sun");
  const std::string hh = a.ok(householdArgs("G01", "王五"));
  syncAll({&a, &b});
  a.ok({"household", "set", hh, "address=甲地址"});
  b.ok({"household", "set", hh, "address=乙地址"});
  syncAll({&a, &b});
  auto open = conflicts(supervisor, "open");
  REQUIRE(open.size() == 1);
  CHECK(open[0]["server"]["value"] == "甲地址");
  CHECK(open[0]["incoming"]["value"] == "乙地址");
  CHECK(open[0]["incoming"]["user"] == "li");
  // Until decided, the server's value stands on both tablets.
  CHECK(a.snapshot()[hh]["fields"]["address"] == "甲地址");
  CHECK(b.snapshot()[hh]["fields"]["address"] == "甲地址");
  CHECK(Json::parse(b.ok({"notices", "--json"})).size() == 1);

  auto resolved = supervisor.ok({"resolve", open[0]["id"], "--value", "丙地址(核实)", "--reason", "电话核实"});
  syncAll({&a, &b});
  CHECK(a.snapshot()[hh]["fields"]["address"] == "丙地址(核实)");
  CHECK(b.snapshot()[hh]["fields"]["address"] == "丙地址(核实)");
  CHECK(conflicts(supervisor, "open").empty());
  auto decided = conflicts(supervisor, "resolved");
  REQUIRE(decided.size() == 1);
  CHECK(decided[0]["decision"]["by"] == "sun");
  CHECK(decided[0]["decision"]["reason"] == "电话核实");
  CHECK(community.server({"audit", "verify"}).exitCode == 0);
}

TEST_CASE("a duplicate ID number across households is a conflict for the supervisor", "[e2e][sync]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li");
  Device supervisor = community.device("sup", "sun");
  const std::string id = idNumber("19800808", "051");
  const std::string h1 = a.ok(householdArgs("G01", "张一"));
  a.ok({"member", "add", h1, "name=张一", "relation=head", "id_number=" + id});
  const std::string h2 = b.ok(householdArgs("G01", "张二"));
  b.ok({"member", "add", h2, "name=张一", "relation=head", "id_number=" + id});
  syncAll({&a, &b});
  auto open = conflicts(supervisor, "open");
  REQUIRE(open.size() == 1);
  CHECK(open[0]["kind"] == "duplicate_person");
  CHECK(open[0]["field"] == "id_number");
  // Nothing is dropped: both registrations exist until a supervisor merges them.
  syncAll({&a, &b});
  CHECK(a.digest() == b.digest());
}

TEST_CASE("a worker cannot push or pull another grid's households", "[e2e][scope]") {
  Community community;
  Device a = community.device("a", "wang"), z = community.device("z", "zhao");
  const std::string hh = a.ok(householdArgs("G01", "赵六"));
  REQUIRE(a.sync()["ok"] == true);
  // zhao (G02) pulls nothing of G01.
  REQUIRE(z.sync()["ok"] == true);
  CHECK(z.snapshot().empty());
  // zhao records a household in G01: refused with 403, nothing written, the value kept as a notice.
  z.ok(householdArgs("G01", "越界户"));
  Json refused = z.sync();
  CHECK(refused["rejected"].get<int>() > 0);
  CHECK(refused["applied"] == 0);
  auto notices = Json::parse(z.ok({"notices", "--json"}));
  REQUIRE_FALSE(notices.empty());
  CHECK(notices[0]["code"] == "out_of_scope");
  REQUIRE(a.sync()["ok"] == true);
  const Json snap = a.snapshot();
  for (const auto& [uuid, rec] : snap.items()) CHECK(uuid == hh);
  synccore::Database raw(community.dbPath(), synccore::Database::Mode::ReadOnly);
  auto st = raw.prepare("SELECT count(*) FROM records WHERE type='household'");
  st.step();
  CHECK(st.int64(0) == 1);
}
