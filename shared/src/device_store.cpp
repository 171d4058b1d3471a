#include "synccore/device_store.h"

#include "synccore/changeset_columns.h"
#include "synccore/id_number.h"
#include "synccore/random_id.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace synccore {

namespace {

constexpr const char* kKeyCheckText = "anju-device-key-check";
// 2: field versions as text in the record tables' "<field>__v" columns; 3: as a stamp in "<field>__v"
// and a device id in "<field>__d".
constexpr int kStoreFormat = 3;
constexpr std::string_view kVersionSuffix = "__v";

std::string blindIndexColumn(const FieldDef& f) { return f.key + "__bidx"; }
std::string versionColumn(const std::string& field) { return field + std::string(kVersionSuffix); }
std::string versionDeviceColumn(const std::string& field) { return field + "__d"; }
bool hasBlindIndex(const FieldDef& f) { return f.sensitivity == "identity"; }
std::string cellContext(const std::string& uuid, const std::string& field) { return uuid + "/" + field; }
// Parameters per field of the record-wide UPDATE (see recordUpdateSql).
constexpr size_t kUpdateParameters = 5;

// The outbox's layout (store format 3: the change id is not indexed; entries are found by seq).
std::string outboxTableSql(const std::string& name) {
  return "CREATE TABLE IF NOT EXISTS " + name +
         "(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
         " change_id TEXT NOT NULL, record_type TEXT NOT NULL, record_uuid TEXT NOT NULL,"
         " parent_uuid TEXT, field TEXT NOT NULL, value BLOB, sealed INTEGER NOT NULL DEFAULT 0,"
         " base_version TEXT, hlc TEXT NOT NULL, author TEXT NOT NULL)";
}

Value normalised(const FieldDef* f, const Value& v) {
  if (f && f->type == FieldType::Decimal && v.is_number()) return v.get<double>();
  return v;
}

}  // namespace

Json StoredRecord::toJson() const {
  Json fields = Json::object();
  for (const auto& [k, v] : values) fields[k] = v;
  Json j{{"type", type}, {"uuid", uuid}, {"deleted", deleted}, {"fields", fields}, {"versions", versions}};
  if (!parentUuid.empty()) j["household"] = parentUuid;
  return j;
}

Json OutboxEntry::toJson() const {
  return Json{{"seq", seq},
              {"change_id", changeId},
              {"record_type", recordType},
              {"record", recordUuid},
              {"parent", parentUuid.empty() ? Json() : Json(parentUuid)},
              {"field", field},
              {"value", value},
              {"base_version", baseVersion ? Json(*baseVersion) : Json()},
              {"hlc", hlc},
              {"author", author}};
}

Json HouseholdSummary::toJson() const {
  return Json{{"uuid", uuid},
              {"grid", grid},
              {"address", address},
              {"head_name", headName},
              {"residence_status", residenceStatus},
              {"members", memberCount},
              {"monitoring_category", monitoringCategory},
              {"last_visit_date", lastVisitDate},
              {"next_visit_due", nextVisitDue},
              {"pending_changes", pendingChanges},
              {"notices", notices},
              {"review_state", reviewState}};
}

void fillFromIdNumber(RecordValues& person, const CivilDate& today) {
  auto id = person.find("id_number");
  if (id == person.end() || !id->second.is_string()) return;
  auto check = checkIdNumber(id->second.get<std::string>(), today);
  if (!check.ok()) return;
  auto isEmpty = [&](const char* key) {
    auto it = person.find(key);
    return it == person.end() || it->second.is_null();
  };
  if (isEmpty("birth_date")) person["birth_date"] = check.info->birthDate.toString();
  if (isEmpty("sex")) person["sex"] = std::string(sexCode(check.info->sex));
}

DeviceStore::DeviceStore(const std::string& path, const SurveyDefinition& definition, Options options)
    : m_definition(definition),
      m_path(path),
      m_today(options.today ? options.today : [] { return CivilDate::today(); }) {
  try {
    m_db = std::make_unique<Database>(path);
    m_db->exec("PRAGMA journal_mode=WAL");
    m_db->exec("PRAGMA synchronous=FULL");
    m_db->exec("PRAGMA foreign_keys=ON");
    m_cipher = std::make_unique<FieldCipher>(
        FieldCipher::fromKeyFile(options.keyFile.empty() ? path + ".key" : options.keyFile));
    migrate();
  } catch (const SqliteError& e) {
    throw StoreError(std::string("cannot open device file / 无法打开设备数据文件: ") + e.what());
  }
  auto last = Hlc::parse(metaGet("hlc_last"));
  m_clock = std::make_unique<HybridClock>(
      m_deviceId, last.value_or(Hlc{}),
      options.wallClock ? options.wallClock : HybridClock::WallClock(HybridClock::systemWallMs));
}

void DeviceStore::migrate() {
  Transaction tx(*m_db);
  m_versions = std::make_unique<VersionCodec>(*m_db);  // its table is made inside the transaction too
  m_db->exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const int fileVersion = std::stoi(metaGet("definition_version", "0"));
  const bool newFile = metaGet("device_id").empty();
  const int storeFormat = newFile ? kStoreFormat : std::stoi(metaGet("store_format", "1"));
  if (fileVersion > m_definition.version())
    throw StoreError("this file was made with survey definition v" + std::to_string(fileVersion) +
                     ", newer than this program's v" + std::to_string(m_definition.version()) +
                     " / 数据文件的问卷版本比本程序新,请升级程序");
  for (const RecordTypeDef& r : m_definition.records()) {
    const std::string table = quoteIdentifier(r.type);
    m_db->exec("CREATE TABLE IF NOT EXISTS " + table +
               "(uuid TEXT PRIMARY KEY, parent_uuid TEXT, deleted INTEGER NOT NULL DEFAULT 0)");
    std::set<std::string> columns;
    auto info = m_db->cached("SELECT name FROM pragma_table_info(?)");
    info.bind(1, r.type);
    while (info.step()) columns.insert(info.text(0));
    auto addColumn = [&](const std::string& column) {
      if (columns.insert(column).second) m_db->exec("ALTER TABLE " + table + " ADD COLUMN " + quoteIdentifier(column));
    };
    addColumn(versionColumn(kDeletedField));
    addColumn(versionDeviceColumn(kDeletedField));
    // New fields become new columns; columns of fields a definition dropped keep their data.
    for (const FieldDef& f : r.fields) {
      addColumn(f.key);
      addColumn(versionColumn(f.key));
      addColumn(versionDeviceColumn(f.key));
      if (hasBlindIndex(f) && !columns.count(blindIndexColumn(f))) {
        addColumn(blindIndexColumn(f));
        m_db->exec("CREATE INDEX IF NOT EXISTS " + quoteIdentifier(r.type + "_" + f.key + "_bidx") + " ON " +
                   table + "(" + quoteIdentifier(blindIndexColumn(f)) + ")");
      }
    }
    if (!r.parent.empty())
      m_db->exec("CREATE INDEX IF NOT EXISTS " + quoteIdentifier(r.type + "_parent") + " ON " + table +
                 "(parent_uuid)");
  }
  if (m_db->queryInteger("SELECT count(*) FROM sqlite_schema WHERE name='field_version'") > 0) moveVersionsIntoRecords();
  findVersionColumns();
  if (storeFormat < 3) storeVersionsAsStamps();
  if (newFile || storeFormat != kStoreFormat) metaSet("store_format", std::to_string(kStoreFormat));
  if (storeFormat < 3 && m_db->queryInteger("SELECT count(*) FROM sqlite_schema WHERE name='outbox'") > 0)
    rebuildOutbox();
  m_db->exec(outboxTableSql("outbox"));
  m_db->exec("CREATE INDEX IF NOT EXISTS outbox_record_field ON outbox(record_uuid, field)");
  m_db->exec("CREATE INDEX IF NOT EXISTS outbox_parent ON outbox(parent_uuid)");
  m_db->exec(
      "CREATE TABLE IF NOT EXISTS notices(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
      " record_type TEXT, record_uuid TEXT, field TEXT, value BLOB, code TEXT, conflict_id TEXT,"
      " message_zh TEXT, message_en TEXT, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))");
  m_db->exec("CREATE INDEX IF NOT EXISTS notices_record ON notices(record_uuid)");
  m_db->exec(
      "CREATE TABLE IF NOT EXISTS household_reviews(household_uuid TEXT PRIMARY KEY, review TEXT NOT NULL,"
      " state TEXT NOT NULL, resubmit_pending INTEGER NOT NULL DEFAULT 0, resubmit_note TEXT NOT NULL DEFAULT '')");
  m_deviceId = metaGet("device_id");
  if (m_deviceId.empty()) {
    m_deviceId = newUuid();
    metaSet("device_id", m_deviceId);
    metaSet("author", "local");
    auto check = m_cipher->seal(kKeyCheckText, "key-check");
    metaSet("key_check", toHex(check.data(), check.size()));
  }
  if (fileVersion != m_definition.version()) {
    metaSet("definition_version", std::to_string(m_definition.version()));
    metaSet("definition", m_definition.json().dump());
  }
  loadKeyCheck();
  tx.commit();
}

