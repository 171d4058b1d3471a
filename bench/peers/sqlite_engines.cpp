// Raw SQLite (the physical limit) and SQLite's session extension on workload W.
//
// Both use the plain relational shape of W: table household(uuid PRIMARY KEY, 40 columns) and
// person(uuid PRIMARY KEY, household, 10 columns), WAL, synchronous=FULL, filled once per process
// with the base state and copied for each run.
//   raw:     A's and B's writes as prepared UPDATE/INSERT/DELETE statements, one per field change
//            (one INSERT per new person), in one transaction on one file. No conflict detection.
//   session: A and B each write into their own copy under a session; the server copy applies A's
//            changeset, then B's (sqlite3changeset_apply). The conflict handler counts what SQLite
//            reports and answers REPLACE for data conflicts and OMIT otherwise.
#include "engines.h"
#include "synccore/sqlite.h"  // must come after SQLITE_ENABLE_SESSION (set by CMake)

#include <cstdio>
#include <cstring>
#include <optional>

namespace peers {

void progress(const RunOptions& o, const std::string& text) {
  // stdio, not std::cerr: the in-process server's request log goes to std::cerr (silenced).
  if (o.verbose) std::fprintf(stderr, "[peer_bench] %s\n", text.c_str());
}

namespace {

using synccore::Database;
using synccore::FieldType;
using synccore::Statement;

const char* affinity(FieldType t) {
  switch (t) {
    case FieldType::Integer:
    case FieldType::YesNo: return "INTEGER";
    case FieldType::Decimal: return "REAL";
    default: return "TEXT";
  }
}

void bindJson(Statement& st, int index, const Json& v) {
  if (v.is_null()) st.bind(index, nullptr);
  else if (v.is_boolean()) st.bind(index, v.get<bool>() ? 1 : 0);
  else if (v.is_number_integer()) st.bind(index, v.get<int64_t>());
  else if (v.is_number()) st.bind(index, v.get<double>());
  else if (v.is_string()) st.bind(index, v.get<std::string>());
  else st.bind(index, v.dump());
}

Json readJson(const Statement& st, int col, FieldType t) {
  if (st.isNull(col)) return nullptr;
  switch (t) {
    case FieldType::YesNo: return st.int64(col) != 0;
    case FieldType::Integer: return st.int64(col);
    case FieldType::Decimal: return st.real(col);
    default: return st.text(col);
  }
}

/// The plain relational copy of W: household and person tables.
class PlainDb {
 public:
  PlainDb(const std::string& path, const Workload& w) : m_w(w), m_db(path) {
    m_db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
  }
  Database& db() { return m_db; }

  void createSchema() {
    for (int k = 0; k < 2; ++k) {
      std::string sql = std::string("CREATE TABLE ") + kindName(k) + "(uuid TEXT PRIMARY KEY";
      if (k == kPerson) sql += ", household TEXT NOT NULL";
      for (const auto& f : m_w.fields[k]) sql += ", " + synccore::quoteIdentifier(f.key) + " " + affinity(f.type);
      m_db.exec(sql + ")");
    }
    m_db.exec("CREATE INDEX person_household ON person(household)");
  }

  void insert(const Record& r) {
    std::string cols = "uuid", marks = "?";
    if (r.kind == kPerson) cols += ", household", marks += ", ?";
    for (const auto& f : m_w.fields[r.kind]) cols += ", " + synccore::quoteIdentifier(f.key), marks += ", ?";
    auto st = m_db.cached(std::string("INSERT INTO ") + kindName(r.kind) + "(" + cols + ") VALUES(" + marks + ")");
    int i = 1;
    st.bind(i++, r.uuid);
    if (r.kind == kPerson) st.bind(i++, m_w.base[kHousehold][r.household].uuid);
    for (const auto& v : r.values) bindJson(st, i++, v);
    st.run();
  }

