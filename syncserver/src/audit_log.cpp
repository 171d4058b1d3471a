#include "audit_log.h"

#include "csv_writer.h"

#include "synccore/crypto_algorithms.h"
#include "synccore/field_cipher.h"
#include "synccore/random_id.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <stdexcept>

namespace syncserver {

using synccore::Json;

namespace {

const std::string kGenesisHash(64, '0');
constexpr const char* kEntryColumns =
    "seq, entry_id, kind, conflict_id, record_uuid, actor, recorded_at, body, prev_hash, hash";

/// A SQLite savepoint: nests inside the caller's transaction (or opens one when there is none),
/// and rolls back its own work unless released.
class Savepoint {
 public:
  Savepoint(synccore::Database& db, std::string name) : m_db(db), m_name(std::move(name)) {
    m_db.exec("SAVEPOINT " + m_name);
  }
  ~Savepoint() {
    if (m_released) return;
    try {
      m_db.exec("ROLLBACK TO " + m_name + "; RELEASE " + m_name);
    } catch (...) {
    }
  }
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release() {
    m_db.exec("RELEASE " + m_name);
    m_released = true;
  }

 private:
  synccore::Database& m_db;
  std::string m_name;
  bool m_released = false;
};

std::string sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, synccore::sha256Algorithm(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return synccore::toHex(digest, size);
}

Json parseBody(const std::string& text) {
  Json body = Json::parse(text, nullptr, false);
  return body.is_discarded() ? Json(text) : body;  // a mangled body is shown as the text it holds
}

AuditEntry readEntry(const synccore::Statement& st) {
  AuditEntry e;
  e.seq = st.int64(0);
  e.entryId = st.text(1);
  e.kind = st.text(2);
  e.conflictId = st.text(3);
  e.recordUuid = st.text(4);
  e.actor = st.text(5);
  e.recordedAt = st.text(6);
  e.body = parseBody(st.text(7));
  e.prevHash = st.text(8);
  e.hash = st.text(9);
  return e;
}

Json nullIfEmpty(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

void bindOptional(synccore::Statement& st, int index, const std::string& text) {
  if (text.empty())
    st.bind(index, nullptr);
  else
    st.bind(index, text);
}

AuditVerification failure(std::optional<int64_t> seq, std::string problem, std::string problemZh) {
  AuditVerification v;
  v.ok = false;
  v.firstBadSeq = seq;
  v.problem = std::move(problem);
  v.problemZh = std::move(problemZh);
  return v;
}

std::string str(int64_t n) {
  return std::to_string(n);
}

/// Checks one stored row against the expected position in the chain; empty when it is sound.
std::optional<AuditVerification> checkRow(const synccore::Statement& st, int64_t expectedSeq,
                                          const std::string& previousHash) {
  const int64_t seq = st.int64(0);
  if (seq > expectedSeq) {
    const std::string missing = seq - expectedSeq == 1 ? "entry " + str(expectedSeq) + " is missing"
                                                       : "entries " + str(expectedSeq) + "-" +
                                                             str(seq - 1) + " are missing";
    const std::string missingZh = seq - expectedSeq == 1
                                      ? "第" + str(expectedSeq) + "条缺失"
                                      : "第" + str(expectedSeq) + "至" + str(seq - 1) + "条缺失";
    if (expectedSeq == 1)
      return failure(
          expectedSeq,
          missing + ": the log starts at entry " + str(seq) + " (first entries deleted?)",
          missingZh + ":日志从第" + str(seq) + "条开始(开头的条目可能被删除)");
    return failure(
        expectedSeq,
        missing + ": entry " + str(expectedSeq - 1) + " is followed by entry " + str(seq) +
            " (deleted?)",
        missingZh + ":第" + str(expectedSeq - 1) + "条之后是第" + str(seq) + "条(可能被删除)");
  }
  if (seq < expectedSeq)
    return failure(seq,
                   "entry " + str(seq) + ": out of sequence, expected entry " + str(expectedSeq) +
                       " (inserted?)",
                   "第" + str(seq) + "条:序号不连续,应为第" + str(expectedSeq) + "条(可能被插入)");
  std::string computed;
  try {
    computed = auditEntryHash(seq, st.text(1), st.text(2), st.text(3), st.text(4), st.text(5),
                              st.text(6), st.text(7), st.text(8));
  } catch (const Json::exception&) {
    computed.clear();  // text that is not UTF-8 was never written by append(): edited
  }
  if (computed != st.text(9))
    return failure(seq, "entry " + str(seq) + ": hash does not match its content (edited?)",
                   "第" + str(seq) + "条:内容与哈希不符(可能被修改)");
  if (st.text(8) != previousHash) {
    if (seq == 1)
      return failure(seq, "entry 1: prev_hash is not 64 zeros (entries inserted before it?)",
                     "第1条:前一哈希不是64个0(可能在其前插入了条目)");
    return failure(seq,
                   "entry " + str(seq) + ": does not link to entry " + str(seq - 1) + " (entry " +
                       str(seq - 1) + " rewritten, or entries reordered or inserted?)",
                   "第" + str(seq) + "条:与第" + str(seq - 1) + "条的哈希链接不符(第" +
                       str(seq - 1) + "条可能被改写,或条目被调换、插入)");
  }
  return std::nullopt;
}

/// Checks the signed head against the key and the last entry of a sound chain.
AuditVerification checkHead(const std::optional<AuditHead>& head, const SigningKey& key,
                            int64_t lastSeq, const std::string& lastHash) {
  if (!head) {
    if (lastSeq == 0) return {};
    return failure(std::nullopt,
                   "the signed head is missing: " + str(lastSeq) + " entries but no audit_head row",
                   "签名头缺失:有" + str(lastSeq) + "条记录但没有签名头");
  }
  if (!key.verify(auditHeadMessage(head->seq, head->hash), head->signature))
    return failure(std::nullopt,
                   "the signed head's signature is not valid for this server's key (head forged or "
                   "edited, or a "
                   "different signing key)",
                   "签名头的签名无效(签名头可能被伪造或修改,或使用了不同的签名密钥)");
  if (head->seq > lastSeq)
    return failure(lastSeq + 1,
                   "entries " + str(lastSeq + 1) + "-" + str(head->seq) +
                       " are missing at the end: the signed head covers " + str(head->seq) +
                       " entries but the log ends at " + str(lastSeq) + " (truncated?)",
                   "末尾第" + str(lastSeq + 1) + "至" + str(head->seq) + "条缺失:签名头记录" +
                       str(head->seq) + "条,日志只到第" + str(lastSeq) + "条(可能被截断)");
  if (head->seq < lastSeq)
    return failure(
        head->seq + 1,
        "entries " + str(head->seq + 1) + "-" + str(lastSeq) +
            " are not covered by the signed head (added without the server's key?)",
        "第" + str(head->seq + 1) + "至" + str(lastSeq) + "条不在签名头范围内(可能被私自添加)");
  if (head->hash != lastHash)
    return failure(lastSeq,
                   "entry " + str(lastSeq) +
                       ": hash differs from the signed head (the log was rewritten and re-hashed?)",
                   "第" + str(lastSeq) + "条:哈希与签名头不符(日志可能被改写并重新计算哈希)");
  return {};
}

/// A CSV column taken from the body: the first of several paths ("a.b" = body["a"]["b"]) that
/// holds a value other than null or an object.
struct BodyColumn {
  const char* name;
  std::vector<std::string> paths;
};

const std::vector<BodyColumn>& csvBodyColumns() {
  static const std::vector<BodyColumn> columns = {
      {"field", {"field", "conflict.field"}},
      {"conflict_kind", {"conflict.kind", "kind"}},
      {"policy", {"policy", "conflict.policy"}},
      {"status", {"status", "conflict.status"}},
      {"grid", {"grid", "conflict.grid"}},
      {"household", {"household", "conflict.household"}},
      {"server_value", {"server.value", "conflict.server.value"}},
      {"incoming_value", {"incoming.value", "conflict.incoming.value"}},
      {"incoming_user", {"incoming.user", "conflict.incoming.user"}},
      {"provisional_value", {"provisional_value", "conflict.provisional_value"}},
      {"decision", {"decision.take", "take", "decision"}},
      {"decided_by", {"decision.by", "by"}},
      {"reason", {"reason", "decision.reason", "comment"}},
      {"final_value", {"final_value", "decision.final_value"}},
  };
  return columns;
}

std::string bodyValue(const Json& body, const BodyColumn& column) {
  for (const auto& path : column.paths) {
    const Json* node = &body;
    size_t start = 0;
    while (node && start <= path.size()) {
      const size_t dot = std::min(path.find('.', start), path.size());
      const std::string key = path.substr(start, dot - start);
      node = node->is_object() && node->contains(key) ? &(*node)[key] : nullptr;
      start = dot + 1;
    }
    if (!node || node->is_null() || node->is_object()) continue;
    return node->is_string() ? node->get<std::string>()
                             : node->dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return {};
}

}  // namespace

Json AuditEntry::toJson() const {
  return Json{{"seq", seq},
              {"entry_id", entryId},
              {"kind", kind},
              {"conflict_id", nullIfEmpty(conflictId)},
              {"record_uuid", nullIfEmpty(recordUuid)},
              {"actor", actor},
              {"recorded_at", recordedAt},
              {"body", body},
              {"prev_hash", prevHash},
              {"hash", hash}};
}

Json AuditHead::toJson() const {
  return Json{{"seq", seq}, {"hash", hash}, {"signature", signature}, {"signed_at", signedAt}};
}

Json AuditVerification::toJson() const {
  return Json{{"ok", ok},
              {"entries", entries},
              {"first_bad_seq", firstBadSeq ? Json(*firstBadSeq) : Json(nullptr)},
              {"problem", problem},
              {"problem_zh", problemZh}};
}

std::string auditEntryHash(int64_t seq, const std::string& entryId, const std::string& kind,
                           const std::string& conflictId, const std::string& recordUuid,
                           const std::string& actor, const std::string& recordedAt,
                           const std::string& bodyText, const std::string& prevHash) {
  const Json canonical = Json::array(
      {seq, entryId, kind, conflictId, recordUuid, actor, recordedAt, bodyText, prevHash});
  return sha256Hex(canonical.dump());
}

std::string auditHeadMessage(int64_t seq, const std::string& hash) {
  return "anju-audit-head/1\n" + std::to_string(seq) + "\n" + hash;
}

std::string utcNowIso() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[24];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  const int millis = static_cast<int>(ms % 1000);
  return std::string(buffer) + "." + char('0' + millis / 100) + char('0' + millis / 10 % 10) +
         char('0' + millis % 10) + "Z";
}

AuditLog::AuditLog(synccore::Database& db, const SigningKey& key) : m_db(db), m_key(key) {
  m_db.exec(
      "CREATE TABLE IF NOT EXISTS audit_log(seq INTEGER PRIMARY KEY, entry_id TEXT NOT NULL UNIQUE,"
      " kind TEXT NOT NULL, conflict_id TEXT, record_uuid TEXT, actor TEXT NOT NULL, recorded_at "
      "TEXT NOT NULL,"
      " body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS audit_log_conflict ON audit_log(conflict_id);"
      "CREATE INDEX IF NOT EXISTS audit_log_record ON audit_log(record_uuid);"
      "CREATE INDEX IF NOT EXISTS audit_log_recorded_at ON audit_log(recorded_at);"
      "CREATE TABLE IF NOT EXISTS audit_head(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER "
      "NOT NULL,"
      " hash TEXT NOT NULL, signature TEXT NOT NULL, signed_at TEXT NOT NULL);");
}

AuditEntry AuditLog::append(const std::string& kind, const std::string& actor, const Json& body,
                            const std::string& conflictId, const std::string& recordUuid) {
  Savepoint savepoint(m_db, "audit_append");
  AuditEntry e;
  e.seq = 1;
  e.prevHash = kGenesisHash;
  {
    auto last = m_db.cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (last.step()) {
      e.seq = last.int64(0) + 1;
      e.prevHash = last.text(1);
    }
  }
  e.entryId = synccore::newUuid();
  e.kind = kind;
  e.conflictId = conflictId;
  e.recordUuid = recordUuid;
  e.actor = actor;
  e.recordedAt = utcNowIso();
  e.body = body;
  const std::string bodyText = body.dump();
  e.hash = auditEntryHash(e.seq, e.entryId, kind, conflictId, recordUuid, actor, e.recordedAt,
                          bodyText, e.prevHash);

  auto insert = m_db.cached(std::string("INSERT INTO audit_log(") + kEntryColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, e.seq).bind(2, e.entryId).bind(3, kind);
  bindOptional(insert, 4, conflictId);
  bindOptional(insert, 5, recordUuid);
  insert.bind(6, actor)
      .bind(7, e.recordedAt)
      .bind(8, bodyText)
      .bind(9, e.prevHash)
      .bind(10, e.hash)
      .run();

  if (m_batchOpen)
    m_pendingHead = UnsignedHead{e.seq, e.hash, e.recordedAt};
  else
    signHead({e.seq, e.hash, e.recordedAt});
  savepoint.release();
  return e;
}

void AuditLog::signHead(const UnsignedHead& head) {
  m_db.cached(
          "INSERT INTO audit_head(id, seq, hash, signature, signed_at) VALUES(1,?,?,?,?)"
          " ON CONFLICT(id) DO UPDATE SET seq=excluded.seq, hash=excluded.hash, signature=excluded.signature,"
          " signed_at=excluded.signed_at")
      .bind(1, head.seq)
      .bind(2, head.hash)
      .bind(3, m_key.sign(auditHeadMessage(head.seq, head.hash)))
      .bind(4, head.recordedAt)
      .run();
}

AuditLog::SigningBatch::SigningBatch(AuditLog& log) : m_log(log) {
  if (m_log.m_batchOpen) throw std::logic_error("AuditLog::SigningBatch: a batch is already open");
  m_log.m_batchOpen = true;
  m_log.m_pendingHead.reset();
}

AuditLog::SigningBatch::~SigningBatch() {
  m_log.m_batchOpen = false;
  m_log.m_pendingHead.reset();
}

void AuditLog::SigningBatch::finish() {
  m_log.m_batchOpen = false;
  if (m_log.m_pendingHead) m_log.signHead(*m_log.m_pendingHead);
  m_log.m_pendingHead.reset();
}

std::optional<AuditHead> AuditLog::head() const {
  auto st = m_db.prepare("SELECT seq, hash, signature, signed_at FROM audit_head WHERE id=1");
  if (!st.step()) return std::nullopt;
  return AuditHead{st.int64(0), st.text(1), st.text(2), st.text(3)};
}

AuditVerification AuditLog::verify() const {
  Savepoint snapshot(m_db, "audit_read");  // chain and head read from one consistent state
  int64_t rows = 0;
  {
    auto count = m_db.prepare("SELECT count(*) FROM audit_log");
    count.step();
    rows = count.int64(0);
  }
  int64_t lastSeq = 0;
  std::string lastHash = kGenesisHash;
  auto st = m_db.prepare(std::string("SELECT ") + kEntryColumns + " FROM audit_log ORDER BY seq");
  while (st.step()) {
    if (auto problem = checkRow(st, lastSeq + 1, lastHash)) {
      problem->entries = rows;
      return *problem;
    }
    lastSeq = st.int64(0);
    lastHash = st.text(9);
  }
  AuditVerification result = checkHead(head(), m_key, lastSeq, lastHash);
  result.entries = rows;
  return result;
}

std::vector<AuditEntry> AuditLog::entries(const AuditFilter& f) const {
  std::string sql = std::string("SELECT ") + kEntryColumns + " FROM audit_log WHERE seq > ?1";
  std::vector<std::string> args;
  // Each '#' in a condition stands for the value's own numbered parameter.
  const auto where = [&](const std::optional<std::string>& value, std::string_view condition) {
    if (!value) return;
    args.push_back(*value);
    sql += " AND ";
    for (char c : condition)
      sql += c == '#' ? "?" + std::to_string(args.size() + 1) : std::string(1, c);
  };
  where(f.from, "recorded_at >= #");
  where(f.to, "substr(recorded_at, 1, length(#)) <= #");
  where(f.kind, "kind = #");
  where(f.actor, "actor = #");
  where(f.conflictId, "conflict_id = #");
  where(f.recordUuid, "record_uuid = #");
  const std::string grid = "coalesce(json_extract(body, '$.grid'), json_extract(body, '$.conflict.grid'))";
  where(f.grid, grid + " = #");
  where(f.field, "coalesce(json_extract(body, '$.field'), json_extract(body, '$.conflict.field')) = #");
  where(f.decision, "coalesce(json_extract(body, '$.decision.take'), json_extract(body, '$.take')) = #");
  where(f.user,
        "(actor = # OR json_extract(body, '$.incoming.user') = # OR json_extract(body, '$.server.user') = #"
        " OR json_extract(body, '$.conflict.incoming.user') = # OR json_extract(body, '$.conflict.server.user') = #)");
  if (f.grids) {
    sql += " AND " + grid + " IN (NULL";
    for (const auto& g : *f.grids) {
      args.push_back(g);
      sql += ",?" + std::to_string(args.size() + 1);
    }
    sql += ")";
  }
  sql += " ORDER BY seq";
  if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
  auto st = m_db.prepare(sql);
  st.bind(1, f.afterSeq);
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i) + 2, args[i]);
  std::vector<AuditEntry> out;
  while (st.step()) out.push_back(readEntry(st));
  return out;
}