void DeviceStore::moveVersionsIntoRecords() {
  // Store format 1 kept versions in a table of their own, keyed by record UUID and field: a second
  // row written for every change. Each version moves to its record's "<field>__v" column, fields a
  // definition dropped included; a version that finds no record stops the upgrade (nothing dropped).
  const int64_t versions = m_db->queryInteger("SELECT count(*) FROM field_version");
  int64_t moved = 0;
  for (const RecordTypeDef& r : m_definition.records()) {
    const std::string table = quoteIdentifier(r.type);
    std::vector<std::string> fields;
    auto st = m_db->prepare("SELECT DISTINCT field FROM field_version WHERE record_uuid IN (SELECT uuid FROM " +
                            table + ")");
    while (st.step()) fields.push_back(st.text(0));
    if (fields.empty()) continue;
    std::string assignments;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!m_db->hasColumn(r.type, versionColumn(fields[i])))  // a field a definition dropped
        m_db->exec("ALTER TABLE " + table + " ADD COLUMN " + quoteIdentifier(versionColumn(fields[i])));
      assignments += (i ? ", " : "") + quoteIdentifier(versionColumn(fields[i])) +
                     "=(SELECT hlc FROM field_version WHERE record_uuid=uuid AND field=?" + std::to_string(i + 1) + ")";
    }
    auto update = m_db->prepare("UPDATE " + table + " SET " + assignments);
    for (size_t i = 0; i < fields.size(); ++i) update.bind(static_cast<int>(i) + 1, fields[i]);
    update.run();
    for (const std::string& field : fields)
      moved += m_db->queryInteger("SELECT count(" + quoteIdentifier(versionColumn(field)) + ") FROM " + table);
  }
  if (moved != versions)
    throw StoreError("cannot upgrade the device file: " + std::to_string(versions - moved) +
                     " field versions belong to no record; nothing was changed"
                     " / 无法升级设备数据文件:有 " + std::to_string(versions - moved) +
                     " 个字段版本找不到所属记录,文件未作任何改动");
  m_db->exec("DROP TABLE field_version");
}

void DeviceStore::rebuildOutbox() {
  // Store format 2's outbox kept a unique index of change ids, written with every saved change and
  // searched only for the changeset in flight, which now names its first and last seq instead.
  const std::string inflight = metaGet("inflight_changeset");
  if (!inflight.empty()) {
    const Json old = Json::parse(inflight, nullptr, false);
    auto range = m_db->prepare("SELECT min(seq), max(seq) FROM outbox WHERE change_id IN (SELECT value FROM json_each(?))");
    range.bind(1, old.is_object() && old.contains("change_ids") ? old["change_ids"].dump() : "[]");
    if (old.is_object() && old.contains("id") && range.step() && !range.isNull(0))
      metaSet("inflight_changeset", Json{{"id", old["id"]}, {"first_seq", range.int64(0)}, {"last_seq", range.int64(1)}}.dump());
    else
      m_db->exec("DELETE FROM meta WHERE key='inflight_changeset'");
  }
  // Seqs go on from where they were (AUTOINCREMENT's counter), not from the largest one left.
  auto counter = m_db->prepare("SELECT seq FROM sqlite_sequence WHERE name='outbox'");
  const int64_t lastSeq = counter.step() ? counter.int64(0) : -1;  // -1: no entry was ever written
  counter.reset();
  m_db->exec(outboxTableSql("outbox_rebuilt"));
  m_db->exec("INSERT INTO outbox_rebuilt SELECT seq, change_id, record_type, record_uuid, parent_uuid, field, value,"
             " sealed, base_version, hlc, author FROM outbox");
  m_db->exec("DROP TABLE outbox");
  m_db->exec("ALTER TABLE outbox_rebuilt RENAME TO outbox");
  if (lastSeq >= 0) {
    m_db->exec("DELETE FROM sqlite_sequence WHERE name='outbox'");
    m_db->prepare("INSERT INTO sqlite_sequence(name, seq) VALUES('outbox', ?)").bind(1, lastSeq).run();
  }
}

void DeviceStore::storeVersionsAsStamps() {
  // Store format 2 kept each version as text ("<wall ms>-<counter>-<device UUID>", 61 bytes): most of a
  // record's row, rewritten with every change. Each becomes an integer stamp in "<field>__v" and its
  // device's id in "<field>__d" (table devices). Text that is no storable stamp stops the upgrade.
  int64_t unreadable = 0;
  for (const auto& [type, fields] : m_versionedFields) {
    const std::string table = quoteIdentifier(type);
    std::string assignments;
    for (const std::string& field : fields) {
      const std::string text = quoteIdentifier(versionColumn(field)), device = quoteIdentifier(versionDeviceColumn(field));
      unreadable += m_db->queryInteger("SELECT count(*) FROM " + table + " WHERE " + text + " IS NOT NULL AND NOT " +
                                       VersionCodec::storableSql(text));
      if (!m_db->hasColumn(type, versionDeviceColumn(field)))  // a field a definition dropped
        m_db->exec("ALTER TABLE " + table + " ADD COLUMN " + device);
      m_db->exec("INSERT OR IGNORE INTO devices(name) SELECT DISTINCT " + VersionCodec::deviceSql(text) + " FROM " +
                 table + " WHERE " + text + " IS NOT NULL");
      assignments += (assignments.empty() ? "" : ", ") + device + "=(SELECT id FROM devices WHERE name=" +
                     VersionCodec::deviceSql(text) + "), " + text + "=" + VersionCodec::stampSql(text);
    }
    if (!assignments.empty()) m_db->exec("UPDATE " + table + " SET " + assignments);
  }
  if (unreadable > 0)
    throw StoreError("cannot upgrade the device file: " + std::to_string(unreadable) +
                     " field versions are not clock stamps; nothing was changed"
                     " / 无法升级设备数据文件:有 " + std::to_string(unreadable) +
                     " 个字段版本不是时钟戳,文件未作任何改动");
}

