// Supervisors and auditors end to end: decisions reach both workers, the return/fix/approve loop,
// a duplicate-person merge, dashboards with CSV/XLSX export, and the auditor's read-only log.
#include "harness.h"

#include <catch2/catch.hpp>
#include <zip.h>

#include <synccore/sqlite.h>

#include <fstream>
#include <sstream>

using namespace e2e;

namespace {

void syncAll(const std::vector<Device*>& devices) {
  for (auto* d : devices) REQUIRE(d->sync()["ok"] == true);
}

Json openConflicts(const Device& supervisor, const std::string& kind) {
  return Json::parse(supervisor.ok({"conflicts", "--json", "--status", "open", "--kind", kind}));
}

Json auditList(const Device& auditor, std::vector<std::string> filters) {
  filters.insert(filters.begin(), {"audit", "list", "--json"});
  return Json::parse(auditor.ok(filters))["entries"];
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// One member of a zip file, read with libzip; empty when missing.
std::string zipMember(const std::string& path, const std::string& name) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!archive) return {};
  std::string out;
  zip_stat_t st;
  if (zip_stat(archive, name.c_str(), 0, &st) == 0) {
    zip_file_t* f = zip_fopen(archive, name.c_str(), 0);
    out.resize(st.size);
    if (!f || zip_fread(f, out.data(), st.size) != static_cast<zip_int64_t>(st.size)) out.clear();
    if (f) zip_fclose(f);
  }
  zip_close(archive);
  return out;
}

}  // namespace

