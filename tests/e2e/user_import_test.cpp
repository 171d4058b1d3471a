// `syncserver user import` against a real server: a county's accounts from one spreadsheet file, each
// with a generated password that signs in at once; a file with any bad row adds no one.
#include "harness.h"
#include "raw_http.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <iterator>

using namespace e2e;

namespace {

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// The password column of a user's row in the passwords file.
std::string passwordOf(const std::string& file, const std::string& user) {
  std::istringstream lines(file);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(user + ",", 0) == 0) return line.substr(line.rfind(',') + 1);
  }
  return "";
}

}  // namespace

TEST_CASE("an administrator adds a community's accounts from one file", "[e2e][admin][import]") {
  Community community;  // wang, li, zhao, sun, qian exist already
  httplib::Client http("127.0.0.1", community.process().port());
  const std::string accounts = community.file("accounts.csv"), passwords = community.file("passwords.csv");

  SECTION("every row good: all added, each signs in with the password handed over, the log says who added whom") {
    writeFile(accounts, "\xEF\xBB\xBF用户名,角色,网格\r\nma01,网格员,\"G05、G06\"\r\nma02,worker,G07\r\nzhu,网格长,G05 G06 G07\r\n");
    const RunResult imported = community.server({"user", "import", "--file", accounts, "--passwords-out", passwords});
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);
    CHECK(imported.out.find("已导入 3 个账号") != std::string::npos);
    CHECK(imported.err.find("generating passwords 3/3") != std::string::npos);  // progress
    struct stat st {};
    REQUIRE(::stat(passwords.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const std::string handed = readFile(passwords);
    for (const std::string user : {"ma01", "ma02", "zhu"}) {
      const std::string password = passwordOf(handed, user);
      REQUIRE(password.size() == 12);
      CHECK(imported.out.find(password) == std::string::npos);  // only in the file
      CHECK(imported.err.find(password) == std::string::npos);
      auto res = http.Post("/v1/session", Json{{"user", user}, {"password", password}}.dump(), "application/json");
      REQUIRE(res);
      REQUIRE(res->status == 200);
      if (user == "ma01") CHECK(Json::parse(res->body)["grids"] == Json{"G05", "G06"});
      if (user == "zhu") CHECK(Json::parse(res->body)["role"] == "supervisor");
    }
    auto log = http.Get("/v1/audit?kind=user", httplib::Headers{{"Authorization", "Bearer " + signIn(http, "qian")}});
    REQUIRE(log);
    const Json entries = Json::parse(log->body)["entries"];
    REQUIRE(entries.size() == 8);  // the community's five, then the file's three
    CHECK(entries[5]["body"] ==
          Json{{"action", "add"}, {"user", "ma01"}, {"role", "worker"}, {"grids", {"G05", "G06"}}, {"via", "import"}});
    CHECK(Json::parse(log->body)["verification"]["ok"] == true);
    CHECK(log->body.find(passwordOf(handed, "ma01")) == std::string::npos);
  }

  SECTION("one bad row: every problem named by row, no one added, no passwords file") {
    const auto before = rowCounts(community.dbPath());
    const int64_t users = serverCount(community.dbPath(), "SELECT count(*) FROM users");
    writeFile(accounts, "name,role,grids\nma01,worker,G05\nwang,worker,G01\nma 02,worker,G05\nma03,boss,G05\n");
    const RunResult refused = community.server({"user", "import", "--file", accounts, "--passwords-out", passwords});
    CHECK(refused.exitCode == 1);
    CHECK(refused.err.find("第 3 行 / row 3: user wang already exists") != std::string::npos);
    CHECK(refused.err.find("第 4 行 / row 4: a user name is") != std::string::npos);
    CHECK(refused.err.find("第 5 行 / row 5: unknown role \"boss\"") != std::string::npos);
    CHECK(refused.err.find("没有添加任何账号") != std::string::npos);
    CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM users") == users);
    CHECK(rowCounts(community.dbPath()) == before);
    CHECK(::access(passwords.c_str(), F_OK) != 0);
    auto res = http.Post("/v1/session", Json{{"user", "ma01"}, {"password", "anything1"}}.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 401);
  }

  SECTION("a passwords file already there is not overwritten and no one is added") {
    writeFile(passwords, "the last import's passwords\n");
    writeFile(accounts, "name,role,grids\nma01,worker,G05\n");
    const RunResult refused = community.server({"user", "import", "--file", accounts, "--passwords-out", passwords});
    CHECK(refused.exitCode == 1);
    CHECK(refused.err.find("文件已存在,不会覆盖") != std::string::npos);
    CHECK(readFile(passwords) == "the last import's passwords\n");
    CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM users WHERE name='ma01'") == 0);
  }
}