  /// One side's writes as prepared statements (the caller owns the transaction). With `commitEvery`,
  /// the transaction is committed and a new one begun each time about that many field changes have
  /// accumulated (Anju's changeset boundaries, to within one write). Returns statements run.
  size_t apply(int side, size_t commitEvery = 0) {
    size_t statements = 0, sinceCommit = 0;
    for (const Save& sv : m_w.saves[side])
      for (const Write& wr : sv.writes) {
        sinceCommit += wr.op == Write::Delete ? 1 : wr.fields.size();
        if (commitEvery && sinceCommit >= commitEvery) {
          m_db.exec("COMMIT; BEGIN IMMEDIATE");
          sinceCommit = 0;
        }
        const Record& r = m_w.record(wr);
        if (wr.op == Write::Insert) {
          insert(r);
          ++statements;
        } else if (wr.op == Write::Delete) {
          m_db.cached(std::string("DELETE FROM ") + kindName(wr.kind) + " WHERE uuid=?").bind(1, r.uuid).run();
          ++statements;
        } else {
          for (const auto& [f, v] : wr.fields) {
            auto st = m_db.cached(std::string("UPDATE ") + kindName(wr.kind) + " SET " +
                                  synccore::quoteIdentifier(m_w.fields[wr.kind][f].key) + "=? WHERE uuid=?");
            bindJson(st, 1, v);
            st.bind(2, r.uuid).run();
            ++statements;
          }
        }
      }
    return statements;
  }

  Json checkState(const Oracle& oracle) {
    StateChecker checker(m_w, oracle);
    for (int k = 0; k < 2; ++k) {
      const auto& specs = m_w.fields[k];
      const int first = k == kPerson ? 2 : 1;
      auto st = m_db.prepare(std::string("SELECT * FROM ") + kindName(k));
      while (st.step()) {
        Json fields = Json::object();
        for (size_t f = 0; f < specs.size(); ++f) {
          Json v = readJson(st, first + static_cast<int>(f), specs[f].type);
          if (!v.is_null()) fields[specs[f].key] = std::move(v);
        }
        checker.record(st.text(0), false, fields);
      }
    }
    return checker.finish();
  }