TEST_CASE("two workers conflict, the supervisor decides, both receive the decided value", "[e2e][review]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li");
  Device sup = community.device("sup", "sun"), auditor = community.device("aud", "qian");
  const std::string hh = a.ok(householdArgs("G01", "王五"));
  const std::string member = a.ok({"member", "add", hh, "name=王五", "relation=head",
                                   "id_number=" + idNumber("19700101", "011")});
  syncAll({&a, &b});
  a.ok({"household", "set", hh, "address=甲地址"});
  b.ok({"household", "set", hh, "address=乙地址"});
  a.ok({"member", "delete", member});
  b.ok({"member", "set", member, "phone=13900000009"});
  syncAll({&a, &b});

  // The inbox shows base and both sides with who, device and time; filters narrow it.
  Json edits = openConflicts(sup, "concurrent_edit");
  REQUIRE(edits.size() == 1);
  const Json& c = edits[0];
  CHECK(c["base_value"] == "玉泉家园王五号");
  CHECK(c["server"]["value"] == "甲地址");
  CHECK(c["server"]["user"] == "wang");
  CHECK(c["incoming"]["value"] == "乙地址");
  CHECK(c["incoming"]["user"] == "li");
  CHECK_FALSE(c["incoming"]["device"].get<std::string>().empty());
  CHECK(c["server"]["time"].get<std::string>().size() == 24);
  CHECK(c["age_days"] == 0);
  CHECK(Json::parse(sup.ok({"conflicts", "--json", "--household", hh, "--field", "address"})).size() == 1);
  const Json phone = Json::parse(sup.ok({"conflicts", "--json", "--field", "phone"}));
  REQUIRE(phone.size() == 1);
  CHECK(phone[0]["kind"] == "edit_vs_delete");
  CHECK(Json::parse(sup.ok({"conflicts", "--json", "--field", "phone", "--kind", "concurrent_edit"})).empty());
  CHECK(Json::parse(sup.ok({"conflicts", "--json", "--older-than-days", "1"})).empty());
  CHECK(Json::parse(sup.ok({"conflicts", "--json", "--grid", "G01"})).size() == 2);

  // A worker cannot decide: refused by the server, nothing changes.
  auto refused = a.ctl({"resolve", c["id"], "--take", "local", "--reason", "我说了算"});
  CHECK(refused.exitCode == 1);
  CHECK(openConflicts(sup, "concurrent_edit").size() == 1);

  sup.ok({"resolve", c["id"], "--take", "remote", "--reason", "电话核实为乙地址"});
  // The member deleted on one tablet and edited on another: the supervisor restores it.
  Json deletes = openConflicts(sup, "edit_vs_delete");
  REQUIRE(deletes.size() == 1);
  sup.ok({"resolve", deletes[0]["id"], "--take", "restore", "--reason", "该成员仍在户"});
  syncAll({&a, &b});
  for (Device* d : {&a, &b}) {
    const Json snap = d->snapshot();
    CHECK(snap[hh]["fields"]["address"] == "乙地址");
    CHECK(snap[member]["deleted"] == false);
    CHECK(snap[member]["fields"]["phone"] == "13900000009");
  }
  CHECK(a.digest() == b.digest());

  // The log holds each conflict and its decision; the auditor reads the whole history of one.
  const Json history = Json::parse(auditor.ok({"audit", "list", "--json", "--conflict", c["id"]}));
  REQUIRE(history["entries"].size() == 2);
  CHECK(history["entries"][0]["kind"] == "conflict");
  CHECK(history["entries"][1]["kind"] == "decision");
  CHECK(history["entries"][1]["body"]["decision"]["take"] == "incoming");
  CHECK(history["entries"][1]["body"]["decision"]["reason"] == "电话核实为乙地址");
  CHECK(history["entries"][1]["actor"] == "sun");
  CHECK(history["verification"]["ok"] == true);
  CHECK(auditList(auditor, {"--decision", "restore"}).size() == 1);
  CHECK(auditList(auditor, {"--user", "li", "--kind", "conflict"}).size() == 2);
  CHECK(auditList(auditor, {"--field", "address"}).size() == 2);
  CHECK(auditList(auditor, {"--grid", "G02"}).empty());
  // The auditor reads but cannot decide.
  auto second = Json::parse(sup.ok({"conflicts", "--json", "--status", "resolved"}));
  CHECK(second.size() == 2);
  CHECK(auditor.ctl({"resolve", c["id"], "--take", "local", "--reason", "x"}).exitCode == 1);
  CHECK(auditor.ctl({"return", hh, "--comment", "address=x"}).exitCode == 1);
  CHECK(Json::parse(auditor.ok({"audit", "verify", "--json"}))["verification"]["ok"] == true);
  auditor.ok({"audit", "export", "--format", "csv", "--out", community.file("audit.csv")});
  const std::string csv = readFile(community.file("audit.csv"));
  CHECK(csv.rfind("\xEF\xBB\xBFseq,", 0) == 0);
  CHECK(csv.find("电话核实为乙地址") != std::string::npos);
  CHECK(community.server({"audit", "verify"}).exitCode == 0);
  // The server operator's export takes the same filters as the auditors' (syncserver audit export).
  REQUIRE(community.server({"audit", "export", "--format", "json", "--out", community.file("all.json")}).exitCode == 0);
  REQUIRE(community.server({"audit", "export", "--format", "json", "--decision", "incoming", "--field", "address",
                            "--out", community.file("incoming.json")}).exitCode == 0);
  const Json all = Json::parse(readFile(community.file("all.json")));
  const Json incoming = Json::parse(readFile(community.file("incoming.json")));
  CHECK(all["entries"].size() > incoming["entries"].size());
  REQUIRE(incoming["entries"].size() == 1);
  CHECK(incoming["entries"][0]["body"]["decision"]["reason"] == "电话核实为乙地址");
  CHECK(incoming["verification"]["ok"] == true);
  const auto decisions = community.server({"audit", "export", "--format", "csv", "--kind", "decision"});
  REQUIRE(decisions.exitCode == 0);
  CHECK(decisions.out.find("电话核实为乙地址") != std::string::npos);
  CHECK(csv.find(",conflict,") != std::string::npos);  // the whole log holds conflict entries ...
  CHECK(decisions.out.find(",conflict,") == std::string::npos);  // ... the filtered one none
  CHECK(community.server({"audit", "export", "--format", "csv", "--colour", "red"}).exitCode != 0);
}