void DeviceStore::findVersionColumns() {
  m_versionedFields.clear();
  for (const RecordTypeDef& r : m_definition.records()) {
    auto info = m_db->cached("SELECT name FROM pragma_table_info(?)");
    info.bind(1, r.type);
    std::vector<std::string>& fields = m_versionedFields[r.type];
    while (info.step()) {
      const std::string name = info.text(0);
      const size_t field = name.size() - std::min(name.size(), kVersionSuffix.size());
      if (field > 0 && std::string_view(name).substr(field) == kVersionSuffix) fields.push_back(name.substr(0, field));
    }
  }
}

void DeviceStore::loadKeyCheck() {
  const std::string hex = metaGet("key_check");
  std::vector<unsigned char> sealed;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    sealed.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  try {
    if (m_cipher->open(sealed, "key-check") == kKeyCheckText) return;
  } catch (const CipherError&) {
  }
  throw StoreError("the device key does not match this data file / 设备密钥与数据文件不匹配");
}

std::string DeviceStore::metaGet(const std::string& key, const std::string& fallback) const {
  auto st = m_db->cached("SELECT value FROM meta WHERE key=?");
  st.bind(1, key);
  return st.step() ? st.text(0) : fallback;
}

void DeviceStore::metaSet(const std::string& key, const std::string& value) {
  m_db->cached("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")
      .bind(1, key)
      .bind(2, value)
      .run();
}

std::string DeviceStore::author() const {
  std::lock_guard lock(m_mutex);
  return metaGet("author", "local");
}

void DeviceStore::setAuthor(const std::string& author) {
  std::lock_guard lock(m_mutex);
  metaSet("author", author);
}

void DeviceStore::bindValue(Statement& st, int index, const FieldDef& f, const std::string& uuid,
                            const Value& v) const {
  if (v.is_null()) {
    st.bind(index, nullptr);
  } else if (f.isSensitive()) {
    st.bindBlob(index, m_cipher->seal(v.dump(), cellContext(uuid, f.key)));
  } else if (v.is_string()) {
    st.bind(index, v.get<std::string>());
  } else if (v.is_boolean()) {
    st.bind(index, v.get<bool>() ? 1 : 0);
  } else if (v.is_number_integer()) {
    st.bind(index, v.get<int64_t>());
  } else if (v.is_number()) {
    st.bind(index, v.get<double>());
  } else {
    st.bind(index, v.dump());
  }
}

Value DeviceStore::readValue(const Statement& st, int col, const FieldDef& f, const std::string& uuid) const {
  if (st.isNull(col)) return nullptr;
  if (f.isSensitive()) return Json::parse(m_cipher->open(st.blob(col), cellContext(uuid, f.key)));
  switch (f.type) {
    case FieldType::YesNo: return st.int64(col) != 0;
    case FieldType::Integer: return st.int64(col);
    case FieldType::Decimal: return st.real(col);
    case FieldType::MultipleChoice: return Json::parse(st.text(col));
    default: return st.text(col);
  }
}

std::optional<StoredRecord> DeviceStore::loadFrom(const RecordTypeDef& def, const std::string& uuid) const {
  const std::vector<std::string>& versioned = m_versionedFields.at(def.type);
  std::string sql = "SELECT parent_uuid, deleted";
  for (const auto& f : def.fields) sql += ", " + quoteIdentifier(f.key);
  for (const auto& field : versioned)
    sql += ", " + quoteIdentifier(versionColumn(field)) + ", " + quoteIdentifier(versionDeviceColumn(field));
  sql += " FROM " + quoteIdentifier(def.type) + " WHERE uuid=?";
  auto st = m_db->cached(sql);
  st.bind(1, uuid);
  if (!st.step()) return std::nullopt;
  StoredRecord r;
  r.type = def.type;
  r.uuid = uuid;
  r.parentUuid = st.optionalText(0).value_or("");
  r.deleted = st.int64(1) != 0;
  for (size_t i = 0; i < def.fields.size(); ++i) {
    Value v = readValue(st, static_cast<int>(i) + 2, def.fields[i], uuid);
    if (!v.is_null()) r.values[def.fields[i].key] = std::move(v);
  }
  for (size_t i = 0; i < versioned.size(); ++i) {
    const int col = static_cast<int>(def.fields.size() + 2 * i) + 2;
    if (!st.isNull(col)) r.versions[versioned[i]] = versionText(st, col);
  }
  return r;
}

std::string DeviceStore::versionText(const Statement& st, int stampColumn) const {
  return m_versions->text({st.int64(stampColumn), st.int64(stampColumn + 1)});
}

std::optional<StoredRecord> DeviceStore::loadLocked(const std::string& uuid) const {
  for (const auto& def : m_definition.records())
    if (auto r = loadFrom(def, uuid)) return r;
  return std::nullopt;
}

std::optional<StoredRecord> DeviceStore::load(const std::string& uuid) const {
  std::lock_guard lock(m_mutex);
  return loadLocked(uuid);
}

std::vector<StoredRecord> DeviceStore::childrenLocked(const std::string& householdUuid,
                                                      const std::string& type) const {
  std::vector<StoredRecord> out;
  const RecordTypeDef& def = m_definition.requireRecord(type);
  auto st = m_db->cached("SELECT uuid FROM " + quoteIdentifier(type) +
                          " WHERE parent_uuid=? AND deleted=0 ORDER BY rowid");
  st.bind(1, householdUuid);
  std::vector<std::string> uuids;
  while (st.step()) uuids.push_back(st.text(0));
  for (const auto& u : uuids)
    if (auto r = loadFrom(def, u)) out.push_back(std::move(*r));
  return out;
}

std::vector<StoredRecord> DeviceStore::children(const std::string& householdUuid, const std::string& type) const {
  std::lock_guard lock(m_mutex);
  return childrenLocked(householdUuid, type);
}

void DeviceStore::writeField(const RecordTypeDef& def, const std::string& uuid, const std::string& parent,
                             const FieldDef* field, const std::string& key, const Value& value,
                             const std::optional<std::string>& base) {
  const Hlc stamp = m_clock->tick();
  const std::string hlc = stamp.toString();
  const StoredVersion version = m_versions->store(stamp);
  if (field) setLocalValues(def, uuid, {{field, &value, version}});
  else setDeleted(def, uuid, true, version);
  const std::string changeId = changeIdFor(hlc, uuid, key);
  const bool sealed = field && field->isSensitive();
  auto out = m_db->cached(
      "INSERT INTO outbox(change_id, record_type, record_uuid, parent_uuid, field, value, sealed,"
      " base_version, hlc, author) VALUES(?,?,?,?,?,?,?,?,?,?)");
  out.bind(1, changeId).bind(2, def.type).bind(3, uuid);
  if (parent.empty()) out.bind(4, nullptr); else out.bind(4, parent);
  out.bind(5, key);
  if (sealed) out.bindBlob(6, m_cipher->seal(value.dump(), "outbox/" + changeId));
  else out.bind(6, value.dump());
  out.bind(7, sealed ? 1 : 0);
  if (base) out.bind(8, *base); else out.bind(8, nullptr);
  out.bind(9, hlc).bind(10, metaGet("author", "local")).run();
}

