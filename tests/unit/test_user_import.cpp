// The administrator's accounts file (syncserver user import): what the reader takes and refuses, and the
// generated passwords' file (docs/accounts-import.md).
#include "temp_dir.h"
#include "admin_actions.h"
#include "user_import.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace syncserver;

namespace {

AccountFile read(const std::string& text) {
  std::istringstream in(text);
  return readAccountRows(in);
}

/// Every problem as "row: message".
std::vector<std::string> problemsOf(const AccountFile& file) {
  std::vector<std::string> out;
  for (const auto& p : file.problems) out.push_back(std::to_string(p.row) + ": " + p.message);
  return out;
}

}  // namespace

TEST_CASE("an accounts file from a spreadsheet: Chinese or English header and roles, any grid separators",
          "[import]") {
  // Saved by Excel as UTF-8 CSV: a BOM, CRLF, a note column, a quoted cell, a blank row.
  const AccountFile file = read(
      "\xEF\xBB\xBF" "角色,用户名,备注,网格\r\n"
      "网格员,wang,\"新来的,负责两栋\",\"G01、G02\"\r\n"
      "worker,li,,G03;G04 G03\r\n"
      ",,,\r\n"
      "网格长,zhou,社区,\r\n"
      "auditor,qian,,\r\n");
  INFO(problemsOf(file).size());
  REQUIRE(file.problems.empty());
  REQUIRE(file.rows.size() == 4);
  CHECK(file.rows[0].row == 2);
  CHECK(file.rows[0].name == "wang");
  CHECK(file.rows[0].role == Role::Worker);
  CHECK(file.rows[0].grids == std::vector<std::string>{"G01", "G02"});
  CHECK(file.rows[1].grids == std::vector<std::string>{"G03", "G04"});  // a code given twice counts once
  CHECK(file.rows[2].row == 5);  // the blank row is skipped, its number is not reused
  CHECK(file.rows[2].role == Role::Supervisor);
  CHECK(file.rows[2].grids.empty());
  CHECK(file.rows[3].role == Role::Auditor);
}

TEST_CASE("every problem of an accounts file is named with its row", "[import]") {
  SECTION("rows") {
    const AccountFile file = read("name,role,grids\nwang,worker,G01\nx,boss,G01\n,worker,G01\nwang,supervisor,\n");
    CHECK(problemsOf(file) == std::vector<std::string>{
                                  "3: unknown role \"boss\": worker, supervisor, auditor or admin / 角色须为 网格员、网格长、审计 或 管理员",
                                  "4: no user name / 缺少用户名",
                                  "5: user wang is in the file twice / 用户名在文件中重复"});
    REQUIRE(file.rows.size() == 1);  // only the first wang
  }
  SECTION("a missing column") {
    CHECK(problemsOf(read("name,role\nwang,worker\n")) ==
          std::vector<std::string>{"1: the header has no column grids / 表头缺少 网格 列"});
  }
  SECTION("not CSV: a quote never closed") {
    const AccountFile file = read("name,role,grids\n\"wang,worker,G01\n");
    REQUIRE(file.problems.size() == 1);
    CHECK(file.problems[0].row == 0);
    CHECK(file.problems[0].message.find("不是有效的 CSV 文件") != std::string::npos);
  }
  SECTION("no users, or too many") {
    CHECK(problemsOf(read("")) == std::vector<std::string>{"0: the file is empty / 文件为空"});
    CHECK(problemsOf(read("name,role,grids\n")) ==
          std::vector<std::string>{"0: the file lists no users / 文件中没有账号"});
    std::string many = "name,role,grids\n";
    for (size_t i = 0; i <= kMaxAccountRows; ++i) many += "u" + std::to_string(i) + ",worker,G01\n";
    REQUIRE(read(many).problems.size() == 1);
    CHECK(read(many).rows.empty());
  }
}

TEST_CASE("generated passwords are long, unambiguous and never the same", "[import]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string password = generatePassword();
    CHECK(password.size() == 12);
    CHECK(password.find_first_of("0O1lI") == std::string::npos);
    seen.insert(password);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("the passwords file is new, its owner's only, and reads back as an accounts file", "[import]") {
  TempDir dir;
  const std::string path = dir.file("passwords.csv");
  const std::vector<AccountRow> rows = {{2, "wang", Role::Worker, {"G01", "G02"}}, {3, "zhou", Role::Supervisor, {}}};
  writePasswordsFile(path, rows, {"aaaabbbbcccc", "ddddeeeeffff"});
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::ifstream in(path, std::ios::binary);
  const AccountFile back = readAccountRows(in);
  REQUIRE(back.problems.empty());
  REQUIRE(back.rows.size() == 2);
  CHECK(back.rows[0].grids == rows[0].grids);
  CHECK(back.rows[1].role == Role::Supervisor);
  // Never over an existing file (another import's passwords, or anything else).
  CHECK_THROWS_WITH(writePasswordsFile(path, rows, {"x", "y"}), Catch::Contains("already exists"));
  std::ifstream again(path, std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(again), {}).find("aaaabbbbcccc") != std::string::npos);
}

TEST_CASE("accounts added from a file are all added or, when one is refused at the last moment, none",
          "[import]") {
  TempDir dir;
  ServerState state(dir.file("server.db"));
  state.accounts().addUser("wang", Role::Worker, {"G01"}, "password-wang");
  const auto entries = state.audit().entries().size();
  // Checked before, but a user of the same name was added meanwhile (another administrator).
  const std::vector<AccountRow> rows = {{2, "ma01", Role::Worker, {"G05"}}, {3, "wang", Role::Worker, {"G01"}}};
  const auto hashes = hashPasswords({"aaaabbbbcccc", "ddddeeeeffff"}, [](size_t, size_t) {});
  CHECK_THROWS_AS(AdminActions(state, "admin-cli:test").addUsers(rows, hashes), AccountError);
  CHECK_FALSE(state.accounts().user("ma01"));
  CHECK(state.audit().entries().size() == entries);
  AdminActions(state, "admin-cli:test").addUsers({rows[0]}, {hashes[0]});
  CHECK(state.accounts().user("ma01"));
  CHECK(state.accounts().signIn("ma01", "aaaabbbbcccc", 60000, 0));
  CHECK(state.audit().verify().ok);
}