TEST_CASE("return to worker, fix, resubmit, approve: the loop and its history", "[e2e][review]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li"), z = community.device("z", "zhao");
  Device sup = community.device("sup", "sun");
  const std::string hh = a.ok(householdArgs("G01", "刘一"));
  const std::string person = a.ok({"member", "add", hh, "name=刘一", "relation=head",
                                   "id_number=" + idNumber("19700101", "011")});
  syncAll({&a, &b, &z});

  // Bad input changes nothing: an unknown field, a comment without text.
  CHECK(sup.ctl({"return", hh, "--comment", "no_such_field=x"}).exitCode == 1);
  CHECK(sup.ctl({"return", hh, "--comment", "address="}).exitCode == 1);
  CHECK(Json::parse(sup.ok({"review", hh, "--json"}))["review"]["state"] == "none");
  // Approving before any resubmission is refused.
  CHECK(sup.ctl({"approve", hh}).exitCode == 1);

  sup.ok({"return", hh, "--comment", "address=门牌号与实际不符", "--comment", person + ".phone=请补充联系电话",
          "--note", "请本周内核实"});
  CHECK(sup.ctl({"return", hh, "--comment", "address=再次"}).exitCode == 1);  // already returned
  syncAll({&a, &b, &z});

  // Both G01 tablets know the household is returned, with the comments; G02 knows nothing.
  for (Device* d : {&a, &b}) {
    const Json reviews = Json::parse(d->ok({"reviews", "--json"}));
    REQUIRE(reviews.size() == 1);
    CHECK(reviews[0]["state"] == "returned");
    CHECK(reviews[0]["comments"].size() == 2);
    CHECK(reviews[0]["comments"][0]["field"] == "address");
    CHECK(reviews[0]["comments"][1]["record"] == person);
    CHECK(reviews[0]["worker"] == "wang");
    CHECK(Json::parse(d->ok({"list", "--json"}))[0]["review_state"] == "returned");
  }
  CHECK(Json::parse(z.ok({"reviews", "--json"})).empty());

  // A household that is not returned cannot be resubmitted; a supervisor cannot resubmit.
  CHECK(a.ctl({"resubmit", "00000000-0000-0000-0000-000000000000"}).exitCode == 1);
  a.ok({"household", "set", hh, "address=玉泉家园3号楼302"});
  a.ok({"member", "set", person, "phone=13900000001"});
  a.ok({"resubmit", hh, "--note", "已改正"});
  CHECK(Json::parse(a.ok({"reviews", "--json"}))[0]["resubmit_pending"] == true);
  Json summary = a.sync();
  CHECK(summary["ok"] == true);
  CHECK(summary["resubmitted"] == 1);
  CHECK(Json::parse(a.ok({"reviews", "--json"}))[0]["state"] == "resubmitted");
  CHECK(Json::parse(a.ok({"reviews", "--json"}))[0]["resubmit_pending"] == false);

  sup.ok({"approve", hh, "--note", "核实无误"});
  syncAll({&a, &b});
  for (Device* d : {&a, &b}) {
    CHECK(Json::parse(d->ok({"reviews", "--json"}))[0]["state"] == "approved");
    CHECK(d->snapshot()[hh]["fields"]["address"] == "玉泉家园3号楼302");
  }

  // The history keeps every step with who, when and why; the audit log has each step too.
  const Json review = Json::parse(sup.ok({"review", hh, "--json"}));
  CHECK(review["review"]["state"] == "approved");
  const Json& steps = review["history"];
  REQUIRE(steps.size() == 3);
  CHECK(steps[0]["action"] == "return");
  CHECK(steps[0]["by"] == "sun");
  CHECK(steps[0]["comments"].size() == 2);
  CHECK(steps[1]["action"] == "resubmit");
  CHECK(steps[1]["by"] == "wang");
  CHECK(steps[1]["note"] == "已改正");
  CHECK(steps[2]["action"] == "approve");
  synccore::Database raw(community.dbPath(), synccore::Database::Mode::ReadOnly);
  auto st = raw.prepare("SELECT group_concat(kind || ':' || actor) FROM (SELECT kind, actor FROM audit_log"
                        " WHERE record_uuid=? ORDER BY seq)");
  st.bind(1, hh);
  REQUIRE(st.step());
  CHECK(st.text(0) == "return:sun,resubmit:wang,approve:sun");
  CHECK(community.server({"audit", "verify"}).exitCode == 0);

  // The loop can start again after an approval.
  sup.ok({"return", hh, "--comment", "address=楼号写错"});
  REQUIRE(a.sync()["ok"] == true);
  CHECK(Json::parse(a.ok({"reviews", "--json"}))[0]["state"] == "returned");
}