void DeviceStore::applyWrite(const RecordWrite& w, SaveResult& result,
                             std::vector<std::string>& touchedHouseholds,
                             std::vector<std::string>& touchedPersons) {
  const RecordTypeDef* def = m_definition.record(w.type);
  if (!def) {
    result.failures.push_back({w.type, w.uuid, "", "unknown_record", "未知的记录类型“" + w.type + "”",
                               "unknown record type \"" + w.type + "\""});
    return;
  }
  std::optional<StoredRecord> existing;
  std::string uuid = w.uuid;
  std::string parent = w.parentUuid;
  if (w.create && (!isUuid(uuid) || loadLocked(uuid))) {
    result.failures.push_back({w.type, uuid, "", "bad_uuid", "新记录的编号无效或已存在",
                               "the new record's UUID is malformed or already used"});
    return;
  }
  if (!uuid.empty() && !w.create) {
    existing = loadFrom(*def, uuid);
    if (!existing || existing->deleted) {
      result.failures.push_back({w.type, uuid, "", "unknown_record",
                                 existing ? "该记录已删除" : "找不到该记录",
                                 existing ? "this record has been deleted" : "no such record"});
      return;
    }
    if (def->appendOnly) {
      result.failures.push_back({w.type, uuid, "", "append_only", "走访记录提交后不能修改或删除",
                                 "a visit record cannot be changed or deleted once saved"});
      return;
    }
    parent = existing->parentUuid;
  } else {
    if (w.remove) {
      result.failures.push_back({w.type, "", "", "unknown_record", "没有指定要删除的记录", "no record to delete"});
      return;
    }
    if (uuid.empty()) uuid = newUuid();
    if (!def->parent.empty()) {
      auto household = parent.empty() ? std::nullopt : loadFrom(m_definition.requireRecord(def->parent), parent);
      if (!household || household->deleted) {
        result.failures.push_back({w.type, uuid, "", "unknown_parent", "找不到所属的户(" + parent + ")",
                                   "no such household (" + parent + ")"});
        return;
      }
    }
    m_db->cached("INSERT INTO " + quoteIdentifier(def->type) + "(uuid, parent_uuid) VALUES(?, ?)")
        .bind(1, uuid).bind(2, parent).run();
  }
  result.uuids.push_back(uuid);
  if (w.type == "person") touchedHouseholds.push_back(parent);
  if (w.remove) {
    // The base of a delete is the newest version the device had of the record: the server
    // finds edits the worker never saw by comparing with it.
    std::optional<std::string> newest;
    for (const auto& [field, version] : existing->versions)
      if (!newest || version > *newest) newest = version;
    writeField(*def, uuid, parent, nullptr, kDeletedField, true, newest);
    ++result.changedFields;
    return;
  }
  RecordValues proposed = existing ? existing->values : RecordValues{};
  for (const auto& [k, v] : w.values) proposed[k] = v;
  Validator validator(m_definition, m_today());
  auto failures = validator.checkRecord(w.type, uuid, proposed);
  if (!failures.empty()) {
    result.failures.insert(result.failures.end(), failures.begin(), failures.end());
    return;
  }
  for (const FieldDef& f : def->fields) {
    auto now = proposed.find(f.key);
    Value newValue = now == proposed.end() ? Value() : normalised(&f, now->second);
    Value oldValue;
    if (existing) {
      auto it = existing->values.find(f.key);
      if (it != existing->values.end()) oldValue = normalised(&f, it->second);
    }
    if (newValue == oldValue) continue;
    std::optional<std::string> base;
    if (existing && existing->versions.count(f.key)) base = existing->versions.at(f.key);
    writeField(*def, uuid, parent, &f, f.key, newValue, base);
    ++result.changedFields;
    if (hasBlindIndex(f)) touchedPersons.push_back(uuid);
  }
}

SaveResult DeviceStore::save(const std::vector<RecordWrite>& writes) {
  std::lock_guard lock(m_mutex);
  SaveResult result;
  const Hlc clockBefore = m_clock->last();
  try {
    Transaction tx(*m_db);
    std::vector<std::string> households, persons;
    for (const auto& w : writes) applyWrite(w, result, households, persons);
    Validator validator(m_definition, m_today());
    std::sort(households.begin(), households.end());
    households.erase(std::unique(households.begin(), households.end()), households.end());
    for (const auto& h : households) {
      std::vector<RecordValues> members;
      for (auto& m : childrenLocked(h, "person")) members.push_back(std::move(m.values));
      for (auto& f : validator.checkMembers(h, members)) result.failures.push_back(std::move(f));
    }
    for (const auto& p : persons) {
      auto dup = m_db->cached(
          "SELECT other.uuid FROM person AS me JOIN person AS other ON other.id_number__bidx = me.id_number__bidx"
          " WHERE me.uuid=? AND other.uuid<>me.uuid AND other.deleted=0 AND me.deleted=0 LIMIT 1");
      dup.bind(1, p);
      if (dup.step()) result.failures.push_back(Validator::duplicateIdNumber(p, dup.text(0)));
    }
    if (!result.ok()) {
      m_clock->resetTo(clockBefore);
      result.uuids.clear();
      result.changedFields = 0;
      return result;  // the transaction rolls back
    }
    if (result.changedFields > 0) metaSet("hlc_last", m_clock->last().toString());
    tx.commit();
  } catch (const SqliteError& e) {
    m_clock->resetTo(clockBefore);
    throw StoreError(std::string("saving failed, nothing was written / 保存失败,未写入任何数据: ") + e.what());
  }
  return result;
}

std::vector<HouseholdSummary> DeviceStore::listHouseholds(const std::string& search) const {
  std::lock_guard lock(m_mutex);
  std::string sql =
      "SELECT h.uuid, h.grid, h.address, h.head_name, h.residence_status,"
      " (SELECT count(*) FROM person p WHERE p.parent_uuid=h.uuid AND p.deleted=0),"
      " h.monitoring_category,"
      " (SELECT max(v.visit_date) FROM visit v WHERE v.parent_uuid=h.uuid AND v.deleted=0),"
      " (SELECT v.next_visit_due FROM visit v WHERE v.parent_uuid=h.uuid AND v.deleted=0"
      "   ORDER BY v.visit_date DESC LIMIT 1),"
      " (SELECT count(*) FROM outbox o WHERE o.record_uuid=h.uuid OR o.parent_uuid=h.uuid),"
      " (SELECT count(*) FROM notices n WHERE n.record_uuid=h.uuid OR n.record_uuid IN"
      "   (SELECT uuid FROM person WHERE parent_uuid=h.uuid UNION ALL SELECT uuid FROM visit WHERE parent_uuid=h.uuid)),"
      " coalesce((SELECT r.state FROM household_reviews r WHERE r.household_uuid=h.uuid), '')"
      " FROM household h WHERE h.deleted=0";
  const bool byId = !search.empty() && checkIdNumber(search, m_today()).ok();
  if (byId) {
    sql += " AND h.uuid IN (SELECT parent_uuid FROM person WHERE id_number__bidx=? AND deleted=0)";
  } else if (!search.empty()) {
    sql += " AND (instr(h.head_name, ?1) > 0 OR instr(h.address, ?1) > 0 OR EXISTS(SELECT 1 FROM person p"
           " WHERE p.parent_uuid=h.uuid AND p.deleted=0 AND instr(p.name, ?1) > 0))";
  }
  sql += " ORDER BY h.grid, h.address";
  auto st = m_db->cached(sql);
  if (byId) st.bind(1, m_cipher->blindIndex(checkIdNumber(search, m_today()).info->normalized));
  else if (!search.empty()) st.bind(1, search);
  std::vector<HouseholdSummary> out;
  while (st.step())
    out.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.int64(5), st.text(6), st.text(7),
                   st.text(8), st.int64(9), st.int64(10), st.text(11)});
  return out;
}

