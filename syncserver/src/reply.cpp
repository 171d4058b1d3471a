#include "reply.h"

namespace syncserver {

Reply Reply::error(int status, const std::string& code, const std::string& en, const std::string& zh, Json extra) {
  Json body{{"code", code}, {"message", en}, {"message_zh", zh}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  return Reply{status, body};
}

Reply Reply::download(std::string contentType, std::string filename, std::string bytes) {
  Reply r;
  r.contentType = std::move(contentType);
  r.filename = std::move(filename);
  r.raw = std::move(bytes);
  return r;
}

Reply forbidden() {
  return Reply::error(403, "forbidden", "your role may not do this", "您的角色无权进行此操作");
}

Reply outOfScope(const std::string& grid) {
  return Reply::error(403, "out_of_scope", "grid " + grid + " is not in your community",
                      "网格 " + grid + " 不在您的负责范围内");
}

std::optional<Reply> checkMembers(const Json& body, std::initializer_list<const char*> allowed) {
  if (!body.is_object()) return Reply::error(400, "bad_request", "the body must be a JSON object", "请求须为 JSON 对象");
  for (const auto& [k, _] : body.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || k == a;
    if (!known) return Reply::error(400, "unknown_field", "unknown field " + k, "未知字段 " + k);
  }
  return std::nullopt;
}

std::optional<Reply> checkReason(const Json& body, const char* key, bool required) {
  if (!body.contains(key)) {
    if (!required) return std::nullopt;
  } else if (body[key].is_string() && !body[key].get<std::string>().empty() &&
             body[key].get<std::string>().size() <= 2000) {
    return std::nullopt;
  }
  return Reply::error(400, "reason_required", std::string(key) + " must be a text of 1 to 2000 bytes",
                      "请填写理由或说明(不超过2000字节)");
}

}  // namespace syncserver
