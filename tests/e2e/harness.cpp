#include "harness.h"

#include "synccore/id_number.h"

#include <sstream>
#include <stdexcept>

namespace e2e {

namespace {
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}
}  // namespace

RunResult Device::ctl(std::vector<std::string> args, const std::string& input) const {
  args.insert(args.begin(), {SURVEYCTL, "--db", m_db});
  return run(args, input);
}

std::string Device::ok(std::vector<std::string> args, const std::string& input) const {
  auto r = ctl(args, input);
  if (r.exitCode != 0) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    throw std::runtime_error("surveyctl " + joined + "failed (" + std::to_string(r.exitCode) + "): " + r.err + r.out);
  }
  return trim(r.out);
}

Json Device::sync() const {
  auto r = ctl({"sync"});
  Json summary = Json::parse(trim(r.out).empty() ? "{}" : trim(r.out));
  summary["exit_code"] = r.exitCode;
  return summary;
}

Community::Community(std::vector<std::string> serverArgs) {
  const std::string db = dbPath();
  if (server({"init"}).exitCode != 0) throw std::runtime_error("syncserver init failed");
  const std::vector<std::vector<std::string>> users = {{"wang", "worker", "G01"}, {"li", "worker", "G01"},
                                                        {"zhao", "worker", "G02"}, {"sun", "supervisor", "G01"},
                                                        {"qian", "auditor", ""}};
  for (const auto& u : users) {
    std::vector<std::string> args{"user", "add", "--name", u[0], "--role", u[1]};
    if (!u[2].empty()) args.insert(args.end(), {"--grid", u[2]});
    auto r = server(args, "password-" + u[0] + "\n");
    if (r.exitCode != 0) throw std::runtime_error("user add failed: " + r.err);
  }
  m_server = std::make_unique<ServerProcess>(SYNCSERVER, db, serverArgs);
  m_server->start();
}

RunResult Community::server(std::vector<std::string> args, const std::string& input) const {
  // "--db" goes after the subcommand path (e.g. "user add --db F").
  size_t at = args.size() >= 2 && (args[0] == "user" || args[0] == "audit" || args[0] == "grid") ? 2 : 1;
  args.insert(args.begin() + static_cast<long>(at), {"--db", dbPath()});
  args.insert(args.begin(), SYNCSERVER);
  return run(args, input);
}

Device Community::device(const std::string& name, const std::string& user) {
  Device d(m_dir.file(name + ".db"));
  d.ok({"login", "--server", m_server->url(), "--user", user}, "password-" + user + "\n");
  return d;
}

std::vector<std::string> householdArgs(const std::string& grid, const std::string& head) {
  return {"household", "add", "grid=" + grid, "address=玉泉家园" + head + "号", "head_name=" + head,
          "residence_status=resident", "monitoring_category=none"};
}

std::string accountPassword(const std::string& table, const std::string& user) {
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string first, word, last;
    words >> first;
    while (words >> word) last = word;
    if (first == user) return last;
  }
  return "";
}

std::string idNumber(const std::string& birth, const std::string& seq) {
  const std::string first17 = "640121" + birth + seq;
  return first17 + synccore::idNumberCheckDigit(first17);
}

}  // namespace e2e
