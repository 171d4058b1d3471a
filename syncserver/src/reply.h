#pragma once
// What a service answers to one request: an HTTP status and a JSON body (or a file to download).
#include "synccore/survey_definition.h"

#include <initializer_list>
#include <optional>
#include <string>

namespace syncserver {

using synccore::Json;

/// A reply: HTTP status and JSON body. Errors have {code, message, message_zh}. A download
/// (CSV, XLSX) sets contentType and raw instead of body.
struct Reply {
  Reply() = default;
  Reply(int status, Json body) : status(status), body(std::move(body)) {}
  int status = 200;
  Json body;
  std::string contentType;  // empty: the body is JSON
  std::string raw;          // the download's bytes
  std::string filename;     // suggested file name of a download
  static Reply error(int status, const std::string& code, const std::string& messageEn,
                     const std::string& messageZh, Json extra = Json::object());
  static Reply download(std::string contentType, std::string filename, std::string bytes);
};

/// 403 forbidden: the caller's role may not use the endpoint.
Reply forbidden();
/// 403 out_of_scope: the grid is not in the caller's community or grids.
Reply outOfScope(const std::string& grid);
/// 400 for a body that is not a JSON object, or has a member other than the allowed ones.
std::optional<Reply> checkMembers(const Json& body, std::initializer_list<const char*> allowed);
/// A required reason text (1..2000 bytes) or the 400 reply saying so.
std::optional<Reply> checkReason(const Json& body, const char* key = "reason", bool required = true);

}  // namespace syncserver
