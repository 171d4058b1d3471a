#include "synccore/changeset_columns.h"

#include "synccore/hlc.h"
#include "synccore/random_id.h"
#include "wire_checks.h"

#include <limits>
#include <set>
#include <string>
#include <unordered_map>

namespace synccore {

namespace {

using wire::isShortName;
using wire::member;
using wire::onlyKeys;

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

/// Writes the columns both formats share: record, field, value, HLC (wall, counter, node), change id.
class ChangeColumnsWriter {
 public:
  /// With a default node (push: the device) the nodes dictionary is sent only when another node
  /// appears; without one (pull) it is always sent.
  explicit ChangeColumnsWriter(const std::string& defaultNode = {}) : m_listNodes(defaultNode.empty()) {
    if (!m_listNodes) m_nodes.index(defaultNode);
  }

  void add(const Change& c) {
    const auto stamp = Hlc::parse(c.hlc);
    if (!stamp || stamp->toString() != c.hlc) throw WireError("change " + c.changeId + " has no canonical HLC stamp");
    auto [it, added] = m_recordIndex.emplace(c.recordType + '\n' + c.record + '\n' + c.parent, m_records.size());
    if (added) {
      Json ref = Json::array({m_types.index(c.recordType), c.record});
      if (!c.parent.empty()) ref.push_back(c.parent);
      m_records.push_back(std::move(ref));
    }
    const auto recordAt = static_cast<int64_t>(it->second);
    m_record.push_back(recordAt - m_previousRecord);
    m_previousRecord = recordAt;
    m_field.push_back(m_fields.index(c.field));
    m_value.push_back(c.value);
    m_wall.push_back(stamp->wallMs - m_previousWall);
    m_previousWall = stamp->wallMs;
    m_counter.push_back(stamp->counter);
    m_node.push_back(m_nodes.index(stamp->device));
    const bool derived = c.changeId == changeIdFor(c.hlc, c.record, c.field);
    m_changeId.push_back(derived ? Json() : Json(c.changeId));
    m_explicitIds = m_explicitIds || !derived;
  }

  /// Moves the dictionaries into body and the columns into changes (node and change_id only when needed).
  void finish(Json& body, Json& changes) {
    body["record_types"] = m_types.json();
    body["records"] = std::move(m_records);
    body["fields"] = m_fields.json();
    const bool listNodes = m_listNodes || m_nodes.size() > 1;
    if (listNodes) body["nodes"] = m_nodes.json();
    changes["record"] = std::move(m_record);
    changes["field"] = std::move(m_field);
    changes["value"] = std::move(m_value);
    changes["wall"] = std::move(m_wall);
    changes["counter"] = std::move(m_counter);
    if (listNodes) changes["node"] = std::move(m_node);
    if (m_explicitIds) changes["change_id"] = std::move(m_changeId);
  }

 private:
  Dictionary m_types, m_fields, m_nodes;
  std::unordered_map<std::string, size_t> m_recordIndex;
  Json m_records = Json::array();
  Json m_record = Json::array(), m_field = Json::array(), m_value = Json::array(), m_wall = Json::array(),
       m_counter = Json::array(), m_node = Json::array(), m_changeId = Json::array();
  bool m_listNodes;
  bool m_explicitIds = false;
  int64_t m_previousRecord = 0, m_previousWall = 0;
};

std::vector<std::string> strings(const Json& body, const std::string& path, const char* key, bool required,
                                 bool (*valid)(const std::string&), const char* expected) {
  std::vector<std::string> out;
  if (!body.contains(key)) {
    if (required) throw WireError(path + "." + key + " is missing");
    return out;
  }
  const Json& list = body.at(key);
  if (!list.is_array()) throw WireError(path + "." + key + " must be an array");
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || !valid(list[i].get_ref<const std::string&>()))
      throw WireError(path + "." + key + "[" + std::to_string(i) + "] must be " + expected);
    out.push_back(list[i]);
  }
  return out;
}

bool nonEmpty(const std::string& text) { return !text.empty(); }
bool isStamp(const std::string& text) { return Hlc::parse(text).has_value(); }
bool anyText(const std::string&) { return true; }

struct RecordRef {
  size_t type;
  std::string uuid, parent;
};