std::vector<OutboxEntry> DeviceStore::outbox() const {
  std::lock_guard lock(m_mutex);
  return outboxLocked();
}

std::vector<OutboxEntry> DeviceStore::outboxLocked(size_t limit, int64_t firstSeq, int64_t lastSeq) const {
  std::vector<OutboxEntry> out;
  auto st = m_db->cached(
      "SELECT seq, change_id, record_type, record_uuid, parent_uuid, field, value, sealed, base_version, hlc, author"
      " FROM outbox WHERE seq BETWEEN ?2 AND ?3 ORDER BY seq LIMIT ?1");
  st.bind(1, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit)).bind(2, firstSeq).bind(3, lastSeq);
  while (st.step()) {
    OutboxEntry e;
    e.seq = st.int64(0);
    e.changeId = st.text(1);
    e.recordType = st.text(2);
    e.recordUuid = st.text(3);
    e.parentUuid = st.optionalText(4).value_or("");
    e.field = st.text(5);
    const std::string text = st.int64(7) ? m_cipher->open(st.blob(6), "outbox/" + e.changeId) : st.text(6);
    e.value = Json::parse(text);
    e.baseVersion = st.optionalText(8);
    e.hlc = st.text(9);
    e.author = st.text(10);
    out.push_back(std::move(e));
  }
  return out;
}

size_t DeviceStore::outboxSize() const {
  std::lock_guard lock(m_mutex);
  auto st = m_db->cached("SELECT count(*) FROM outbox");
  st.step();
  return static_cast<size_t>(st.int64(0));
}

std::string DeviceStore::integrityCheck() const {
  std::lock_guard lock(m_mutex);
  auto st = m_db->cached("PRAGMA integrity_check");
  std::string out;
  while (st.step()) out += (out.empty() ? "" : "; ") + st.text(0);
  return out;
}

int64_t DeviceStore::synchronousLevel() const {
  std::lock_guard lock(m_mutex);
  return m_db->synchronousLevel();
}

int64_t DeviceStore::walAutoCheckpoint() const {
  std::lock_guard lock(m_mutex);
  return m_db->walAutoCheckpoint();
}

DeviceStore::CheckpointBatch::CheckpointBatch(DeviceStore& store) : m_store(store) {
  std::lock_guard lock(store.m_mutex);
  m_previous = store.m_db->walAutoCheckpoint();
  if (m_previous > 0) store.m_db->setWalAutoCheckpoint(std::max(m_previous, kPages));
}

DeviceStore::CheckpointBatch::~CheckpointBatch() { finish(); }

void DeviceStore::CheckpointBatch::finish() {
  if (m_finished) return;
  m_finished = true;
  std::lock_guard lock(m_store.m_mutex);
  try {
    m_store.m_db->setWalAutoCheckpoint(m_previous);
  } catch (...) {
    // Nothing is lost: the threshold only decides when SQLite copies the WAL.
  }
  // Copied on the store's own connection and thread: not inside the worker's next save, and the
  // sync need not wait for it.
  try {
    if (!m_store.m_checkpointer)
      m_store.m_checkpointer = std::make_unique<WalCheckpointer>(m_store.m_path, std::chrono::milliseconds(0));
    m_store.m_checkpointer->request();
  } catch (...) {
    // No thread to be had: SQLite copies the WAL at a later commit.
  }
}

void DeviceStore::waitForCheckpoints() {
  WalCheckpointer* checkpointer = nullptr;
  {
    std::lock_guard lock(m_mutex);
    checkpointer = m_checkpointer.get();
  }
  if (checkpointer) checkpointer->waitUntilCopied();
}

}  // namespace synccore

