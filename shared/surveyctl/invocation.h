#pragma once
// What every surveyctl command shares: options, the opened device file, the signed-in server.
#include "commands.h"
#include "synccore/device_store.h"
#include "synccore/http_client.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace surveyctl {

using synccore::Json;

/// Thrown for arguments that cannot be understood (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Turns key=value arguments into typed values for one record type.
synccore::RecordValues parseAssignments(const synccore::RecordTypeDef& def, const std::vector<std::string>& args,
                                        std::vector<synccore::ValidationFailure>& failures);

/// Shared state of one invocation: options and the opened store.
struct Invocation {
  Invocation(std::ostream& o, std::ostream& e) : out(o), err(e) {}
  std::string dbPath;
  bool json = false;
  int64_t clockOffsetMs = 0;  // this device's clock against the system's, as on a tablet with a wrong date
  std::ostream& out;
  std::ostream& err;

  synccore::DeviceStore& store() {
    if (dbPath.empty()) throw UsageError("--db FILE is required for this command / 需要 --db 指定数据文件");
    if (!m_store) {
      synccore::DeviceStore::Options options;
      if (clockOffsetMs != 0) options.wallClock = synccore::HybridClock::offsetWall(clockOffsetMs);
      m_store = std::make_unique<synccore::DeviceStore>(dbPath, synccore::SurveyDefinition::builtin(), options);
    }
    return *m_store;
  }

  int reportFailures(const std::vector<synccore::ValidationFailure>& failures) {
    if (json) {
      Json list = Json::array();
      for (const auto& f : failures) list.push_back(f.toJson());
      err << Json{{"error", "invalid"}, {"failures", list}}.dump(2) << "\n";
    } else {
      err << "未保存,数据有误 / Not saved, the data is invalid:\n";
      for (const auto& f : failures) err << "  " << f.describe() << "\n";
    }
    return kInvalid;
  }

  int write(synccore::RecordWrite w, const std::vector<std::string>& assignments, bool printUuid) {
    std::vector<synccore::ValidationFailure> failures;
    w.values = parseAssignments(store().definition().requireRecord(w.type), assignments, failures);
    if (!failures.empty()) return reportFailures(failures);
    if (w.type == "person") fillFromIdNumber(w.values, synccore::CivilDate::today());
    synccore::SaveResult result = store().save({w});
    if (!result.ok()) return reportFailures(result.failures);
    if (json) out << Json{{"uuid", result.uuids.front()}, {"changed_fields", result.changedFields}}.dump() << "\n";
    else if (printUuid) out << result.uuids.front() << "\n";
    else out << "已保存 / saved: " << result.changedFields << " field(s) changed\n";
    return kOk;
  }

 private:
  std::unique_ptr<synccore::DeviceStore> m_store;
};

/// Transport settings for the device's server (its stored CA file unless one is given).
synccore::HttpOptions httpOptions(synccore::DeviceStore& store, const std::string& caFile);
/// A client for the signed-in server of the device, or nullopt after saying why not.
std::optional<synccore::HttpClient> signedInClient(Invocation& inv);

/// Adds the review commands: conflicts, resolve, merge, return, approve, resubmit, reviews,
/// review, dashboard, audit (shared/surveyctl/supervisor_commands.cpp).
void addSupervisorCommands(CLI::App& app, Invocation& inv, std::function<int()>& action);

}  // namespace surveyctl