/// Reads the shared columns of a format 2 body, naming the JSON path in every error.
class ChangeColumnsReader {
 public:
  /// body holds the dictionaries and `changes` the columns; path names body ("changeset", "page").
  /// Without a default node the nodes dictionary is required.
  ChangeColumnsReader(const Json& body, const std::string& path, const std::string& defaultNode = {})
      : m_path(path), m_changes(member(body, "changes", path)) {
    m_types = strings(body, path, "record_types", true, nonEmpty, "a record type name");
    m_fields = strings(body, path, "fields", true, nonEmpty, "a field key");
    m_nodes = strings(body, path, "nodes", defaultNode.empty(), isShortName, "a device id of 1-64 characters");
    if (!body.contains("nodes")) m_nodes.push_back(defaultNode);
    readRecords(member(body, "records", path));
    if (!m_changes.is_object()) throw WireError(path + ".changes must be an object of columns");
    const Json& records = member(m_changes, "record", path + ".changes");
    if (!records.is_array()) throw WireError(path + ".changes.record must be an array");
    m_size = records.size();
    m_record = &records;
    m_field = column("field", true);
    m_value = column("value", true);
    m_wall = column("wall", true);
    m_counter = column("counter", true);
    m_node = column("node", false);
    m_changeId = column("change_id", false);
  }

  size_t size() const { return m_size; }

  /// A column of changes: absent (optional: nullptr) or an array of exactly size() entries.
  const Json* column(const char* key, bool required) const {
    if (!m_changes.contains(key)) {
      if (required) throw WireError(m_path + ".changes." + key + " is missing");
      return nullptr;
    }
    const Json& list = m_changes.at(key);
    if (!list.is_array()) throw WireError(m_path + ".changes." + key + " must be an array");
    if (list.size() != m_size)
      throw WireError(m_path + ".changes." + key + " must hold " + std::to_string(m_size) + " entries, one per change");
    return &list;
  }

  int64_t integer(const Json& list, size_t i, const char* key) const {
    if (!list[i].is_number_integer())
      throw WireError(m_path + ".changes." + key + "[" + std::to_string(i) + "] must be an integer");
    return list[i].get<int64_t>();
  }

  /// An index column's entry, checked against the size of what it points into.
  size_t position(const Json& list, size_t i, const char* key, size_t size, const std::string& what) const {
    return inRange(integer(list, i, key), size, key, i, what);
  }

  size_t inRange(int64_t value, size_t size, const char* key, size_t i, const std::string& what) const {
    if (value < 0 || static_cast<uint64_t>(value) >= size)
      throw WireError(m_path + ".changes." + key + "[" + std::to_string(i) + "] must point into " + what);
    return static_cast<size_t>(value);
  }

  /// A running sum of a delta column (record, wall, seq), bounded so it cannot overflow.
  int64_t accumulate(int64_t& total, const Json& list, size_t i, const char* key) const {
    const int64_t delta = integer(list, i, key);
    if (delta > kMaxWallMs || delta < -kMaxWallMs)
      throw WireError(m_path + ".changes." + key + "[" + std::to_string(i) + "] is out of range");
    total += delta;
    return total;
  }

  /// The i-th change (call in order): record, field, value, HLC and change id.
  Change next(size_t i) {
    const std::string at = "[" + std::to_string(i) + "]";
    const RecordRef& ref =
        m_records[inRange(accumulate(m_recordAt, *m_record, i, "record"), m_records.size(), "record", i, m_path + ".records")];
    const int64_t wallMs = accumulate(m_wallMs, *m_wall, i, "wall");
    if (wallMs < 0 || wallMs > kMaxWallMs) throw WireError(m_path + ".changes.wall" + at + " gives a wall time out of range");
    const int64_t count = integer(*m_counter, i, "counter");
    if (count < 0 || count > kMaxCounter) throw WireError(m_path + ".changes.counter" + at + " must be 0-99999");
    const size_t nodeAt = m_node ? position(*m_node, i, "node", m_nodes.size(), m_path + ".nodes") : 0;
    Change c;
    c.recordType = m_types[ref.type];
    c.record = ref.uuid;
    c.parent = ref.parent;
    c.field = m_fields[position(*m_field, i, "field", m_fields.size(), m_path + ".fields")];
    c.value = (*m_value)[i];
    if (c.value.is_object()) throw WireError(m_path + ".changes.value" + at + " must not be an object");
    c.hlc = Hlc{wallMs, static_cast<uint32_t>(count), m_nodes[nodeAt]}.toString();
    if (!Hlc::parse(c.hlc)) throw WireError(m_path + ".changes" + at + " does not make a valid HLC stamp");
    const Json* explicitId = m_changeId && !(*m_changeId)[i].is_null() ? &(*m_changeId)[i] : nullptr;
    if (explicitId && (!explicitId->is_string() || !isUuid(*explicitId)))
      throw WireError(m_path + ".changes.change_id" + at + " must be a UUID string or null");
    c.changeId = explicitId ? explicitId->get<std::string>() : changeIdFor(c.hlc, c.record, c.field);
    return c;
  }

