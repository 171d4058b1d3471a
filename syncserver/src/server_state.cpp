#include "server_state.h"

namespace syncserver {

void applyServerConnectionSettings(synccore::Database& db) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
  // A merge reads and writes b-trees keyed by random UUIDs: keep 64 MiB of their pages in memory.
  db.exec("PRAGMA cache_size=-65536");
  // Checkpoints run on their own thread; this connection checkpoints only if the WAL passes ~80 MiB.
  db.setWalAutoCheckpoint(20000);
  db.exec("PRAGMA journal_size_limit=67108864");
}

ServerState::ServerState(const std::string& dbPath, const std::string& signingKeyPath,
                         const synccore::SurveyDefinition& definition)
    : m_definition(definition) {
  m_db = std::make_unique<synccore::Database>(dbPath);
  applyServerConnectionSettings(*m_db);
  m_key = std::make_unique<SigningKey>(
      SigningKey::loadOrCreate(signingKeyPath.empty() ? defaultKeyPath(dbPath) : signingKeyPath));
  synccore::Transaction tx(*m_db);
  m_db->exec("CREATE TABLE IF NOT EXISTS server_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  m_accounts = std::make_unique<Accounts>(*m_db);
  m_audit = std::make_unique<AuditLog>(*m_db, *m_key);
  m_records = std::make_unique<RecordStore>(*m_db);
  m_conflicts = std::make_unique<ConflictStore>(*m_db, *m_audit);
  m_reviews = std::make_unique<ReviewStore>(*m_db);
  m_grids = std::make_unique<GridDirectory>(*m_db);
  m_records->onHouseholdMoved([this](const std::string& household) { m_reviews->reannounce(household); });
  // Until 2026-11 a changeset kept its whole answer; answers are now rebuilt from applied_changes. The
  // old table is kept aside: its changes stay known through applied_changes, so a replay is still a no-op.
  if (m_db->hasColumn("changesets", "response")) m_db->exec("ALTER TABLE changesets RENAME TO changesets_v0");
  m_db->exec(
      "CREATE TABLE IF NOT EXISTS changesets(id TEXT PRIMARY KEY, user_name TEXT NOT NULL, digest TEXT NOT NULL,"
      " last_seq INTEGER NOT NULL, received_ms INTEGER NOT NULL, start_seq INTEGER);"
      "CREATE TABLE IF NOT EXISTS applied_changes(change_id TEXT PRIMARY KEY, outcome TEXT NOT NULL,"
      " changeset_id TEXT) WITHOUT ROWID;");
  if (!m_db->hasColumn("applied_changes", "changeset_id")) m_db->exec("ALTER TABLE applied_changes ADD COLUMN changeset_id TEXT");
  // Since 2026-11-23 a change applied as sent keeps no applied_changes row (its change log row marks it);
  // a changeset's own log rows are those after start_seq. Older changesets keep NULL: all their changes have rows.
  if (!m_db->hasColumn("changesets", "start_seq")) m_db->exec("ALTER TABLE changesets ADD COLUMN start_seq INTEGER");
  tx.commit();
  auto st = m_db->prepare("SELECT value FROM server_meta WHERE key='hlc_last'");
  synccore::Hlc last;
  if (st.step())
    if (auto parsed = synccore::Hlc::parse(st.text(0))) last = *parsed;
  m_clock = std::make_unique<synccore::HybridClock>("server", last);
  m_checkpointer = std::make_unique<synccore::WalCheckpointer>(dbPath, std::chrono::milliseconds(500));
}

ServerState::~ServerState() = default;

synccore::Hlc ServerState::tick() {
  auto stamp = m_clock->tick();
  saveClock();
  return stamp;
}

bool ServerState::observe(const synccore::Hlc& stamp) {
  return m_clock->observe(stamp);
}

void ServerState::saveClock() {
  m_db->prepare("INSERT INTO server_meta(key, value) VALUES('hlc_last', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")
      .bind(1, m_clock->last().toString())
      .run();
}

bool ServerState::changesetStored(const std::string& id) {
  auto st = m_db->cached("SELECT 1 FROM changesets WHERE id=?");
  st.bind(1, id);
  return st.step();
}

}  // namespace syncserver