namespace synccore {

Changeset PushBatch::toChangeset(const std::string& device) const {
  Changeset cs{changesetId, device, {}, {}};
  for (const auto& e : entries)
    cs.changes.push_back({e.changeId, e.recordType, e.recordUuid, e.parentUuid, e.field, e.value, e.baseVersion, e.hlc});
  return cs;
}

Json SyncNotice::toJson() const {
  return Json{{"id", id},           {"kind", kind},       {"record_type", recordType}, {"record", recordUuid},
              {"field", field},     {"value", value},     {"code", code},              {"conflict_id", conflictId},
              {"message_zh", messageZh}, {"message_en", messageEn}, {"created_at", createdAt}};
}

namespace {
// Meta keys of the batches sent and not yet acknowledged: the one in flight, and the one sent after it
// while its answer was still being applied (SyncClient::push), each {id, first_seq, last_seq}.
const std::string kInflightKey = "inflight_changeset";
const std::string kFollowingKey = "inflight_following";
}  // namespace

PushBatch DeviceStore::markedBatchLocked(const std::string& key, int64_t firstSeqAbove) const {
  const Json marked = Json::parse(metaGet(key, "{}"), nullptr, false);
  if (!marked.is_object() || !marked.contains("first_seq")) return {};
  const int64_t first = marked.value("first_seq", int64_t{0});
  // Its entries (up to 2,000, opened and parsed) are read only when the range is the one asked for.
  if (first <= firstSeqAbove) return {};
  return PushBatch{marked.value("id", ""), outboxLocked(0, first, marked.value("last_seq", int64_t{-1}))};
}

void DeviceStore::markBatchLocked(const std::string& key, const PushBatch& batch) {
  metaSet(key, Json{{"id", batch.changesetId},
                    {"first_seq", batch.entries.front().seq},
                    {"last_seq", batch.entries.back().seq}}.dump());
}

PushBatch DeviceStore::nextPushBatch(size_t maxEntries) {
  std::lock_guard lock(m_mutex);
  // A batch is every entry from its first seq to its last: seqs only grow and an entry leaves only
  // with the acknowledgement or refusal that also ends the batch, so the same range read again
  // after a crash gives the same changes, sent again under the same changeset id.
  if (PushBatch batch = markedBatchLocked(kInflightKey); !batch.entries.empty()) return batch;
  if (PushBatch batch = markedBatchLocked(kFollowingKey); !batch.entries.empty()) {
    markBatchLocked(kInflightKey, batch);  // its predecessor was answered: it goes next
    m_db->cached("DELETE FROM meta WHERE key='inflight_following'").run();
    return batch;
  }
  if (maxEntries == 0) return {};
  PushBatch batch{newUuid(), outboxLocked(maxEntries)};
  if (!batch.entries.empty()) markBatchLocked(kInflightKey, batch);
  return batch;
}

PushBatch DeviceStore::pushBatchAfter(const PushBatch& current, size_t maxEntries) const {
  std::lock_guard lock(m_mutex);
  if (current.entries.empty() || maxEntries == 0) return {};
  const int64_t after = current.entries.back().seq;
  // One marked before a crash is the same range under the same id: the server may hold it already.
  if (PushBatch marked = markedBatchLocked(kFollowingKey, after); !marked.entries.empty()) return marked;
  return PushBatch{newUuid(), outboxLocked(maxEntries, after + 1)};
}

void DeviceStore::markFollowing(const PushBatch& following) {
  if (following.entries.empty()) return;
  std::lock_guard lock(m_mutex);
  markBatchLocked(kFollowingKey, following);  // a full (synchronous) commit: on disk before it is sent
}

void DeviceStore::endBatchLocked(const std::string& changesetId) {
  const Json inflight = Json::parse(metaGet(kInflightKey, "{}"), nullptr, false);
  if (!inflight.is_object() || inflight.value("id", "") != changesetId) return;
  const std::string following = metaGet(kFollowingKey);
  if (following.empty()) {
    m_db->cached("DELETE FROM meta WHERE key='inflight_changeset'").run();
    return;
  }
  metaSet(kInflightKey, following);  // the batch sent after this one is now the one in flight
  m_db->cached("DELETE FROM meta WHERE key='inflight_following'").run();
}

bool DeviceStore::hasPending(const std::string& uuid, const std::string& field) const {
  auto st = m_db->cached("SELECT 1 FROM outbox WHERE record_uuid=? AND field=? LIMIT 1");
  st.bind(1, uuid).bind(2, field);
  return st.step();
}

void DeviceStore::setLocalField(const RecordTypeDef& def, const std::string& uuid, const std::string& field,
                                const Value& value, const std::string& version) {
  const FieldDef* f = def.field(field);
  if (!f && field != kDeletedField) return;  // a field this definition does not know: the server keeps it
  const auto stored = storeObserved(version);
  if (f) setLocalValues(def, uuid, {{f, &value, stored}});
  else setDeleted(def, uuid, value == true, stored);
}

std::optional<StoredVersion> DeviceStore::storeObserved(const std::string& version) {
  if (version.empty()) return std::nullopt;
  const auto stamp = Hlc::parse(version);
  if (!stamp || !VersionCodec::storable(*stamp))
    throw StoreError("not a clock stamp the device can store: " + version + " / 无法保存的版本时钟戳");
  m_clock->observe(*stamp);
  return m_versions->store(*stamp);
}

void DeviceStore::setDeleted(const RecordTypeDef& def, const std::string& uuid, bool deleted,
                             const std::optional<StoredVersion>& version) {
  // Without a version (the server never deleted the record) the flag's last version stays.
  if (!version) {
    m_db->cached("UPDATE " + quoteIdentifier(def.type) + " SET deleted=? WHERE uuid=?")
        .bind(1, deleted ? 1 : 0).bind(2, uuid).run();
    return;
  }
  m_db->cached("UPDATE " + quoteIdentifier(def.type) + " SET deleted=?, " +
               quoteIdentifier(versionColumn(kDeletedField)) + "=?, " +
               quoteIdentifier(versionDeviceColumn(kDeletedField)) + "=? WHERE uuid=?")
      .bind(1, deleted ? 1 : 0).bind(2, version->stamp).bind(3, version->device).bind(4, uuid).run();
}

void DeviceStore::setLocalValues(const RecordTypeDef& def, const std::string& uuid,
                                 const std::vector<FieldValue>& values) {
  if (values.size() == 1) {
    const FieldDef& f = *values.front().field;
    const bool blind = hasBlindIndex(f);
    Statement st = m_db->cached("UPDATE " + quoteIdentifier(def.type) + " SET " + quoteIdentifier(f.key) + "=?1, " +
                                quoteIdentifier(versionColumn(f.key)) + "=?2, " +
                                quoteIdentifier(versionDeviceColumn(f.key)) + "=?3" +
                                (blind ? ", " + quoteIdentifier(blindIndexColumn(f)) + "=?4" : "") + " WHERE uuid=?5");
    bindFieldValue(st, 1, values.front(), uuid);
    st.bind(5, uuid).run();
  } else {
    // Several fields: one statement per record type that assigns every field, each either the
    // given value or the one it has (combinations of changed fields are too many to keep a
    // statement for each). Blind indexes are assigned only when a value has one, so their
    // index is not rewritten for nothing.
    const bool blind =
        std::any_of(values.begin(), values.end(), [](const FieldValue& v) { return hasBlindIndex(*v.field); });
    Statement st = m_db->cached(recordUpdateSql(def, blind));
    for (size_t i = 0; i < def.fields.size(); ++i) st.bind(static_cast<int>(kUpdateParameters * i) + 1, 0);
    for (const FieldValue& v : values) {
      const int first = static_cast<int>(kUpdateParameters * (v.field - def.fields.data()));
      st.bind(first + 1, 1);
      bindFieldValue(st, first + 2, v, uuid);
    }
    st.bind(static_cast<int>(kUpdateParameters * def.fields.size()) + 1, uuid).run();
  }
}

void DeviceStore::bindFieldValue(Statement& st, int first, const FieldValue& v, const std::string& uuid) const {
  bindValue(st, first, *v.field, uuid, normalised(v.field, *v.value));
  if (v.version) {
    st.bind(first + 1, v.version->stamp).bind(first + 2, v.version->device);
  } else {  // the field was never set
    st.bind(first + 1, nullptr).bind(first + 2, nullptr);
  }
  if (!hasBlindIndex(*v.field)) return;
  if (v.value->is_string()) st.bind(first + 3, m_cipher->blindIndex(v.value->get<std::string>()));
  else st.bind(first + 3, nullptr);
}

const std::string& DeviceStore::recordUpdateSql(const RecordTypeDef& def, bool withBlindIndexes) {
  std::string& sql = m_recordUpdateSql[def.type + (withBlindIndexes ? "/blind" : "")];
  if (!sql.empty()) return sql;
  // Field i takes parameters 5i+1 (given or not), 5i+2 (value), 5i+3 and 5i+4 (version: stamp, device),
  // 5i+5 (blind index).
  std::string assignments;
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const FieldDef& f = def.fields[i];
    const size_t first = kUpdateParameters * i;
    const std::string flag = "?" + std::to_string(first + 1);
    const auto assign = [&](const std::string& column, size_t parameter) {
      const std::string c = quoteIdentifier(column);
      assignments += (assignments.empty() ? "" : ", ") + c + "=iif(" + flag + ", ?" + std::to_string(parameter) +
                     ", " + c + ")";
    };
    assign(f.key, first + 2);
    assign(versionColumn(f.key), first + 3);
    assign(versionDeviceColumn(f.key), first + 4);
    if (withBlindIndexes && hasBlindIndex(f)) assign(blindIndexColumn(f), first + 5);
  }
  sql = "UPDATE " + quoteIdentifier(def.type) + " SET " + assignments + " WHERE uuid=?" +
        std::to_string(kUpdateParameters * def.fields.size() + 1);
  return sql;
}

bool DeviceStore::dismissNotice(int64_t id) {
  std::lock_guard lock(m_mutex);
  m_db->cached("DELETE FROM notices WHERE id=?").bind(1, id).run();
  return m_db->changes() > 0;
}

void DeviceStore::addNotice(const SyncNotice& n) {
  auto st = m_db->cached(
      "INSERT INTO notices(kind, record_type, record_uuid, field, value, code, conflict_id, message_zh, message_en)"
      " VALUES(?,?,?,?,?,?,?,?,?)");
  st.bind(1, n.kind).bind(2, n.recordType).bind(3, n.recordUuid).bind(4, n.field);
  // The refused value is personal data: sealed like the fields.
  st.bindBlob(5, m_cipher->seal(n.value.dump(), "notice/" + n.recordUuid + "/" + n.field));
  st.bind(6, n.code).bind(7, n.conflictId).bind(8, n.messageZh).bind(9, n.messageEn).run();
}