 private:
  void readRecords(const Json& list) {
    if (!list.is_array()) throw WireError(m_path + ".records must be an array");
    m_records.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = m_path + ".records[" + std::to_string(i) + "]";
      const Json& r = list[i];
      if (!r.is_array() || r.size() < 2 || r.size() > 3)
        throw WireError(path + " must be [record type index, record UUID] or [..., parent UUID]");
      if (!r[0].is_number_integer() || r[0].get<int64_t>() < 0 || r[0].get<uint64_t>() >= m_types.size())
        throw WireError(path + "[0] must point into " + m_path + ".record_types");
      if (!r[1].is_string() || !isUuid(r[1])) throw WireError(path + "[1] must be a UUID string");
      RecordRef ref{r[0].get<size_t>(), r[1], ""};
      if (r.size() == 3 && !r[2].is_null()) {
        if (!r[2].is_string() || !isUuid(r[2])) throw WireError(path + "[2] must be a UUID string or null");
        ref.parent = r[2];
      }
      m_records.push_back(std::move(ref));
    }
  }

  std::string m_path;
  const Json& m_changes;
  std::vector<std::string> m_types, m_fields, m_nodes;
  std::vector<RecordRef> m_records;
  size_t m_size = 0;
  const Json *m_record = nullptr, *m_field = nullptr, *m_value = nullptr, *m_wall = nullptr, *m_counter = nullptr,
             *m_node = nullptr, *m_changeId = nullptr;
  int64_t m_recordAt = 0, m_wallMs = 0;
};

}  // namespace

bool isColumnarChangeset(const Json& body) { return body.is_object() && body.contains("format"); }

Json plainPushResult(const Change& c) {
  return Json{{"change_id", c.changeId},
              {"outcome", "applied"},
              {"applied", true},
              {"current", Json{{"value", c.value}, {"version", c.hlc}, {"record_deleted", false}}}};
}

bool isPlainPushResult(const Change& c, const Json& r) {
  if (!r.is_object() || r.size() != 4 || r.value("outcome", "") != "applied" || r.value("applied", false) != true ||
      r.value("change_id", "") != c.changeId || !r.contains("current"))
    return false;
  const Json& now = r["current"];
  return now.is_object() && now.size() == 3 && now.value("record_deleted", true) == false &&
         now.contains("version") && now["version"] == c.hlc && now.contains("value") &&
         now["value"].dump() == c.value.dump();  // same text: 1 and 1.0 are different answers
}

Json changesetToColumns(const Changeset& cs) {
  ChangeColumnsWriter writer(cs.device);
  Dictionary versions;
  Json base = Json::array();
  for (const Change& c : cs.changes) {
    writer.add(c);
    base.push_back(c.baseVersion ? static_cast<int64_t>(versions.index(*c.baseVersion)) : -1);
  }
  Json body{{"format", kColumnarFormat}, {"id", cs.id}, {"device", cs.device}, {"versions", versions.json()}};
  if (!cs.after.empty()) body["after"] = cs.after;
  Json changes{{"base", std::move(base)}};
  writer.finish(body, changes);
  body["changes"] = std::move(changes);
  return body;
}

Changeset changesetFromColumns(const Json& body) {
  if (!body.is_object()) throw WireError("the body must be a JSON object");
  onlyKeys(body,
           {"format", "id", "device", "record_types", "records", "fields", "versions", "nodes", "changes", "after"},
           "changeset");
  if (!body["format"].is_number_integer() || body["format"].get<int64_t>() != kColumnarFormat)
    throw WireError("changeset.format must be 2 (or leave it out for format 1)");
  Changeset cs;
  cs.id = wire::uuidAt(body, "id", "changeset");
  cs.device = wire::deviceAt(body, "changeset");
  cs.after = wire::afterAt(body, cs.id);
  const auto versions = strings(body, "changeset", "versions", true, isStamp, "an HLC stamp string");
  ChangeColumnsReader in(body, "changeset", cs.device);
  if (in.size() > kMaxChangesPerChangeset)
    throw WireError("changeset.changes holds more than " + std::to_string(kMaxChangesPerChangeset) + " changes");
  onlyKeys(body["changes"], {"record", "field", "value", "base", "wall", "counter", "node", "change_id"},
           "changeset.changes");
  const Json& base = *in.column("base", true);
  std::set<std::string> ids;
  cs.changes.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    Change c = in.next(i);
    const int64_t baseAt = in.integer(base, i, "base");
    if (baseAt != -1) c.baseVersion = versions[in.inRange(baseAt, versions.size(), "base", i, "changeset.versions or be -1")];
    if (!ids.insert(c.changeId).second)
      throw WireError("changeset.changes[" + std::to_string(i) + "] repeats an earlier change");
    cs.changes.push_back(std::move(c));
  }
  return cs;
}

