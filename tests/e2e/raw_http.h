#pragma once
// Raw protocol requests for end-to-end tests that speak HTTP to the server without a device.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

namespace e2e {

/// Signs in as a harness user (password "password-<user>") and returns the token.
std::string signIn(httplib::Client& http, const std::string& user);
/// One valid household field change from device "dev1" (base version null).
nlohmann::json validChange(const std::string& record, const std::string& field, nlohmann::json value);
/// A changeset creating a valid household in a grid.
nlohmann::json newHousehold(const std::string& record, const std::string& grid = "G01");
/// Checks a refusal: the status, the code and both messages.
void expectRefusal(const httplib::Result& res, int status, const std::string& code);

}  // namespace e2e
