#include "synccore/changeset.h"

#include "synccore/crypto_algorithms.h"
#include "synccore/field_cipher.h"
#include "synccore/hlc.h"
#include "synccore/random_id.h"
#include "wire_checks.h"

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>

namespace synccore {

namespace {

using wire::member;
using wire::onlyKeys;
using wire::uuidAt;

std::string hlcAt(const Json& v, const std::string& path) {
  if (!v.is_string() || !Hlc::parse(v.get<std::string>())) throw WireError(path + " must be an HLC stamp string");
  return v;
}

/// SHA-256 over length-prefixed parts, so no two different sequences of parts hash the same bytes.
class Sha256 {
 public:
  Sha256() : m_ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!m_ctx || EVP_DigestInit_ex(m_ctx.get(), sha256Algorithm(), nullptr) != 1)
      throw std::runtime_error("SHA-256 unavailable");
  }
  void part(std::string_view text) {
    const uint64_t size = text.size();
    EVP_DigestUpdate(m_ctx.get(), &size, sizeof size);
    EVP_DigestUpdate(m_ctx.get(), text.data(), text.size());
  }
  unsigned int finish(unsigned char* out) {
    unsigned int size = 0;
    EVP_DigestFinal_ex(m_ctx.get(), out, &size);
    return size;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_ctx;
};

}  // namespace

Json Change::toJson() const {
  return Json{{"change_id", changeId},
              {"record_type", recordType},
              {"record", record},
              {"parent", parent.empty() ? Json() : Json(parent)},
              {"field", field},
              {"value", value},
              {"base_version", baseVersion ? Json(*baseVersion) : Json()},
              {"hlc", hlc}};
}

Json Changeset::toJson() const {
  Json list = Json::array();
  for (const auto& c : changes) list.push_back(c.toJson());
  Json out{{"id", id}, {"device", device}, {"changes", list}};
  if (!after.empty()) out["after"] = after;
  return out;
}

std::string Changeset::digest() const {
  Sha256 sha;
  sha.part(device);
  for (const auto& c : changes) {
    sha.part(c.changeId);
    sha.part(c.recordType);
    sha.part(c.record);
    sha.part(c.parent);
    sha.part(c.field);
    sha.part(c.value.dump());
    sha.part(c.baseVersion ? "v" + *c.baseVersion : "-");
    sha.part(c.hlc);
  }
  unsigned char d[EVP_MAX_MD_SIZE];
  const unsigned int size = sha.finish(d);
  return toHex(d, size);
}

std::string changeIdFor(const std::string& hlc, const std::string& record, const std::string& field) {
  Sha256 sha;
  sha.part("anju/change-id/1");
  sha.part(hlc);
  sha.part(record);
  sha.part(field);
  unsigned char d[EVP_MAX_MD_SIZE];
  sha.finish(d);
  const auto stamp = Hlc::parse(hlc);
  return derivedUuid(stamp && stamp->wallMs > 0 ? static_cast<uint64_t>(stamp->wallMs) : 0, d);
}

std::string_view outcomeName(ChangeOutcome outcome) {
  switch (outcome) {
    case ChangeOutcome::Applied: return "applied";
    case ChangeOutcome::Duplicate: return "duplicate";
    case ChangeOutcome::Conflict: return "conflict";
    case ChangeOutcome::Rejected: return "rejected";
  }
  return "rejected";
}

std::optional<ChangeOutcome> outcomeFromName(std::string_view name) {
  for (auto o : {ChangeOutcome::Applied, ChangeOutcome::Duplicate, ChangeOutcome::Conflict, ChangeOutcome::Rejected})
    if (outcomeName(o) == name) return o;
  return std::nullopt;
}

Json PulledChange::toJson() const {
  Json j = change.toJson();
  j.erase("base_version");
  j.erase("hlc");
  j["seq"] = seq;
  j["version"] = version;
  j["author"] = author;
  j["device"] = device;
  return j;
}

PulledChange PulledChange::fromJson(const Json& j) {
  if (!j.is_object()) throw WireError("a pulled change must be an object");
  PulledChange p;
  const std::string path = "change";
  if (!member(j, "seq", path).is_number_integer()) throw WireError("change.seq must be an integer");
  p.seq = j["seq"];
  p.change.changeId = uuidAt(j, "change_id", path);
  p.change.record = uuidAt(j, "record", path);
  if (!member(j, "record_type", path).is_string()) throw WireError("change.record_type must be a string");
  p.change.recordType = j["record_type"];
  if (j.contains("parent") && !j["parent"].is_null()) p.change.parent = uuidAt(j, "parent", path);
  if (!member(j, "field", path).is_string()) throw WireError("change.field must be a string");
  p.change.field = j["field"];
  p.change.value = member(j, "value", path);
  p.version = hlcAt(member(j, "version", path), path + ".version");
  p.change.hlc = p.version;
  p.author = j.value("author", "");
  p.device = j.value("device", "");
  return p;
}

Change changeFromJson(const Json& j, const std::string& path) {
  if (!j.is_object()) throw WireError(path + " must be an object");
  onlyKeys(j, {"change_id", "record_type", "record", "parent", "field", "value", "base_version", "hlc"}, path);
  Change c;
  c.changeId = uuidAt(j, "change_id", path);
  const Json& type = member(j, "record_type", path);
  if (!type.is_string()) throw WireError(path + ".record_type must be a string");
  c.recordType = type;
  c.record = uuidAt(j, "record", path);
  if (j.contains("parent") && !j["parent"].is_null()) c.parent = uuidAt(j, "parent", path);
  const Json& field = member(j, "field", path);
  if (!field.is_string() || field.get<std::string>().empty()) throw WireError(path + ".field must be a string");
  c.field = field;
  c.value = member(j, "value", path);
  if (c.value.is_object()) throw WireError(path + ".value must not be an object");
  if (j.contains("base_version") && !j["base_version"].is_null())
    c.baseVersion = hlcAt(j["base_version"], path + ".base_version");
  c.hlc = hlcAt(member(j, "hlc", path), path + ".hlc");
  return c;
}

Changeset changesetFromJson(const Json& j) {
  if (!j.is_object()) throw WireError("the body must be a JSON object");
  onlyKeys(j, {"id", "device", "changes", "after"}, "changeset");
  Changeset cs;
  cs.id = uuidAt(j, "id", "changeset");
  cs.device = wire::deviceAt(j, "changeset");
  cs.after = wire::afterAt(j, cs.id);
  const Json& changes = member(j, "changes", "changeset");
  if (!changes.is_array()) throw WireError("changeset.changes must be an array");
  if (changes.size() > kMaxChangesPerChangeset)
    throw WireError("changeset.changes holds more than " + std::to_string(kMaxChangesPerChangeset) + " changes");
  std::set<std::string> ids;
  for (size_t i = 0; i < changes.size(); ++i) {
    cs.changes.push_back(changeFromJson(changes[i], "changeset.changes[" + std::to_string(i) + "]"));
    if (!ids.insert(cs.changes.back().changeId).second)
      throw WireError("changeset.changes[" + std::to_string(i) + "].change_id repeats an earlier change");
  }
  return cs;
}

}  // namespace synccore
