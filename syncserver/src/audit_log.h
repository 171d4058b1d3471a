#pragma once
// The tamper-evident conflict/audit log: append-only, hash-chained entries and a signed head.
// Format and verification procedure: docs/audit-log.md.
#include "signing_key.h"
#include "synccore/sqlite.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace synccore {
using Json = nlohmann::json;
}

namespace syncserver {

/// One log entry as stored; conflictId and recordUuid are empty when the column is NULL.
struct AuditEntry {
  int64_t seq = 0;
  std::string entryId, kind, conflictId, recordUuid, actor, recordedAt;
  synccore::Json body;
  std::string prevHash, hash;
  synccore::Json toJson() const;
};

/// The signed head: the last entry's seq and hash, signed with the server's key.
struct AuditHead {
  int64_t seq = 0;
  std::string hash, signature, signedAt;
  synccore::Json toJson() const;
};

/// Which entries to list or export; unset members do not filter.
struct AuditFilter {
  /// Bounds on recorded_at, both inclusive, compared as ISO-8601 prefixes:
  /// to = "2026-11-22" includes the whole of that day.
  std::optional<std::string> from, to;
  std::optional<std::string> kind, actor, conflictId, recordUuid;
  /// Matched in the body: grid and field (also inside "conflict"), decision (the "take" of a
  /// decision), user (the actor or either side's user of the conflict).
  std::optional<std::string> grid, field, decision, user;
  /// When set, only entries whose grid is one of these (a supervisor's community).
  std::optional<std::vector<std::string>> grids;
  size_t limit = 0;      // 0 = no limit
  int64_t afterSeq = 0;  // only entries with seq > afterSeq (paging)
};

/// The outcome of re-computing the chain and checking the signed head.
struct AuditVerification {
  bool ok = true;
  int64_t entries = 0;  // rows in audit_log
  std::optional<int64_t>
      firstBadSeq;        // first entry that is wrong or missing; empty if only the head is
  std::string problem;    // English, empty when ok
  std::string problemZh;  // Chinese, empty when ok
  synccore::Json toJson() const;
};

/// Append-only, hash-chained log of conflicts and decisions with a signed head.
/// Shares the caller's connection; like the connection, not for concurrent use from several
/// threads.
class AuditLog {
 public:
  /// Creates the tables if missing. Both references must outlive the log.
  AuditLog(synccore::Database& db, const SigningKey& key);

  /// Holds back re-signing the head while it lives: appends then chain entries as usual and finish()
  /// signs the head once, for the last of them (a changeset logging hundreds of conflicts signs once).
  /// Call finish() before the caller's transaction commits; a batch ended without it (an exception on
  /// the way to a rollback) writes no head.
  class SigningBatch {
   public:
    explicit SigningBatch(AuditLog& log);
    ~SigningBatch();
    SigningBatch(const SigningBatch&) = delete;
    SigningBatch& operator=(const SigningBatch&) = delete;
    void finish();

   private:
    AuditLog& m_log;
  };

  /// Appends one entry and re-signs audit_head (inside a SigningBatch: when it finishes). Call inside the
  /// caller's open transaction so the entry commits (or rolls back) atomically with the change it records; it does not begin or
  /// commit one itself (it uses a savepoint, so a failed append leaves nothing behind).
  /// Throws synccore::SqliteError, or nlohmann::json::type_error for a body with invalid UTF-8.
  AuditEntry append(const std::string& kind, const std::string& actor, const synccore::Json& body,
                    const std::string& conflictId = {}, const std::string& recordUuid = {});

  /// Re-computes every hash and link and checks the head; reports the first problem found.
  AuditVerification verify() const;
  std::vector<AuditEntry> entries(const AuditFilter& filter = {}) const;
  std::optional<AuditHead> head() const;

  /// CSV for spreadsheets: UTF-8 with BOM, CRLF rows, RFC 4180 quoting, header row.
  void exportCsv(std::ostream& out, const AuditFilter& filter = {}) const;
  /// {"entries":[...], "head":{...}, "public_key_fingerprint", "public_key_pem",
  /// "verification":{...}}; head and verification always describe the whole log, entries only the
  /// filtered ones.
  void exportJson(std::ostream& out, const AuditFilter& filter = {}) const;

 private:
  /// The head an append leaves: signed now, or kept for the open SigningBatch.
  struct UnsignedHead {
    int64_t seq = 0;
    std::string hash, recordedAt;
  };
  void signHead(const UnsignedHead& head);

  synccore::Database& m_db;
  const SigningKey& m_key;
  bool m_batchOpen = false;
  std::optional<UnsignedHead> m_pendingHead;  // the open batch's last append
};

/// The hash chained into each entry: lowercase hex SHA-256 of the canonical JSON array
/// [seq, entry_id, kind, conflict_id or "", record_uuid or "", actor, recorded_at, body text,
/// prev_hash]. Throws nlohmann::json::type_error if a text is not valid UTF-8.
std::string auditEntryHash(int64_t seq, const std::string& entryId, const std::string& kind,
                           const std::string& conflictId, const std::string& recordUuid,
                           const std::string& actor, const std::string& recordedAt,
                           const std::string& bodyText, const std::string& prevHash);

/// The exact text the head signature covers: "anju-audit-head/1\n<seq>\n<hash>".
std::string auditHeadMessage(int64_t seq, const std::string& hash);

/// Current UTC time as ISO-8601 with milliseconds, e.g. 2026-11-22T08:15:30.123Z.
std::string utcNowIso();

}  // namespace syncserver
