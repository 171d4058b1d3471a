#pragma once
// Raw protocol requests for end-to-end tests that speak HTTP to the server without a device.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstdint>
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
/// Row counts of the server's records, fields, change_log, applied_changes, changesets and conflicts:
/// a refused request must leave them as they were.
std::vector<int64_t> rowCounts(const std::string& serverDb);

}  // namespace e2e