TEST_CASE("duplicate persons are merged into one record, nothing dropped", "[e2e][review]") {
  Community community;
  Device a = community.device("a", "wang"), b = community.device("b", "li");
  Device sup = community.device("sup", "sun");
  const std::string id = idNumber("19800808", "051");
  const std::string h1 = a.ok(householdArgs("G01", "张一"));
  const std::string p1 = a.ok({"member", "add", h1, "name=张一", "relation=head", "id_number=" + id});
  syncAll({&a});
  const std::string h2 = b.ok(householdArgs("G01", "张一(重复)"));
  const std::string p2 = b.ok({"member", "add", h2, "name=张一", "relation=head", "id_number=" + id,
                               "phone=13900000005", "ethnicity=hui"});
  const std::string child = b.ok({"member", "add", h2, "name=张小", "relation=child",
                                  "id_number=" + idNumber("20100101", "022")});
  b.ok({"visit", "add", h2, "visit_date=2026-11-02", "kind=registration", "notes=重复登记的走访"});
  syncAll({&b, &a});

  Json dups = openConflicts(sup, "duplicate_person");
  REQUIRE(dups.size() == 1);
  CHECK(dups[0]["record"] == p2);
  CHECK(dups[0]["server"]["person"] == p1);
  // resolve is not the way for duplicates; merge needs one of the two persons.
  CHECK(sup.ctl({"resolve", dups[0]["id"], "--take", "local", "--reason", "x"}).exitCode == 1);
  CHECK(sup.ctl({"merge", dups[0]["id"], "--keep", h1, "--reason", "x"}).exitCode == 1);
  CHECK(a.ctl({"merge", dups[0]["id"], "--keep", "local", "--reason", "x"}).exitCode == 1);  // worker

  // A value the supervisor chooses for the kept person is validated and written with the merge.
  CHECK(sup.ctl({"merge", dups[0]["id"], "--keep", "local", "--reason", "x", "--set", "ethnicity=martian"}).exitCode ==
        1);
  const Json merged = Json::parse(sup.ok({"merge", dups[0]["id"], "--keep", "local", "--reason", "同一人重复登记",
                                          "--merge-households", "--set", "ethnicity=han", "--json"}));
  const Json& decision = merged["conflict"]["decision"];
  CHECK(merged["conflict"]["status"] == "resolved");
  CHECK(decision["kept"] == p1);
  CHECK(decision["duplicate"] == p2);
  CHECK(decision["moved_members"].size() == 1);
  CHECK(decision["copied_visits"].size() == 1);
  CHECK(decision["deleted_household"] == h2);
  syncAll({&a, &b});
  CHECK(a.digest() == b.digest());

  const Json snap = a.snapshot();
  CHECK(snap[p1]["deleted"] == false);
  CHECK(snap[p1]["fields"]["phone"] == "13900000005");  // filled from the duplicate
  CHECK(snap[p1]["fields"]["ethnicity"] == "han");  // chosen in the merge
  CHECK(snap[p2]["deleted"] == true);
  CHECK(snap[h2]["deleted"] == true);
  CHECK(snap[child]["deleted"] == true);
  // The child moved: a live copy in the kept household with the same ID number; the visit too.
  const std::string movedChild = decision["moved_members"][0]["to"];
  CHECK(snap[movedChild]["deleted"] == false);
  CHECK(snap[movedChild]["fields"]["name"] == "张小");
  CHECK(snap[movedChild]["fields"]["relation"] == "child");
  const Json file = Json::parse(a.ok({"show", h1, "--json"}));
  CHECK(file["members"].size() == 2);
  REQUIRE(file["visits"].size() == 1);
  CHECK(file["visits"][0]["fields"]["notes"] == "重复登记的走访");
  CHECK(Json::parse(sup.ok({"conflicts", "--json", "--status", "open"})).empty());
  CHECK(community.server({"audit", "verify"}).exitCode == 0);
}