namespace {
/// A string member of a JSON object, without copying it (null when absent or not a string).
const std::string* textMember(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}
}  // namespace

void DeviceStore::settleToServer(const RecordTypeDef& def, const OutboxEntry& e, const Json& current) {
  // The server's state of the field wins unless a newer local edit is still pending; a field the
  // server never set is cleared (the refused value stays in the conflict log). When the server
  // holds exactly this write, the device already has it: nothing to rewrite.
  const auto version = current.find("version"), value = current.find("value");
  const bool serverHoldsOurs = version != current.end() && *version == e.hlc && value != current.end() &&
                               *value == e.value;
  if (!serverHoldsOurs && version != current.end() && e.field != kDeletedField && !hasPending(e.recordUuid, e.field))
    setLocalField(def, e.recordUuid, e.field, version->is_string() && value != current.end() ? *value : Json(),
                  version->is_string() ? version->get<std::string>() : "");
  // A record the server never deleted can only be deleted here by a pending or this very change.
  const auto recordDeleted = current.find("record_deleted");
  if (recordDeleted == current.end()) return;
  const bool neverDeleted = *recordDeleted == false && !current.contains("deleted_version");
  if ((neverDeleted && e.field != kDeletedField) || hasPending(e.recordUuid, kDeletedField)) return;
  setLocalField(def, e.recordUuid, kDeletedField, recordDeleted->get<bool>(), current.value("deleted_version", ""));
}

size_t DeviceStore::acknowledgePush(const PushBatch& batch, const Json& results) {
  // Results name their change: each finds its entry in the batch; an entry none names stays.
  std::unordered_map<std::string_view, size_t> position;
  for (size_t i = 0; i < batch.entries.size(); ++i) position.emplace(batch.entries[i].changeId, i);
  static const Json unanswered = Json::object();
  std::vector<const Json*> byEntry(batch.entries.size(), &unanswered);
  for (const Json& r : results) {
    const std::string* changeId = textMember(r, "change_id");
    const auto found = changeId ? position.find(*changeId) : position.end();
    if (found != position.end()) byEntry[found->second] = &r;
  }
  return acknowledgePush(batch, byEntry);
}

bool DeviceStore::acknowledgeEntry(const OutboxEntry& e, const Json* r) {
  const std::string_view outcome = pushOutcome(r);
  if (outcome != "applied" && outcome != "duplicate" && outcome != "conflict") return false;
  const std::string* changeId = r ? textMember(*r, "change_id") : nullptr;
  if (changeId && *changeId != e.changeId) return false;  // an answer to another change
  // By row id: the batch holds it, and the change id's index need not be searched first.
  m_db->cached("DELETE FROM outbox WHERE seq=?").bind(1, e.seq).run();
  if (m_db->changes() == 0) return false;  // answered already (the same answer applied twice)
  if (!r) return true;  // applied as sent: the device already holds this write
  const RecordTypeDef* def = m_definition.record(e.recordType);
  const auto current = r->find("current");
  if (def && current != r->end() && current->is_object()) settleToServer(*def, e, *current);
  if (outcome == "conflict") {
    const std::string kind = r->value("conflict_kind", "concurrent_edit");
    addNotice({0, "conflict", e.recordType, e.recordUuid, e.field, e.value, kind, r->value("conflict_id", ""),
               "与其他网格员的修改冲突,已提交网格长处理", "conflicts with another worker's edit; sent to the supervisor",
               ""});
  }
  return true;
}

size_t DeviceStore::acknowledgePush(const PushBatch& batch, const std::vector<const Json*>& results) {
  if (results.size() != batch.entries.size())
    throw std::invalid_argument("acknowledgePush: one result per entry of the batch is expected");
  std::lock_guard lock(m_mutex);
  // Lost to a power cut, the entries stay in the outbox and go again under the same changeset id,
  // which the server answers from its stored results: no fsync of its own needed.
  RelaxedSync relaxed(*m_db);
  Transaction tx(*m_db);
  // Outbox entries never change once written (a new edit is a new entry), so the batch the caller
  // sent is what the outbox holds: nothing to read back.
  size_t removed = 0;
  for (size_t i = 0; i < results.size();) {
    if (results[i]) {
      if (acknowledgeEntry(batch.entries[i], results[i])) ++removed;
      ++i;
      continue;
    }
    // A run of entries applied as sent (most of a batch) leaves in one statement: the outbox holds no
    // other entry between a batch's first seq and its last (an entry leaves only with its batch's answer).
    size_t end = i;
    while (end < results.size() && !results[end]) ++end;
    m_db->cached("DELETE FROM outbox WHERE seq BETWEEN ? AND ?")
        .bind(1, batch.entries[i].seq).bind(2, batch.entries[end - 1].seq).run();
    removed += static_cast<size_t>(m_db->changes());  // less when answered before (the same answer twice)
    i = end;
  }
  endBatchLocked(batch.changesetId);
  metaSet("hlc_last", m_clock->last().toString());
  tx.commit();
  return removed;
}

RefusalOutcome DeviceStore::rejectChanges(const PushBatch& batch, const Json& rejected,
                                          std::optional<int64_t> serverTimeMs) {
  // Refusals name their change: each finds its entry in the batch that was sent; others are ignored.
  std::unordered_map<std::string_view, const OutboxEntry*> sent;
  for (const OutboxEntry& e : batch.entries) sent.emplace(e.changeId, &e);
  std::lock_guard lock(m_mutex);
  Transaction tx(*m_db);
  RefusalOutcome outcome;
  for (const Json& r : rejected) {
    const std::string* changeId = r.is_object() ? textMember(r, "change_id") : nullptr;
    const auto found = changeId ? sent.find(*changeId) : sent.end();
    if (found == sent.end()) continue;
    const OutboxEntry& e = *found->second;
    const auto text = [&r](const char* key) {
      const std::string* t = textMember(r, key);
      return t ? *t : std::string();
    };
    // Only its stamp was wrong: the edit goes again with one from the server's clock (below).
    if (serverTimeMs && text("code") == "clock_ahead") {
      ++outcome.resent;
      continue;
    }
    m_db->cached("DELETE FROM outbox WHERE seq=?").bind(1, e.seq).run();
    if (m_db->changes() == 0) continue;  // refused already (the same answer taken twice)
    // The refused value is kept as a notice for the worker to fix: nothing collected is dropped. An edit
    // the server passed to the community (out of the worker's grids) names the conflict it became.
    const auto flag = r.find("forwarded");
    const bool forwarded = flag != r.end() && *flag == true && !text("conflict_id").empty();
    addNotice({0, forwarded ? "forwarded" : "rejected", e.recordType, e.recordUuid, e.field, e.value, text("code"),
               text("conflict_id"), text("message_zh"), text("message"), ""});
    outcome.forwarded += forwarded ? 1 : 0;
    // The file shows what the server holds, not the refused value as if it were saved: a refusal of a
    // record the server holds says the field's state there (none for others, which keep their values).
    const auto current = r.find("current");
    const RecordTypeDef* def = m_definition.record(e.recordType);
    if (def && current != r.end() && current->is_object()) settleToServer(*def, e, *current);
    ++outcome.moved;
  }
  // A batch marked as following this one named it as `after` (or was not sent): the server stores it
  // only after this one, so it was not stored, and its entries are read again after what is left here.
  m_db->cached("DELETE FROM meta WHERE key IN ('inflight_changeset', 'inflight_following')").run();
  if (outcome.resent > 0) {
    outcome.restamped = restampAheadLocked(*serverTimeMs);
    outcome.clockOffsetMs = m_clock->wallMs() - *serverTimeMs;
  }
  tx.commit();
  return outcome;
}