void AuditLog::exportCsv(std::ostream& out, const AuditFilter& filter) const {
  out << kUtf8Bom;
  std::vector<std::string> header = {"seq",   "recorded_at", "kind",
                                     "actor", "conflict_id", "record_uuid"};
  for (const auto& column : csvBodyColumns()) header.push_back(column.name);
  for (const char* name : {"entry_id", "prev_hash", "hash", "body"}) header.push_back(name);
  writeCsvRow(out, header);
  for (const auto& e : entries(filter)) {
    std::vector<std::string> row = {std::to_string(e.seq),    e.recordedAt, spreadsheetSafe(e.kind),
                                    spreadsheetSafe(e.actor), e.conflictId, e.recordUuid};
    for (const auto& column : csvBodyColumns())
      row.push_back(spreadsheetSafe(bodyValue(e.body, column)));
    row.push_back(e.entryId);
    row.push_back(e.prevHash);
    row.push_back(e.hash);
    row.push_back(e.body.dump(-1, ' ', false, Json::error_handler_t::replace));
    writeCsvRow(out, row);
  }
}

void AuditLog::exportJson(std::ostream& out, const AuditFilter& filter) const {
  Savepoint snapshot(m_db,
                     "audit_read");  // entries, head and verification from one consistent state
  Json list = Json::array();
  for (const auto& e : entries(filter)) list.push_back(e.toJson());
  const auto signedHead = head();
  const Json document{{"format", "anju-audit-export/1"},
                      {"entries", list},
                      {"head", signedHead ? signedHead->toJson() : Json(nullptr)},
                      {"public_key_fingerprint", m_key.fingerprint()},
                      {"public_key_pem", m_key.publicKeyPem()},
                      {"verification", verify().toJson()}};
  out << document.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace syncserver