TEST_CASE("dashboards per grid and community, exported as CSV and XLSX", "[e2e][review][dashboard]") {
  Community community;
  Device a = community.device("a", "wang"), z = community.device("z", "zhao");
  Device sup = community.device("sup", "sun");
  REQUIRE(community.server({"user", "add", "--name", "chen", "--role", "supervisor"}, "password-chen\n").exitCode == 0);
  Device all = community.device("all", "chen");  // a supervisor of every grid

  // G01: three households. h1 monitored, visited this month, one worker in stable work.
  // h2 monitored, last visited two months ago (overdue). h3 not monitored, only minors.
  auto monitored = householdArgs("G01", "甲");
  monitored.back() = "monitoring_category=marginal";
  const std::string h1 = a.ok(monitored);
  a.ok({"member", "add", h1, "name=甲", "relation=head", "id_number=" + idNumber("19800101", "011"),
        "labour_capacity=full", "employment_status=local", "months_worked=8"});
  a.ok({"member", "add", h1, "name=甲妻", "relation=spouse", "id_number=" + idNumber("19820101", "022"),
        "labour_capacity=full", "employment_status=not_working"});
  a.ok({"visit", "add", h1, "visit_date=2026-11-03", "kind=revisit", "next_visit_due=2026-12-03"});
  monitored[3] = "address=玉泉家园乙号";
  monitored[4] = "head_name=乙";
  const std::string h2 = a.ok(monitored);
  a.ok({"member", "add", h2, "name=乙", "relation=head", "id_number=" + idNumber("19600101", "031"),
        "labour_capacity=weak", "employment_status=flexible", "months_worked=3"});
  a.ok({"visit", "add", h2, "visit_date=2026-09-10", "kind=revisit"});
  const std::string h3 = a.ok(householdArgs("G01", "丙"));
  a.ok({"member", "add", h3, "name=丙", "relation=head", "id_number=" + idNumber("19500101", "041"),
        "labour_capacity=lost"});
  const std::string g2 = z.ok(householdArgs("G02", "丁"));
  syncAll({&a, &z});

  const Json d = Json::parse(sup.ok({"dashboard", "--date", "2026-11-20", "--json"}));
  REQUIRE(d["grids"].size() == 1);  // sun's community is G01
  const Json& g = d["grids"][0];
  CHECK(g["grid"] == "G01");
  CHECK(g["households"] == 3);
  CHECK(g["people"] == 4);
  CHECK(g["visited_this_month"] == 1);
  CHECK(g["visited_this_month_pct"] == 33.3);
  CHECK(g["monitored"] == 2);
  CHECK(g["monitored_overdue"] == 1);
  CHECK(g["labour_households"] == 2);
  CHECK(g["stable_work_households"] == 1);
  CHECK(g["stable_work_pct"] == 50.0);
  CHECK(g["open_conflicts"] == 0);
  // After the next-visit date h1 is overdue too.
  CHECK(Json::parse(sup.ok({"dashboard", "--date", "2026-12-05", "--json"}))["grids"][0]["monitored_overdue"] == 2);

  const Json everything = Json::parse(all.ok({"dashboard", "--date", "2026-11-20", "--json"}));
  CHECK(everything["grids"].size() == 2);
  CHECK(everything["community"]["households"] == 4);
  CHECK(everything["community"]["grid"] == "*");
  CHECK(sup.ctl({"dashboard", "--grid", "G02"}).exitCode == 1);
  CHECK(a.ctl({"dashboard"}).exitCode == 1);

  sup.ok({"dashboard", "--date", "2026-11-20", "--format", "csv", "--out", community.file("d.csv")});
  const std::string csv = readFile(community.file("d.csv"));
  CHECK(csv.rfind("\xEF\xBB\xBF网格 grid,网格名称 grid_name,户数 households", 0) == 0);
  CHECK(csv.find("\r\nG01,G01,3,4,1,33.3,2,1,2,1,50.0,0\r\n") != std::string::npos);  // unnamed: its code
  CHECK(csv.find("合计 total,合计,3,4") != std::string::npos);

  sup.ok({"dashboard", "--date", "2026-11-20", "--format", "xlsx", "--out", community.file("d.xlsx")});
  const std::string sheet = zipMember(community.file("d.xlsx"), "xl/worksheets/sheet1.xml");
  CHECK(sheet.find("<t xml:space=\"preserve\">G01</t>") != std::string::npos);
  CHECK(sheet.find("<v>33.3</v>") != std::string::npos);
  CHECK(zipMember(community.file("d.xlsx"), "[Content_Types].xml").find("spreadsheetml") != std::string::npos);
  CHECK_FALSE(zipMember(community.file("d.xlsx"), "xl/workbook.xml").empty());
  (void)g2;
}
