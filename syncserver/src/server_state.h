#pragma once
// Everything the server keeps in its one SQLite file, opened together.
#include "accounts.h"
#include "audit_log.h"
#include "conflict_store.h"
#include "grid_directory.h"
#include "record_store.h"
#include "review_store.h"
#include "signing_key.h"
#include "synccore/hlc.h"
#include "synccore/sqlite.h"
#include "synccore/survey_definition.h"
#include "synccore/wal_checkpointer.h"

#include <memory>
#include <mutex>
#include <string>

namespace syncserver {

/// The server connection's durability, cache and checkpoint settings (WAL, synchronous=FULL, 64 MiB cache).
void applyServerConnectionSettings(synccore::Database& db);

/// The opened server database: accounts, grid names, records, conflicts, reviews, audit log and the server's clock.
/// One connection, used under `mutex` by whoever serves a request.
class ServerState {
 public:
  /// Opens (creating if needed) the database and its signing key ("<db>.signing-key.pem" by default).
  explicit ServerState(const std::string& dbPath, const std::string& signingKeyPath = {},
                       const synccore::SurveyDefinition& definition = synccore::SurveyDefinition::builtin());
  ~ServerState();

  synccore::Database& db() { return *m_db; }
  const synccore::SurveyDefinition& definition() const { return m_definition; }
  Accounts& accounts() { return *m_accounts; }
  AuditLog& audit() { return *m_audit; }
  RecordStore& records() { return *m_records; }
  ConflictStore& conflicts() { return *m_conflicts; }
  ReviewStore& reviews() { return *m_reviews; }
  GridDirectory& grids() { return *m_grids; }
  const SigningKey& signingKey() const { return *m_key; }
  /// A stamp for a decision made on the server (after every stamp the server has seen).
  synccore::Hlc tick();
  /// Folds in a device stamp; false when it is beyond the drift bound. Call saveClock() before
  /// the transaction commits.
  bool observe(const synccore::Hlc& stamp);
  void saveClock();
  /// Whether a changeset with this id was stored (its merge committed).
  bool changesetStored(const std::string& id);
  std::mutex& mutex() { return m_mutex; }

  static std::string defaultKeyPath(const std::string& dbPath) { return dbPath + ".signing-key.pem"; }

 private:
  std::mutex m_mutex;
  const synccore::SurveyDefinition& m_definition;
  std::unique_ptr<synccore::Database> m_db;
  std::unique_ptr<SigningKey> m_key;
  std::unique_ptr<Accounts> m_accounts;
  std::unique_ptr<AuditLog> m_audit;
  std::unique_ptr<RecordStore> m_records;
  std::unique_ptr<ConflictStore> m_conflicts;
  std::unique_ptr<ReviewStore> m_reviews;
  std::unique_ptr<GridDirectory> m_grids;
  std::unique_ptr<synccore::HybridClock> m_clock;
  std::unique_ptr<synccore::WalCheckpointer> m_checkpointer;
};

}  // namespace syncserver