int64_t DeviceStore::wallClockMs() const {
  std::lock_guard lock(m_mutex);
  return m_clock->wallMs();
}

void DeviceStore::moveFieldVersion(const std::string& type, const std::string& uuid, const std::string& field,
                                   const StoredVersion& from, const StoredVersion& to) {
  const auto versioned = m_versionedFields.find(type);
  if (versioned == m_versionedFields.end() ||
      std::find(versioned->second.begin(), versioned->second.end(), field) == versioned->second.end())
    return;  // no column keeps this field's version
  const std::string stamp = quoteIdentifier(versionColumn(field)), device = quoteIdentifier(versionDeviceColumn(field));
  m_db->cached("UPDATE " + quoteIdentifier(type) + " SET " + stamp + "=?1, " + device + "=?2 WHERE uuid=?3 AND " +
               stamp + "=?4 AND " + device + "=?5")
      .bind(1, to.stamp).bind(2, to.device).bind(3, uuid).bind(4, from.stamp).bind(5, from.device).run();
}

size_t DeviceStore::applyPulled(const std::vector<PulledChange>& changes, int64_t nextCursor) {
  std::lock_guard lock(m_mutex);
  RelaxedSync relaxed(*m_db);  // lost to a power cut, the page and its cursor are pulled again
  Transaction tx(*m_db);
  // Nothing can be saved while the lock is held: with an empty outbox (a pull right after a push)
  // no pulled field has a pending local edit to keep.
  const bool anyPending = m_db->cached("SELECT 1 FROM outbox LIMIT 1").step();
  std::vector<const PulledChange*> run;  // consecutive changes of one record, stored together
  bool expectNew = false;                // whether the last run's record was new (see storePulledRun)
  size_t stored = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    const PulledChange& p = changes[i];
    const Change& c = p.change;
    const RecordTypeDef* def = m_definition.record(c.recordType);
    if (def && !(anyPending && hasPending(c.record, c.field))) {
      run.push_back(&p);
      ++stored;
    }
    const bool runEnds = i + 1 == changes.size() || changes[i + 1].change.record != c.record ||
                         changes[i + 1].change.recordType != c.recordType;
    if (runEnds && !run.empty()) {
      storePulledRun(run, expectNew);
      run.clear();
    }
  }
  metaSet("pull_cursor", std::to_string(nextCursor));
  metaSet("hlc_last", m_clock->last().toString());
  tx.commit();
  return stored;
}

void DeviceStore::storePulledRun(const std::vector<const PulledChange*>& run, bool& expectNew) {
  const RecordTypeDef& def = *m_definition.record(run.front()->change.recordType);
  const std::string& uuid = run.front()->change.record;
  // The newest change of each field the definition knows; the deleted flag and unknown fields go alone.
  std::vector<const PulledChange*> newest, alone;
  for (const PulledChange* p : run) {
    if (p->change.field == kDeletedField || !def.field(p->change.field)) {
      alone.push_back(p);
      continue;
    }
    auto same = std::find_if(newest.begin(), newest.end(),
                             [&](const PulledChange* q) { return q->change.field == p->change.field; });
    if (same == newest.end()) newest.push_back(p);
    else *same = p;
  }
  std::vector<FieldValue> values;
  for (const PulledChange* p : newest)
    values.push_back({def.field(p->change.field), &p->change.value, storeObserved(p->version)});
  // A page's records are nearly all on the device already (a sync) or nearly all new (a first pull).
  // Whatever the last run found decides what this one tries first: the UPDATE, with a row made only
  // when it finds none, or making the row, then the UPDATE. Only a record unlike the one before it is
  // looked up twice.
  const auto makeRow = [&] {
    m_db->cached("INSERT OR IGNORE INTO " + quoteIdentifier(def.type) + "(uuid, parent_uuid) VALUES(?, ?)")
        .bind(1, uuid).bind(2, run.front()->change.parent).run();
    expectNew = m_db->changes() > 0;
  };
  if (expectNew || values.empty()) {
    makeRow();
    if (!values.empty()) setLocalValues(def, uuid, values);
  } else {
    setLocalValues(def, uuid, values);
    if (m_db->changes() == 0) {
      makeRow();
      setLocalValues(def, uuid, values);
    }
  }
  for (const PulledChange* p : alone) setLocalField(def, uuid, p->change.field, p->change.value, p->version);
}

int64_t DeviceStore::pullCursor() const {
  std::lock_guard lock(m_mutex);
  return std::stoll(metaGet("pull_cursor", "0"));
}

std::vector<SyncNotice> DeviceStore::notices() const {
  std::lock_guard lock(m_mutex);
  std::vector<SyncNotice> out;
  auto st = m_db->cached(
      "SELECT id, kind, record_type, record_uuid, field, value, code, conflict_id, message_zh, message_en, created_at"
      " FROM notices ORDER BY id");
  while (st.step()) {
    SyncNotice n;
    n.id = st.int64(0);
    n.kind = st.text(1);
    n.recordType = st.text(2);
    n.recordUuid = st.text(3);
    n.field = st.text(4);
    n.value = Json::parse(m_cipher->open(st.blob(5), "notice/" + n.recordUuid + "/" + n.field));
    n.code = st.text(6);
    n.conflictId = st.text(7);
    n.messageZh = st.text(8);
    n.messageEn = st.text(9);
    n.createdAt = st.text(10);
    out.push_back(std::move(n));
  }
  return out;
}

Json DeviceStore::snapshot() const {
  std::lock_guard lock(m_mutex);
  Json out = Json::object();
  for (const auto& def : m_definition.records()) {
    auto st = m_db->cached("SELECT uuid FROM " + quoteIdentifier(def.type) + " ORDER BY uuid");
    std::vector<std::string> uuids;
    while (st.step()) uuids.push_back(st.text(0));
    for (const auto& uuid : uuids) {
      auto r = loadFrom(def, uuid);
      if (!r || r->values.empty()) continue;
      Json fields = Json::object();
      for (const auto& [k, v] : r->values) fields[k] = v;
      out[uuid] = Json{{"type", def.type}, {"deleted", r->deleted}, {"fields", fields}};
    }
  }
  return out;
}

std::string DeviceStore::setting(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  const std::string value = metaGet("setting." + key);
  if (value.rfind("sealed:", 0) != 0) return value;
  std::vector<unsigned char> sealed;
  for (size_t i = 7; i + 1 < value.size(); i += 2)
    sealed.push_back(static_cast<unsigned char>(std::stoi(value.substr(i, 2), nullptr, 16)));
  return m_cipher->open(sealed, "setting/" + key);
}

void DeviceStore::setSetting(const std::string& key, const std::string& value, bool secret) {
  std::lock_guard lock(m_mutex);
  if (!secret) return metaSet("setting." + key, value);
  auto sealed = m_cipher->seal(value, "setting/" + key);
  metaSet("setting." + key, "sealed:" + toHex(sealed.data(), sealed.size()));
}

}  // namespace synccore
