#include "synccore/changeset_columns.h"

#include "synccore/hlc.h"
#include "synccore/random_id.h"

#include <limits>
#include <set>
#include <string>
#include <unordered_map>

namespace synccore {

namespace {

constexpr int64_t kMaxWallMs = 999999999999999999;  // 18 digits: the widest wall an HLC stamp prints
constexpr int64_t kMaxCounter = 99999;

/// A list of distinct strings sent once; columns refer to them by position.
class Dictionary {
 public:
  size_t index(const std::string& text) {
    auto [it, added] = m_positions.emplace(text, m_items.size());
    if (added) m_items.push_back(text);
    return it->second;
  }
  Json json() const { return Json(m_items); }
  size_t size() const { return m_items.size(); }

 private:
  std::unordered_map<std::string, size_t> m_positions;
  std::vector<std::string> m_items;
};

/// Reads the columns of a format 2 body, naming the JSON path in every error.
class ColumnReader {
 public:
  explicit ColumnReader(const Json& body) : m_body(body) {}

  const Json& member(const Json& object, const char* key, const std::string& path) const {
    if (!object.contains(key)) throw WireError(path + "." + key + " is missing");
    return object.at(key);
  }

  std::vector<std::string> strings(const char* key, bool required, bool (*valid)(const std::string&),
                                   const char* expected) const {
    std::vector<std::string> out;
    if (!m_body.contains(key)) {
      if (required) throw WireError(std::string("changeset.") + key + " is missing");
      return out;
    }
    const Json& list = m_body.at(key);
    if (!list.is_array()) throw WireError(std::string("changeset.") + key + " must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string() || !valid(list[i].get_ref<const std::string&>()))
        throw WireError(std::string("changeset.") + key + "[" + std::to_string(i) + "] must be " + expected);
      out.push_back(list[i]);
    }
    return out;
  }

  /// A column of changes: absent (optional) or an array of exactly n entries.
  const Json* column(const Json& changes, const char* key, size_t n, bool required) const {
    if (!changes.contains(key)) {
      if (required) throw WireError(std::string("changeset.changes.") + key + " is missing");
      return nullptr;
    }
    const Json& list = changes.at(key);
    if (!list.is_array()) throw WireError(std::string("changeset.changes.") + key + " must be an array");
    if (list.size() != n)
      throw WireError(std::string("changeset.changes.") + key + " must hold " + std::to_string(n) +
                      " entries, one per change");
    return &list;
  }

  static int64_t integer(const Json& list, size_t i, const char* key) {
    if (!list[i].is_number_integer())
      throw WireError(std::string("changeset.changes.") + key + "[" + std::to_string(i) + "] must be an integer");
    return list[i].get<int64_t>();
  }

  static size_t position(int64_t value, size_t size, const char* key, size_t i, const char* what) {
    if (value < 0 || static_cast<uint64_t>(value) >= size)
      throw WireError(std::string("changeset.changes.") + key + "[" + std::to_string(i) + "] must point into " + what);
    return static_cast<size_t>(value);
  }

 private:
  const Json& m_body;
};

bool nonEmpty(const std::string& text) { return !text.empty(); }
bool isStamp(const std::string& text) { return Hlc::parse(text).has_value(); }
bool isNode(const std::string& text) { return !text.empty() && text.size() <= 64; }

struct RecordRef {
  size_t type;
  std::string uuid, parent;
};

std::vector<RecordRef> readRecords(const Json& body, size_t typeCount) {
  if (!body.contains("records")) throw WireError("changeset.records is missing");
  const Json& list = body.at("records");
  if (!list.is_array()) throw WireError("changeset.records must be an array");
  std::vector<RecordRef> out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "changeset.records[" + std::to_string(i) + "]";
    const Json& r = list[i];
    if (!r.is_array() || r.size() < 2 || r.size() > 3)
      throw WireError(path + " must be [record type index, record UUID] or [..., parent UUID]");
    if (!r[0].is_number_integer() || r[0].get<int64_t>() < 0 || r[0].get<uint64_t>() >= typeCount)
      throw WireError(path + "[0] must point into changeset.record_types");
    if (!r[1].is_string() || !isUuid(r[1])) throw WireError(path + "[1] must be a UUID string");
    RecordRef ref{r[0].get<size_t>(), r[1], ""};
    if (r.size() == 3 && !r[2].is_null()) {
      if (!r[2].is_string() || !isUuid(r[2])) throw WireError(path + "[2] must be a UUID string or null");
      ref.parent = r[2];
    }
    out.push_back(std::move(ref));
  }
  return out;
}

void onlyKeys(const Json& j, const std::set<std::string>& allowed, const std::string& path) {
  for (const auto& [k, _] : j.items())
    if (!allowed.count(k)) throw WireError(path + "." + k + " is not a known field");
}

/// The format 1 result of a change the server applied exactly as the device sent it.
Json plainResult(const Change& c) {
  return Json{{"change_id", c.changeId},
              {"outcome", "applied"},
              {"applied", true},
              {"current", Json{{"value", c.value}, {"version", c.hlc}, {"record_deleted", false}}}};
}

bool isPlain(const Change& c, const Json& r) {
  if (!r.is_object() || r.size() != 4 || r.value("outcome", "") != "applied" || r.value("applied", false) != true ||
      r.value("change_id", "") != c.changeId || !r.contains("current"))
    return false;
  const Json& now = r["current"];
  return now.is_object() && now.size() == 3 && now.value("record_deleted", true) == false &&
         now.contains("version") && now["version"] == c.hlc && now.contains("value") &&
         now["value"].dump() == c.value.dump();  // same text: 1 and 1.0 are different answers
}

}  // namespace