Json compactPushAnswer(const Changeset& cs, const Json& answer) {
  const Json& results = answer.at("results");
  std::vector<std::optional<Json>> listed;
  listed.reserve(results.size());
  for (size_t i = 0; i < results.size(); ++i)
    listed.push_back(i < cs.changes.size() && isPlainPushResult(cs.changes[i], results[i]) ? std::nullopt
                                                                                          : std::optional(results[i]));
  return compactPushAnswer(answer.at("id").get<std::string>(), answer.at("last_seq").get<int64_t>(), listed);
}

Json compactPushAnswer(const std::string& changesetId, int64_t lastSeq, const std::vector<std::optional<Json>>& results) {
  Json listed = Json::array();
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) continue;
    Json r = *results[i];
    r["index"] = i;
    listed.push_back(std::move(r));
  }
  return Json{{"format", kColumnarFormat},
              {"id", changesetId},
              {"last_seq", lastSeq},
              {"changes", results.size()},
              {"results", std::move(listed)}};
}

std::vector<const Json*> pushResultsByChange(const Changeset& cs, const Json& compact) {
  if (!compact.is_object() || compact.value("format", 0) != kColumnarFormat || !compact.contains("results") ||
      !compact["results"].is_array())
    throw WireError("the push answer is not in format 2");
  if (compact.value("id", "") != cs.id) throw WireError("the push answer names another changeset");
  if (!compact.contains("changes") || !compact["changes"].is_number_unsigned() ||
      compact["changes"].get<size_t>() != cs.changes.size())
    throw WireError("the push answer counts another number of changes");
  std::vector<const Json*> byChange(cs.changes.size(), nullptr);
  for (const Json& r : compact["results"]) {
    if (!r.is_object() || !r.contains("index") || !r["index"].is_number_unsigned() ||
        r["index"].get<size_t>() >= cs.changes.size())
      throw WireError("a push answer result has no index into the changeset");
    byChange[r["index"].get<size_t>()] = &r;
  }
  return byChange;
}

std::string_view pushOutcome(const Json* result) {
  if (!result) return "applied";
  if (!result->is_object()) return "";
  const auto named = result->find("outcome");
  return named != result->end() && named->is_string() ? std::string_view(named->get_ref<const std::string&>()) : "";
}

Json expandPushAnswer(const Changeset& cs, const Json& compact) {
  const std::vector<const Json*> byChange = pushResultsByChange(cs, compact);
  Json results = Json::array();
  for (size_t i = 0; i < byChange.size(); ++i) {
    if (!byChange[i]) {
      results.push_back(plainPushResult(cs.changes[i]));
      continue;
    }
    Json full = *byChange[i];
    full.erase("index");
    results.push_back(std::move(full));
  }
  Json full{{"id", compact["id"]}, {"last_seq", compact.value("last_seq", Json())}, {"results", std::move(results)}};
  if (compact.contains("accepts_after")) full["accepts_after"] = compact["accepts_after"];
  return full;
}

Json pullPageToColumns(const std::vector<PulledChange>& changes, int64_t nextAfter, bool hasMore) {
  ChangeColumnsWriter writer;
  Dictionary authors, devices;
  Json seq = Json::array(), author = Json::array(), device = Json::array();
  int64_t previousSeq = 0;
  for (const PulledChange& p : changes) {
    Change c = p.change;
    c.hlc = p.version;
    writer.add(c);
    seq.push_back(p.seq - previousSeq);
    previousSeq = p.seq;
    author.push_back(authors.index(p.author));
    device.push_back(devices.index(p.device));
  }
  Json page{{"format", kColumnarFormat}, {"next_after", nextAfter}, {"has_more", hasMore},
            {"authors", authors.json()}, {"devices", devices.json()}};
  Json columns{{"seq", std::move(seq)}, {"author", std::move(author)}, {"device", std::move(device)}};
  writer.finish(page, columns);
  page["changes"] = std::move(columns);
  return page;
}

std::vector<PulledChange> pullPageFromColumns(const Json& page) {
  if (!page.is_object() || page.value("format", 0) != kColumnarFormat) throw WireError("the pull page is not in format 2");
  const auto authors = strings(page, "page", "authors", true, anyText, "a user name");
  const auto devices = strings(page, "page", "devices", true, anyText, "a device id");
  ChangeColumnsReader in(page, "page");
  const Json& seq = *in.column("seq", true);
  const Json& author = *in.column("author", true);
  const Json& device = *in.column("device", true);
  std::vector<PulledChange> out;
  out.reserve(in.size());
  int64_t seqAt = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    PulledChange p;
    p.change = in.next(i);
    p.seq = in.accumulate(seqAt, seq, i, "seq");
    p.version = p.change.hlc;
    p.author = authors[in.position(author, i, "author", authors.size(), "page.authors")];
    p.device = devices[in.position(device, i, "device", devices.size(), "page.devices")];
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace synccore