 private:
  const Workload& m_w;
  Database m_db;
};

/// Builds the base file once (returns its path inside dir).
std::string makeTemplate(const Workload& w, const TempDir& dir) {
  const std::string path = dir.file("template.db");
  PlainDb db(path, w);
  db.createSchema();
  synccore::Transaction tx(db.db());
  for (int k = 0; k < 2; ++k)
    for (const auto& r : w.base[k]) db.insert(r);
  tx.commit();
  db.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return path;
}

void copyDb(const std::string& from, const std::string& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

/// W's writes (A's, then B's) into a fresh copy of `base` at `path`, timed: in one transaction, or with a
/// durable commit each `commitEvery` field changes. The file stays open in `db` for a state check.
double timedApply(const Workload& w, const std::string& base, const std::string& path, std::optional<PlainDb>& db,
                  size_t commitEvery = 0, size_t* statements = nullptr) {
  db.reset();
  copyDb(base, path);
  db.emplace(path, w);
  const auto t0 = Clock::now();
  synccore::Transaction tx(db->db());
  const size_t n = db->apply(0, commitEvery) + db->apply(1, commitEvery);
  tx.commit();
  if (statements) *statements = n;
  return msSince(t0);
}

}  // namespace

struct RawSqliteTimer::Impl {
  Impl(const Workload& w, const std::string& dir) : w(w), dir(dir), base(makeTemplate(w, this->dir)) {}
  const Workload& w;
  TempDir dir;
  std::string base;
};

RawSqliteTimer::RawSqliteTimer(const Workload& w, const std::string& dir) : m_impl(std::make_unique<Impl>(w, dir)) {}
RawSqliteTimer::~RawSqliteTimer() = default;

double RawSqliteTimer::applyMs() {
  std::optional<PlainDb> db;
  return timedApply(m_impl->w, m_impl->base, m_impl->dir.file("run.db"), db);
}

Json runRawSqlite(const Workload& w, const Oracle& oracle, const RunOptions& o) {
  TempDir dir(o.dir);
  progress(o, "raw: base file");
  const std::string base = makeTemplate(w, dir);
  Figures fig;
  Json state, batchedState;
  size_t statements = 0;
  std::optional<PlainDb> db, batched;
  for (int run = 0; run < o.runs; ++run) {
    const double ms = timedApply(w, base, dir.file("server.db"), db, 0, &statements);
    fig.add("apply_ms", ms);
    fig.add("statements_per_s", static_cast<double>(statements) / (ms / 1000));
    fig.add("field_changes_per_s",
            static_cast<double>(w.stats.fieldChanges[0] + w.stats.fieldChanges[1]) / (ms / 1000));
    if (run == 0) state = db->checkState(oracle);
    progress(o, "raw: run " + std::to_string(run + 1) + " " + std::to_string(ms) + " ms");
    // The same statements with a durable commit per changeset's worth of changes (as Anju's pushes
    // commit), on a file of its own (the one above is still open, with its WAL).
    fig.add("apply_per_changeset_ms", timedApply(w, base, dir.file("batched.db"), batched, kChangesetChanges));
    if (run == 0) batchedState = batched->checkState(oracle);
  }
  return Json{{"engine", "raw_sqlite"},
              {"description", "A's and B's writes as prepared statements (one per field change) in one transaction; "
                              "WAL, synchronous=FULL; last writer wins, no conflict detection"},
              {"statements", statements},
              {"field_changes", w.stats.fieldChanges[0] + w.stats.fieldChanges[1]},
              {"figures", fig.toJson()},
              {"changeset_changes", kChangesetChanges},
              {"correctness", {{"state", state}, {"conflicts", nullptr}, {"per_changeset_state", batchedState}}},
              {"peak_rss_kb", peakRssKb()}};
}

// ---------------------------------------------------------------- session extension

namespace {

struct ConflictContext {
  const Workload* w = nullptr;
  std::vector<ConflictKey> keys;
  std::map<std::string, size_t> byType;
};

std::string valueText(sqlite3_value* v) {
  if (!v) return "";
  const unsigned char* t = sqlite3_value_text(v);
  return t ? reinterpret_cast<const char*>(t) : "";
}

bool sameSqlValue(sqlite3_value* a, sqlite3_value* b) {
  if (!a || !b) return a == b;
  const int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
  if (ta == SQLITE_NULL || tb == SQLITE_NULL) return ta == tb;
  if ((ta == SQLITE_INTEGER || ta == SQLITE_FLOAT) && (tb == SQLITE_INTEGER || tb == SQLITE_FLOAT))
    return sqlite3_value_double(a) == sqlite3_value_double(b);
  return ta == tb && valueText(a) == valueText(b);
}

int onConflict(void* ctxPtr, int eConflict, sqlite3_changeset_iter* it) {
  auto& ctx = *static_cast<ConflictContext*>(ctxPtr);
  const char* table = nullptr;
  int nCol = 0, op = 0, indirect = 0;
  sqlite3changeset_op(it, &table, &nCol, &op, &indirect);
  sqlite3_value* pk = nullptr;
  if (op == SQLITE_INSERT) sqlite3changeset_new(it, 0, &pk);
  else sqlite3changeset_old(it, 0, &pk);
  const std::string uuid = valueText(pk);
  const int kind = std::strcmp(table, "person") == 0 ? kPerson : kHousehold;
  const int firstField = kind == kPerson ? 2 : 1;
  static const std::map<int, std::string> names = {{SQLITE_CHANGESET_DATA, "data"},
                                                   {SQLITE_CHANGESET_NOTFOUND, "notfound"},
                                                   {SQLITE_CHANGESET_CONFLICT, "conflict"},
                                                   {SQLITE_CHANGESET_CONSTRAINT, "constraint"},
                                                   {SQLITE_CHANGESET_FOREIGN_KEY, "foreign_key"}};
  ++ctx.byType[names.count(eConflict) ? names.at(eConflict) : "other"];
  if (eConflict == SQLITE_CHANGESET_DATA && op == SQLITE_UPDATE) {
    // The fields SQLite compared and found changed: updated columns whose old value differs.
    bool any = false;
    for (int i = firstField; i < nCol; ++i) {
      sqlite3_value *nv = nullptr, *ov = nullptr, *cv = nullptr;
      sqlite3changeset_new(it, i, &nv);
      if (!nv) continue;
      sqlite3changeset_old(it, i, &ov);
      sqlite3changeset_conflict(it, i, &cv);
      if (!sameSqlValue(ov, cv)) {
        ctx.keys.push_back({uuid, ctx.w->fields[kind][i - firstField].key});
        any = true;
      }
    }
    if (!any) ctx.keys.push_back({uuid, "_row"});
    return SQLITE_CHANGESET_REPLACE;
  }
  if (eConflict == SQLITE_CHANGESET_DATA) {  // a delete of a row changed since
    ctx.keys.push_back({uuid, "_deleted"});
    return SQLITE_CHANGESET_REPLACE;
  }
  if (eConflict == SQLITE_CHANGESET_NOTFOUND) ctx.keys.push_back({uuid, "_deleted"});
  else ctx.keys.push_back({uuid, "_row"});
  return SQLITE_CHANGESET_OMIT;
}

struct Blob {
  std::string bytes;
  static Blob take(int n, void* p) {
    Blob b{std::string(static_cast<const char*>(p), static_cast<size_t>(n))};
    sqlite3_free(p);
    return b;
  }
};

}  // namespace

Json runSessionExtension(const Workload& w, const Oracle& oracle, const RunOptions& o) {
  TempDir dir(o.dir);
  progress(o, "session: base file");
  const std::string base = makeTemplate(w, dir);
  Figures fig;
  Json state, conflicts, byType;
  for (int run = 0; run < o.runs; ++run) {
    std::string changeset[2], patchset[2];
    for (int side = 0; side < 2; ++side) {
      const std::string path = dir.file(side == 0 ? "a.db" : "b.db");
      copyDb(base, path);
      PlainDb db(path, w);
      sqlite3_session* session = nullptr;
      if (sqlite3session_create(db.db().handle(), "main", &session) != SQLITE_OK) fail("sqlite3session_create");
      if (sqlite3session_attach(session, nullptr) != SQLITE_OK) fail("sqlite3session_attach");
      const auto t0 = Clock::now();
      {
        synccore::Transaction tx(db.db());
        db.apply(side);
        tx.commit();
      }
      fig.add(std::string("capture_with_session_ms_") + (side ? "B" : "A"), msSince(t0));
      const auto t1 = Clock::now();
      int n = 0;
      void* p = nullptr;
      if (sqlite3session_changeset(session, &n, &p) != SQLITE_OK) fail("sqlite3session_changeset");
      changeset[side] = Blob::take(n, p).bytes;
      fig.add(std::string("changeset_build_ms_") + (side ? "B" : "A"), msSince(t1));
      if (sqlite3session_patchset(session, &n, &p) != SQLITE_OK) fail("sqlite3session_patchset");
      patchset[side] = Blob::take(n, p).bytes;
      sqlite3session_delete(session);
    }
    const std::string path = dir.file("server.db");
    copyDb(base, path);
    PlainDb server(path, w);
    ConflictContext ctx;
    ctx.w = &w;
    const auto t0 = Clock::now();
    for (int side = 0; side < 2; ++side) {
      const auto ts = Clock::now();
      const int rc = sqlite3changeset_apply(server.db().handle(), static_cast<int>(changeset[side].size()),
                                            changeset[side].data(), nullptr, onConflict, &ctx);
      if (rc != SQLITE_OK) fail("sqlite3changeset_apply: " + std::string(sqlite3_errmsg(server.db().handle())));
      fig.add(std::string("apply_ms_") + (side ? "B" : "A"), msSince(ts));
    }
    const double applyMs = msSince(t0);
    fig.add("apply_ms", applyMs);
    fig.add("field_changes_per_s", static_cast<double>(w.stats.fieldChanges[0] + w.stats.fieldChanges[1]) / (applyMs / 1000));
    const std::string both = changeset[0] + changeset[1], bothPatch = patchset[0] + patchset[1];
    fig.add("changeset_bytes", static_cast<double>(changeset[0].size() + changeset[1].size()));
    fig.add("changeset_zstd_bytes", static_cast<double>(zstdSize(changeset[0]) + zstdSize(changeset[1])));
    fig.add("changeset_gzip_bytes", static_cast<double>(gzipSize(changeset[0]) + gzipSize(changeset[1])));
    fig.add("patchset_bytes", static_cast<double>(patchset[0].size() + patchset[1].size()));
    fig.add("patchset_zstd_bytes", static_cast<double>(zstdSize(patchset[0]) + zstdSize(patchset[1])));
    fig.add("patchset_gzip_bytes", static_cast<double>(gzipSize(patchset[0]) + gzipSize(patchset[1])));
    size_t reported = 0;
    for (const auto& [_, c] : ctx.byType) reported += c;
    fig.add("conflicts_reported", static_cast<double>(reported));
    if (run == 0) {
      state = server.checkState(oracle);
      conflicts = conflictReport(oracle, ctx.keys, true);
      byType = ctx.byType;
    }
    progress(o, "session: run " + std::to_string(run + 1) + " apply " + std::to_string(applyMs) + " ms");
  }
  if (conflicts.is_object()) conflicts["reported_by_type"] = byType;
  return Json{{"engine", "sqlite_session"},
              {"description", "sqlite3session on A and B, server applies A's then B's changeset; conflict handler "
                              "REPLACE on data conflicts, OMIT otherwise; conflicting fields derived from the "
                              "changeset's old values vs the row (SQLite itself reports rows)"},
              {"field_changes", w.stats.fieldChanges[0] + w.stats.fieldChanges[1]},
              {"figures", fig.toJson()},
              {"correctness", {{"state", state}, {"conflicts", conflicts}}},
              {"peak_rss_kb", peakRssKb()}};
}

}  // namespace peers