bool isColumnarChangeset(const Json& body) { return body.is_object() && body.contains("format"); }

Json changesetToColumns(const Changeset& cs) {
  Dictionary types, fields, versions, nodes;
  nodes.index(cs.device);
  std::unordered_map<std::string, size_t> recordIndex;
  Json records = Json::array();
  Json record = Json::array(), field = Json::array(), value = Json::array(), base = Json::array(),
       wall = Json::array(), counter = Json::array(), node = Json::array(), changeId = Json::array();
  bool explicitIds = false;
  int64_t previousRecord = 0, previousWall = 0;
  for (const Change& c : cs.changes) {
    const auto stamp = Hlc::parse(c.hlc);
    if (!stamp || stamp->toString() != c.hlc) throw WireError("change " + c.changeId + " has no canonical HLC stamp");
    const std::string key = c.recordType + '\n' + c.record + '\n' + c.parent;
    auto [it, added] = recordIndex.emplace(key, records.size());
    if (added) {
      Json ref = Json::array({types.index(c.recordType), c.record});
      if (!c.parent.empty()) ref.push_back(c.parent);
      records.push_back(std::move(ref));
    }
    const auto recordAt = static_cast<int64_t>(it->second);
    record.push_back(recordAt - previousRecord);
    previousRecord = recordAt;
    field.push_back(fields.index(c.field));
    value.push_back(c.value);
    base.push_back(c.baseVersion ? static_cast<int64_t>(versions.index(*c.baseVersion)) : -1);
    wall.push_back(stamp->wallMs - previousWall);
    previousWall = stamp->wallMs;
    counter.push_back(stamp->counter);
    node.push_back(nodes.index(stamp->device));
    const bool derived = c.changeId == changeIdFor(c.hlc, c.record, c.field);
    changeId.push_back(derived ? Json() : Json(c.changeId));
    explicitIds = explicitIds || !derived;
  }
  Json changes{{"record", std::move(record)}, {"field", std::move(field)},     {"value", std::move(value)},
               {"base", std::move(base)},     {"wall", std::move(wall)},       {"counter", std::move(counter)}};
  if (nodes.size() > 1) changes["node"] = std::move(node);
  if (explicitIds) changes["change_id"] = std::move(changeId);
  Json body{{"format", kColumnarFormat}, {"id", cs.id},           {"device", cs.device},
            {"record_types", types.json()}, {"records", std::move(records)}, {"fields", fields.json()},
            {"versions", versions.json()}, {"changes", std::move(changes)}};
  if (nodes.size() > 1) body["nodes"] = nodes.json();
  return body;
}

