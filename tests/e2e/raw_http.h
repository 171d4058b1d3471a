#pragma once
// Raw protocol requests for end-to-end tests that speak HTTP to the server without a device.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <synccore/changeset.h>
#include <synccore/hlc.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace e2e {

/// Signs in as a harness user (password "password-<user>") and returns the token.
std::string signIn(httplib::Client& http, const std::string& user);
/// One valid household field change from device "dev1" (base version null).
nlohmann::json validChange(const std::string& record, const std::string& field, nlohmann::json value);
/// A changeset creating a valid household in a grid.
nlohmann::json newHousehold(const std::string& record, const std::string& grid = "G01");
/// Checks a refusal: the status, the code and both messages.
void expectRefusal(const httplib::Result& res, int status, const std::string& code);
/// The JSON body of a 200 answer (the test stops, showing the body, on anything else).
nlohmann::json answerOf(const httplib::Result& res);
/// Row counts of everything a request could have written (records, fields, change_log, applied_changes,
/// changesets, conflicts, audit_log): a refused request must leave them as they were.
std::vector<int64_t> rowCounts(const std::string& serverDb);
/// The integer a query of the server's database gives (read-only), e.g. a count.
int64_t serverCount(const std::string& serverDb, const std::string& sql);

/// HLC stamps of device "dev2", one after another from the wall clock when made.
struct Stamps {
  int64_t wall = synccore::HybridClock::systemWallMs();
  uint32_t counter = 0;
  std::string next() { return synccore::Hlc{wall, counter++, "dev2"}.toString(); }
};
/// A household field change as device "dev2" stamps it (change id derived from stamp, record, field).
synccore::Change stampedChange(const std::string& record, const std::string& field, nlohmann::json value,
                               const std::string& hlc, std::optional<std::string> base = std::nullopt);
/// A changeset of device "dev2" creating a household in `grid` at `address`, one stamp per change.
synccore::Changeset stampedHousehold(const std::string& record, const std::string& grid, const std::string& address,
                                     Stamps& stamps);

}  // namespace e2e
