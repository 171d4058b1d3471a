#pragma once
// A community for end-to-end tests: a real syncserver process and surveyctl devices.
#include "../unit/temp_dir.h"
#include "processes.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace e2e {

using Json = nlohmann::json;

/// One headless tablet: a device file driven through the surveyctl binary.
class Device {
 public:
  Device(std::string db) : m_db(std::move(db)) {}
  RunResult ctl(std::vector<std::string> args, const std::string& input = "") const;
  /// Runs a command that must succeed and returns its trimmed standard output.
  std::string ok(std::vector<std::string> args, const std::string& input = "") const;
  Json sync() const;
  std::string digest() const { return ok({"snapshot", "--digest"}); }
  Json snapshot() const { return Json::parse(ok({"snapshot"})); }
  const std::string& db() const { return m_db; }

 private:
  std::string m_db;
};

/// A server with users: wang and li (workers, G01), zhao (worker, G02), sun (supervisor), qian (auditor).
class Community {
 public:
  explicit Community(std::vector<std::string> serverArgs = {});
  /// A device signed in as the user.
  Device device(const std::string& name, const std::string& user);
  RunResult server(std::vector<std::string> args, const std::string& input = "") const;
  ServerProcess& process() { return *m_server; }
  std::string dbPath() const { return m_dir.file("server.db"); }
  std::string file(const std::string& name) const { return m_dir.file(name); }

 private:
  TempDir m_dir;
  std::unique_ptr<ServerProcess> m_server;
};

/// Fields of a valid new household in a grid.
std::vector<std::string> householdArgs(const std::string& grid, const std::string& head);
/// A user's password in the accounts table `syncserver demo` prints and keeps: the last column of the
/// row that starts with the user's name ("" when there is none).
std::string accountPassword(const std::string& table, const std::string& user);
/// A valid ID number for birth date YYYYMMDD and 3-digit sequence (odd last digit = male).
std::string idNumber(const std::string& birth, const std::string& seq);

}  // namespace e2e