Changeset changesetFromColumns(const Json& body) {
  if (!body.is_object()) throw WireError("the body must be a JSON object");
  onlyKeys(body, {"format", "id", "device", "record_types", "records", "fields", "versions", "nodes", "changes"},
           "changeset");
  if (!body["format"].is_number_integer() || body["format"].get<int64_t>() != kColumnarFormat)
    throw WireError("changeset.format must be 2 (or leave it out for format 1)");
  const ColumnReader in(body);
  Changeset cs;
  const Json& id = in.member(body, "id", "changeset");
  if (!id.is_string() || !isUuid(id)) throw WireError("changeset.id must be a UUID string");
  cs.id = id;
  const Json& device = in.member(body, "device", "changeset");
  if (!device.is_string() || device.get_ref<const std::string&>().empty() ||
      device.get_ref<const std::string&>().size() > 64)
    throw WireError("changeset.device must be a string of 1-64 characters");
  cs.device = device;
  const auto types = in.strings("record_types", true, nonEmpty, "a record type name");
  const auto fields = in.strings("fields", true, nonEmpty, "a field key");
  const auto versions = in.strings("versions", true, isStamp, "an HLC stamp string");
  auto nodes = in.strings("nodes", false, isNode, "a device id of 1-64 characters");
  if (nodes.empty()) nodes.push_back(cs.device);
  const auto records = readRecords(body, types.size());

  const Json& changes = in.member(body, "changes", "changeset");
  if (!changes.is_object()) throw WireError("changeset.changes must be an object of columns");
  onlyKeys(changes, {"record", "field", "value", "base", "wall", "counter", "node", "change_id"}, "changeset.changes");
  const Json& recordColumn = in.member(changes, "record", "changeset.changes");
  if (!recordColumn.is_array()) throw WireError("changeset.changes.record must be an array");
  const size_t n = recordColumn.size();
  if (n > kMaxChangesPerChangeset)
    throw WireError("changeset.changes holds more than " + std::to_string(kMaxChangesPerChangeset) + " changes");
  const Json& field = *in.column(changes, "field", n, true);
  const Json& value = *in.column(changes, "value", n, true);
  const Json& base = *in.column(changes, "base", n, true);
  const Json& wall = *in.column(changes, "wall", n, true);
  const Json& counter = *in.column(changes, "counter", n, true);
  const Json* node = in.column(changes, "node", n, false);
  const Json* changeId = in.column(changes, "change_id", n, false);

  std::set<std::string> ids;
  int64_t recordAt = 0, wallMs = 0;
  cs.changes.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string at = "[" + std::to_string(i) + "]";
    const int64_t recordDelta = ColumnReader::integer(recordColumn, i, "record");
    const int64_t wallDelta = ColumnReader::integer(wall, i, "wall");
    if (recordDelta > std::numeric_limits<int32_t>::max() || recordDelta < std::numeric_limits<int32_t>::min() ||
        wallDelta > kMaxWallMs || wallDelta < -kMaxWallMs)
      throw WireError("changeset.changes delta" + at + " is out of range");
    recordAt += recordDelta;
    wallMs += wallDelta;
    const RecordRef& ref = records[ColumnReader::position(recordAt, records.size(), "record", i, "changeset.records")];
    if (wallMs < 0 || wallMs > kMaxWallMs) throw WireError("changeset.changes.wall" + at + " gives a wall time out of range");
    const int64_t count = ColumnReader::integer(counter, i, "counter");
    if (count < 0 || count > kMaxCounter) throw WireError("changeset.changes.counter" + at + " must be 0-99999");
    const size_t nodeAt = node ? ColumnReader::position(ColumnReader::integer(*node, i, "node"), nodes.size(), "node", i,
                                                        "changeset.nodes")
                               : 0;
    Change c;
    c.recordType = types[ref.type];
    c.record = ref.uuid;
    c.parent = ref.parent;
    c.field = fields[ColumnReader::position(ColumnReader::integer(field, i, "field"), fields.size(), "field", i,
                                            "changeset.fields")];
    c.value = value[i];
    if (c.value.is_object()) throw WireError("changeset.changes.value" + at + " must not be an object");
    const int64_t baseAt = ColumnReader::integer(base, i, "base");
    if (baseAt != -1)
      c.baseVersion = versions[ColumnReader::position(baseAt, versions.size(), "base", i, "changeset.versions or be -1")];
    c.hlc = Hlc{wallMs, static_cast<uint32_t>(count), nodes[nodeAt]}.toString();
    if (!Hlc::parse(c.hlc)) throw WireError("changeset.changes" + at + " does not make a valid HLC stamp");
    const Json* explicitId = changeId && !(*changeId)[i].is_null() ? &(*changeId)[i] : nullptr;
    if (explicitId && (!explicitId->is_string() || !isUuid(*explicitId)))
      throw WireError("changeset.changes.change_id" + at + " must be a UUID string or null");
    c.changeId = explicitId ? explicitId->get<std::string>() : changeIdFor(c.hlc, c.record, c.field);
    if (!ids.insert(c.changeId).second)
      throw WireError("changeset.changes" + at + " repeats an earlier change");
    cs.changes.push_back(std::move(c));
  }
  return cs;
}

Json compactPushAnswer(const Changeset& cs, const Json& answer) {
  Json listed = Json::array();
  const Json& results = answer.at("results");
  for (size_t i = 0; i < results.size(); ++i) {
    if (i < cs.changes.size() && isPlain(cs.changes[i], results[i])) continue;
    Json r = results[i];
    r["index"] = i;
    listed.push_back(std::move(r));
  }
  return Json{{"format", kColumnarFormat},
              {"id", answer.at("id")},
              {"last_seq", answer.at("last_seq")},
              {"changes", results.size()},
              {"results", std::move(listed)}};
}

Json expandPushAnswer(const Changeset& cs, const Json& compact) {
  if (!compact.is_object() || compact.value("format", 0) != kColumnarFormat || !compact.contains("results") ||
      !compact["results"].is_array())
    throw WireError("the push answer is not in format 2");
  if (compact.value("id", "") != cs.id) throw WireError("the push answer names another changeset");
  if (!compact.contains("changes") || !compact["changes"].is_number_unsigned() ||
      compact["changes"].get<size_t>() != cs.changes.size())
    throw WireError("the push answer counts another number of changes");
  Json results = Json::array();
  for (const Change& c : cs.changes) results.push_back(plainResult(c));
  for (const Json& r : compact["results"]) {
    if (!r.is_object() || !r.contains("index") || !r["index"].is_number_unsigned() ||
        r["index"].get<size_t>() >= cs.changes.size())
      throw WireError("a push answer result has no index into the changeset");
    Json full = r;
    full.erase("index");
    results[r["index"].get<size_t>()] = std::move(full);
  }
  return Json{{"id", compact["id"]}, {"last_seq", compact.value("last_seq", Json())}, {"results", std::move(results)}};
}

}  // namespace synccore
