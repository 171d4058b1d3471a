// store_bench: the device store on its own (no server). JSON on stdout, progress on stderr; not a test.
//
// Fills a device file with --households full household files (40 household fields, four members with
// valid ID numbers), acknowledges the outbox as a sync would, then measures over --runs runs:
//   - listing all households and searching them by name, ID number (blind index) and address;
//   - saving a full household and editing one field with the outbox (DeviceStore::save) and without
//     it: the same rows as plain prepared INSERT/UPDATEs, one transaction per save, into a file of the
//     same shape minus the outbox, whose version columns it leaves empty (WAL, synchronous=FULL, like the store).
// Each figure is the median over runs of each run's p50, p99 and mean, in wall-clock time and in this
// thread's CPU time (which other jobs on a shared machine do not inflate). See docs/benchmarks.md.
//
//   store_bench [--households N] [--runs N] [--quick] [--dir DIR]
#include "../tests/e2e/crash_workload.h"
#include "../tests/unit/fixtures.h"
#include "bench_files.h"
#include "synccore/device_store.h"
#include "synccore/random_id.h"
#include "synccore/sqlite.h"

#include <CLI/CLI.hpp>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using synccore::Json;
using synccore::RecordValues;
using synccore::RecordWrite;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("check failed: " + what);
}

template <class F>
double timeMs(F&& work) {
  const auto t0 = Clock::now();
  work();
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double round3(double x) { return std::round(x * 1000) / 1000; }

void progress(const std::string& text) { std::cerr << "store_bench: " << text << std::endl; }

// ---------------------------------------------------------------- configuration

/// Sizes of one benchmark run; --quick shrinks them for the CTest smoke run.
struct Config {
  int households = 10000;
  int runs = 5;
  bool quick = false;
  std::string dir;
  int lists = 20;     // list-all calls per run
  int queries = 50;   // searches per kind per run
  int saves = 200;    // full-household saves per run, with and without the outbox each
  int edits = 200;    // one-field edits per run, with and without the outbox each
  unsigned seed = 20261123;
};

// ---------------------------------------------------------------- the data

/// One household file as a worker enters it at first registration.
struct HouseholdFile {
  RecordValues household;
  std::vector<RecordValues> members;
};

constexpr const char* kSurnames[] = {"马", "王", "李", "杨", "海", "田", "丁", "金", "冯", "张"};
constexpr const char* kWomen[] = {"秀兰", "玉梅", "桂英", "海燕", "春花", "丽娟", "淑芳", "凤霞"};
constexpr const char* kSons[] = {"浩然", "宇轩", "俊杰", "子豪"};
constexpr const char* kDaughters[] = {"欣怡", "梓萱", "雨桐", "佳怡"};

/// 80 different names, so a name search finds about households / 80 spouses.
std::string spouseName(int n) { return std::string(kSurnames[n / 3 % 10]) + kWomen[n % 8]; }

/// A valid ID number for one member slot of household n, born in [firstYear, firstYear + years). The
/// slot's county code keeps slots apart; birth date and sequence differ for every n below years × 168,000.
std::string memberId(const std::string& county, int n, int firstYear, int years, bool female) {
  char birth[16], seq[8];
  std::snprintf(birth, sizeof birth, "%04d%02d%02d", firstYear + n % years, 1 + n / years % 12,
                1 + n / (years * 12) % 28);
  std::snprintf(seq, sizeof seq, "%03d", 2 * (n / (years * 12 * 28) % 500) + (female ? 0 : 1));
  return fixtures::makeId(county, birth, seq);
}

/// Household n: the crash test's household and head (crash_workload.h) completed to 40 answered
/// household fields, plus spouse, son and daughter; every value valid for the survey definition.
HouseholdFile householdFile(int n) {
  HouseholdFile f;
  f.household = crashtest::householdFor(n);  // grid, address, head_name, status, monitoring, area, wages, dibao, phone
  f.household.insert({{"remarks", "首次摸排登记,户主本人在家"},
                      {"site", "玉泉家园"},
                      {"building", std::to_string(n)},
                      {"unit_no", std::to_string(1 + n % 4)},
                      {"room", std::to_string(101 + n % 6)},
                      {"migration_type", "policy"},
                      {"plan_period", n % 2 ? "p12" : "p13"},
                      {"origin", "西吉县将台乡" + std::to_string(1 + n % 9) + "村"},
                      {"move_in_year", 2012 + n % 9},
                      {"placement_type", "estate"},
                      {"hukou_location", "local"},
                      {"hukou_transferred", true},
                      {"structure", "brick_concrete"},
                      {"tenure", "own"},
                      {"housing_condition", "safe"},
                      {"old_house_demolished", true},
                      {"homestead_reclaimed", n % 4 != 0},
                      {"land_contracted_mu", 3.5 + n % 7},
                      {"land_transferred_mu", 1.0 + n % 3},
                      {"crops_livestock", "玉米、马铃薯,肉牛2头"},
                      {"water", "tap"},
                      {"electricity", true},
                      {"gas", "bottled"},
                      {"heating", "stove"},
                      {"toilet", "flush"},
                      {"internet", n % 2 == 0},
                      {"safe_drinking_water", true},
                      {"income_year", 2025},
                      {"income_business", 500.0 * (n % 7)},
                      {"income_transfer", 2400.0},
                      {"spending", 18000.0 + 10 * (n % 900)}});
  const std::string surname = kSurnames[n % 10];
  const int headBirthYear = 1950 + n % 50;  // as in crashtest::idNumberFor
  RecordValues head = crashtest::headFor(n);
  head.insert({{"ethnicity", n % 2 ? "hui" : "han"},
               {"education", "junior"},
               {"health", "healthy"},
               {"labour_capacity", headBirthYear >= 1961 ? "full" : "weak"},
               {"employment_status", n % 3 ? "local" : "outside_province"},
               {"employer", "闽宁镇葡萄酒庄"},
               {"months_worked", 3 + n % 10},
               {"monthly_income", 2800.0 + 100 * (n % 10)},
               {"skills", "电焊、驾驶"},
               {"wish_for_training", false},
               {"medical_insurance", true},
               {"pension_insurance", true}});
  RecordValues spouse = fixtures::person(spouseName(n), "spouse", memberId("640122", n, 1955, 40, true));
  spouse.insert({{"ethnicity", n % 2 ? "hui" : "han"},
                 {"education", "primary"},
                 {"health", n % 5 ? "healthy" : "chronic"},
                 {"labour_capacity", "weak"},
                 {"employment_status", "public_welfare"},
                 {"employer", "社区保洁公益岗"},
                 {"months_worked", 12},
                 {"monthly_income", 1800.0},
                 {"medical_insurance", true},
                 {"pension_insurance", true}});
  if (n % 5 == 0) spouse["illness"] = "高血压";
  auto child = [&](const char* given, const std::string& county, bool female) {
    RecordValues c = fixtures::person(surname + given, "child", memberId(county, n, 2008, 14, female));
    c.insert({{"ethnicity", n % 2 ? "hui" : "han"},
              {"education", "primary"},
              {"in_school", true},
              {"school_stage", "junior"},
              {"health", "healthy"},
              {"medical_insurance", true}});
    return c;
  };
  f.members = {head, spouse, child(kSons[n % 4], "640181", false), child(kDaughters[n % 4], "640422", true)};
  return f;
}

/// The writes that create household file n under `uuid` in one save.
std::vector<RecordWrite> creation(const HouseholdFile& f, const std::string& uuid) {
  std::vector<RecordWrite> writes{{"household", uuid, "", f.household, false, true}};
  for (const auto& m : f.members) writes.push_back({"person", "", uuid, m});
  return writes;
}

synccore::SaveResult saveOrThrow(synccore::DeviceStore& store, const std::vector<RecordWrite>& writes) {
  auto r = store.save(writes);
  if (!r.ok()) {
    const auto& f = r.failures.front();
    throw std::runtime_error("save refused: " + f.recordType + "." + f.field + " " + f.rule + ": " + f.messageEn);
  }
  return r;
}

// ---------------------------------------------------------------- the store without the outbox

/// The capture baseline: the device store's tables without the outbox (versions left empty), written with plain
/// prepared INSERT/UPDATEs (no validation, no encryption, no blind index), one transaction per save.
class PlainStore {
 public:
  explicit PlainStore(const std::string& path) {
    { synccore::DeviceStore shape(path); }  // the same tables, columns and indexes
    m_db = std::make_unique<synccore::Database>(path);
    m_db->exec("DROP TABLE outbox; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
  }

  void save(const std::vector<HouseholdFile>& files, const std::vector<std::string>& uuids) {
    synccore::Transaction tx(*m_db);
    for (size_t i = 0; i < files.size(); ++i) {
      insert("household", uuids[i], "", files[i].household);
      for (const auto& m : files[i].members) insert("person", synccore::newUuid(), uuids[i], m);
    }
    tx.commit();
  }

  void edit(const std::string& uuid, const std::string& key, const Json& value) {
    synccore::Transaction tx(*m_db);
    auto st = m_db->cached("UPDATE household SET " + synccore::quoteIdentifier(key) + "=? WHERE uuid=?");
    bind(st, 1, value);
    st.bind(2, uuid).run();
    tx.commit();
  }

 private:
  void insert(const std::string& table, const std::string& uuid, const std::string& parent, const RecordValues& values) {
    std::string columns = "uuid, parent_uuid", marks = "?, ?";
    for (const auto& entry : values) {
      columns += ", " + synccore::quoteIdentifier(entry.first);
      marks += ", ?";
    }
    auto st = m_db->cached("INSERT INTO " + table + "(" + columns + ") VALUES(" + marks + ")");
    st.bind(1, uuid);
    if (parent.empty()) st.bind(2, nullptr); else st.bind(2, parent);
    int index = 3;
    for (const auto& entry : values) bind(st, index++, entry.second);
    st.run();
  }

  static void bind(synccore::Statement& st, int index, const Json& v) {
    if (v.is_null()) st.bind(index, nullptr);
    else if (v.is_string()) st.bind(index, v.get<std::string>());
    else if (v.is_boolean()) st.bind(index, v.get<bool>() ? 1 : 0);
    else if (v.is_number_integer()) st.bind(index, v.get<int64_t>());
    else if (v.is_number()) st.bind(index, v.get<double>());
    else st.bind(index, v.dump());
  }

  std::unique_ptr<synccore::Database> m_db;
};

// ---------------------------------------------------------------- statistics

double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

/// Latency samples of one operation, per run: wall time, and this thread's CPU time (which other jobs on a
/// shared machine do not inflate, and which leaves out waiting for fsync). Reported as the median over runs
/// of each run's p50, p99 and mean.
class Latency {
 public:
  void newRun() { m_runs.emplace_back(); }
  template <class F>
  void time(F&& work) {
    const double cpu0 = threadCpuMs();
    m_runs.back().wall.push_back(timeMs(work));
    m_runs.back().cpu.push_back(threadCpuMs() - cpu0);
  }

  double p50() const { return medianOverRuns(&Run::wall, 0.5); }
  double mean() const { return medianOverRuns(&Run::wall, -1); }
  double cpuP50() const { return medianOverRuns(&Run::cpu, 0.5); }

  Json toJson() const {
    if (m_runs.empty() || m_runs.front().wall.empty()) return nullptr;
    std::vector<double> p50s;
    for (const auto& run : m_runs) p50s.push_back(stat(run.wall, 0.5));
    return Json{{"p50_ms", round3(p50())},
                {"p99_ms", round3(medianOverRuns(&Run::wall, 0.99))},
                {"mean_ms", round3(mean())},
                {"p50_ms_min", round3(*std::min_element(p50s.begin(), p50s.end()))},
                {"p50_ms_max", round3(*std::max_element(p50s.begin(), p50s.end()))},
                {"cpu_p50_ms", round3(cpuP50())},
                {"cpu_p99_ms", round3(medianOverRuns(&Run::cpu, 0.99))},
                {"samples_per_run", m_runs.front().wall.size()},
                {"runs", m_runs.size()}};
  }

 private:
  struct Run {
    std::vector<double> wall, cpu;
  };
  /// The q-quantile (nearest rank) of the samples, or their mean for q < 0.
  static double stat(std::vector<double> v, double q) {
    if (q < 0) {
      double sum = 0;
      for (double x : v) sum += x;
      return sum / static_cast<double>(v.size());
    }
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
  }
  double medianOverRuns(std::vector<double> Run::*samples, double q) const {
    std::vector<double> per;
    for (const auto& run : m_runs) per.push_back(stat(run.*samples, q));
    return stat(per, 0.5);
  }

  std::vector<Run> m_runs;
};

/// Households found by the searches of one kind.
struct Hits {
  size_t min = SIZE_MAX, max = 0, total = 0, queries = 0;
  void add(size_t n) {
    min = std::min(min, n);
    max = std::max(max, n);
    total += n;
    ++queries;
  }
  Json toJson() const {
    return Json{{"min", min}, {"max", max}, {"mean", round3(static_cast<double>(total) / static_cast<double>(queries))}};
  }
};

/// A search: its latencies and hit counts, and what the text is built from.
struct Search {
  std::string name, describes;
  Latency latency;
  Hits hits;
};

// ---------------------------------------------------------------- files and machine

/// A temporary directory for one bench run.
class TempDir : public benchkit::TempDir {
 public:
  explicit TempDir(const std::string& parent) : benchkit::TempDir(parent, "anju-store-bench-") {}
};

/// Bytes of a SQLite file after moving its WAL into it, the bytes its live pages hold, and per table or index.
Json fileSize(const std::string& path) {
  synccore::Database db(path);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  auto pragma = [&](const char* name) {
    auto st = db.prepare(std::string("PRAGMA ") + name);
    st.step();
    return st.int64(0);
  };
  const int64_t live = (pragma("page_count") - pragma("freelist_count")) * pragma("page_size");
  Json tables = Json::object();
  auto st = db.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name HAVING sum(pgsize) > 4096 ORDER BY 2 DESC");
  while (st.step()) tables[st.text(0)] = st.int64(1);
  return Json{{"file_bytes", fs::file_size(path)}, {"live_bytes", live}, {"bytes_by_table", tables}};
}

Json machine() {
  utsname u{};
  uname(&u);
  std::ifstream loadavg("/proc/loadavg");
  double load1 = 0;
  loadavg >> load1;
  return Json{{"cpu_model", benchkit::lineValue("/proc/cpuinfo", "model name")},
              {"cores", std::thread::hardware_concurrency()},
              {"memory", benchkit::lineValue("/proc/meminfo", "MemTotal")},
              {"os", benchkit::lineValue("/etc/os-release", "PRETTY_NAME")},
              {"kernel", std::string(u.sysname) + " " + u.release},
              {"sqlite", sqlite3_libversion()},
              {"compiler", __VERSION__},
              {"load_average_at_start", load1}};
}

std::string utcNow() {
  char text[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

long peakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// ---------------------------------------------------------------- the benchmark

/// The two files, the households in them, and every figure measured on them.
class StoreBench {
 public:
  StoreBench(const Config& cfg, const TempDir& dir)
      : m_cfg(cfg), m_storePath(dir.file("device.db")), m_plainPath(dir.file("plain.db")), m_store(m_storePath),
        m_plain(m_plainPath), m_rng(cfg.seed) {}

  /// Creates --households household files in both files (batches of 50 per save), then empties the outbox
  /// as a sync would, so what follows runs on a synced device.
  void fill() {
    constexpr int kBatch = 50;
    const double ms = timeMs([&] {
      for (int start = 0; start < m_cfg.households; start += kBatch) {
        std::vector<HouseholdFile> files;
        std::vector<std::string> uuids;
        std::vector<RecordWrite> writes;
        for (int n = start; n < std::min(m_cfg.households, start + kBatch); ++n) {
          files.push_back(householdFile(n));
          uuids.push_back(synccore::newUuid());
          for (auto& w : creation(files.back(), uuids.back())) writes.push_back(std::move(w));
        }
        saveOrThrow(m_store, writes);
        m_plain.save(files, uuids);
        m_uuids.insert(m_uuids.end(), uuids.begin(), uuids.end());
        if ((start / kBatch) % 40 == 39) progress("filled " + std::to_string(start + kBatch) + " households");
      }
    });
    m_setup["fill_seconds"] = round3(ms / 1000);
    m_setup["outbox_entries_after_fill"] = m_store.outboxSize();
    m_files["device_unsynced"] = fileSize(m_storePath);

    Latency unsynced;
    unsynced.newRun();
    for (int i = 0; i < m_cfg.lists; ++i) unsynced.time([&] { m_store.listHouseholds(); });
    m_figures["list_all_unsynced"] = unsynced.toJson();

    progress("acknowledging " + std::to_string(m_store.outboxSize()) + " outbox entries");
    m_setup["acknowledge_seconds"] = round3(timeMs([&] { acknowledgeAll(); }) / 1000);
    check(m_store.outboxSize() == 0, "the outbox is empty after the acknowledgements");
    m_files["device_synced"] = fileSize(m_storePath);
    m_files["plain"] = fileSize(m_plainPath);
  }

  /// One run of list-all and the three searches, on the filled store.
  void runQueries() {
    m_list.newRun();
    for (int i = 0; i < m_cfg.lists; ++i) {
      size_t rows = 0;
      m_list.time([&] { rows = m_store.listHouseholds().size(); });
      check(rows == m_uuids.size(), "list all shows every household");
    }
    for (Search& s : m_searches) {
      s.latency.newRun();
      s.hits = {};
      for (int i = 0; i < m_cfg.queries; ++i) {
        const int n = pick(m_cfg.households);
        const std::string text = searchText(s.name, n);
        std::vector<synccore::HouseholdSummary> found;
        s.latency.time([&] { found = m_store.listHouseholds(text); });
        const bool hasTarget =
            std::any_of(found.begin(), found.end(), [&](const auto& h) { return h.uuid == m_uuids[n]; });
        check(hasTarget, s.name + " search \"" + text + "\" finds its household");
        if (s.name == "search_id_number") check(found.size() == 1, "an ID number finds one household");
        s.hits.add(found.size());
      }
    }
  }

  /// One run of full-household saves and one-field edits, alternately with and without the outbox.
  void runWrites() {
    for (Latency* l : {&m_saveWith, &m_saveWithout, &m_editWith, &m_editWithout}) l->newRun();
    for (int i = 0; i < m_cfg.saves; ++i) {
      const HouseholdFile file = householdFile(m_nextHousehold++);
      const std::string uuid = synccore::newUuid(), plainUuid = synccore::newUuid();
      const auto writes = creation(file, uuid);
      synccore::SaveResult result;
      m_saveWith.time([&] { result = saveOrThrow(m_store, writes); });
      m_fieldsPerSave = result.changedFields;
      m_saveWithout.time([&] { m_plain.save({file}, {plainUuid}); });
    }
    for (int i = 0; i < m_cfg.edits; ++i) {
      const std::string& uuid = m_uuids[pick(m_cfg.households)];
      const Json remarks = "第" + std::to_string(++m_editCount) + "次回访:家中人员在家,情况稳定";
      const std::vector<RecordWrite> edit{{"household", uuid, "", {{"remarks", remarks}}}};
      synccore::SaveResult result;
      m_editWith.time([&] { result = saveOrThrow(m_store, edit); });
      check(result.changedFields == 1, "an edit changes one field");
      m_editWithout.time([&] { m_plain.edit(uuid, "remarks", remarks); });
    }
  }

  Json figures() const {
    Json out = m_figures;
    auto capture = [](const Latency& with, const Latency& without) {
      return Json{{"with_outbox", with.toJson()},
                  {"without_outbox", without.toJson()},
                  {"overhead_ratio_p50", round3(with.p50() / without.p50())},
                  {"overhead_ratio_mean", round3(with.mean() / without.mean())},
                  {"overhead_ratio_cpu_p50", round3(with.cpuP50() / without.cpuP50())}};
    };
    out["save_full_household"] = capture(m_saveWith, m_saveWithout);
    out["save_full_household"]["fields_per_save"] = m_fieldsPerSave;
    out["edit_one_field"] = capture(m_editWith, m_editWithout);
    out["list_all"] = m_list.toJson();
    out["list_all"]["rows"] = m_uuids.size();
    for (const Search& s : m_searches) {
      out[s.name] = s.latency.toJson();
      out[s.name]["hits_last_run"] = s.hits.toJson();
      out[s.name]["text"] = s.describes;
    }
    return out;
  }
  Json files() const {
    Json out = m_files;
    out["households"] = m_uuids.size();
    out["device_synced_live_bytes_per_household"] =
        m_files["device_synced"]["live_bytes"].get<double>() / static_cast<double>(m_uuids.size());
    return out;
  }
  const Json& setup() const { return m_setup; }

 private:
  int pick(int below) { return std::uniform_int_distribution<int>(0, below - 1)(m_rng); }

  /// The text a worker would type to find household n.
  std::string searchText(const std::string& kind, int n) {
    if (kind == "search_name") return spouseName(n);
    if (kind == "search_address") return "家园" + std::to_string(n) + "号";
    const HouseholdFile file = householdFile(n);
    return file.members[pick(static_cast<int>(file.members.size()))].at("id_number").get<std::string>();
  }

  void acknowledgeAll() {
    for (auto batch = m_store.nextPushBatch(1000); !batch.entries.empty(); batch = m_store.nextPushBatch(1000)) {
      Json results = Json::array();
      for (const auto& e : batch.entries) results.push_back({{"change_id", e.changeId}, {"outcome", "applied"}});
      check(m_store.acknowledgePush(batch, results) == batch.entries.size(), "every entry acknowledged");
    }
  }

  const Config& m_cfg;
  std::string m_storePath, m_plainPath;
  synccore::DeviceStore m_store;
  PlainStore m_plain;
  std::mt19937 m_rng;
  std::vector<std::string> m_uuids;  // the filled households, n -> uuid (the same in both files)
  int m_nextHousehold = m_cfg.households;
  int m_editCount = 0;
  size_t m_fieldsPerSave = 0;
  Latency m_list, m_saveWith, m_saveWithout, m_editWith, m_editWithout;
  std::vector<Search> m_searches{{"search_name", "a spouse's full name (80 names in use)", {}, {}},
                                 {"search_id_number", "a member's ID number (exact, blind index)", {}, {}},
                                 {"search_address", "address substring 家园<n>号", {}, {}}};
  Json m_figures = Json::object(), m_files = Json::object(), m_setup = Json::object();
};

}  // namespace

int main(int argc, char** argv) {
  synccore::configureSqliteProcess();  // as Anju's programs run (and raw SQLite alike)
  Config cfg;
  CLI::App app{"Device store benchmark: save, edit, list and search household files; JSON on stdout."};
  app.add_option("--households", cfg.households, "household files in the device file (default 10000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--runs", cfg.runs, "runs per figure; the median of the runs is printed (default 5)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--quick", cfg.quick, "tiny sizes for a smoke test (a few seconds)");
  app.add_option("--dir", cfg.dir, "where the temporary files go (default $TMPDIR or /tmp)")
      ->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);
  if (cfg.quick) {
    if (!app.count("--households")) cfg.households = 100;
    if (!app.count("--runs")) cfg.runs = 2;
    cfg.lists = 3;
    cfg.queries = 5;
    cfg.saves = 10;
    cfg.edits = 10;
  }
  if (cfg.dir.empty()) cfg.dir = fs::temp_directory_path().string();

  try {
    const std::string started = utcNow();
    const Json host = machine();
    TempDir dir(cfg.dir);
    StoreBench bench(cfg, dir);
    progress("filling " + std::to_string(cfg.households) + " households");
    const double totalMs = timeMs([&] {
      bench.fill();
      for (int r = 0; r < cfg.runs; ++r) {
        progress("run " + std::to_string(r + 1) + "/" + std::to_string(cfg.runs) + ": list and search");
        bench.runQueries();
      }
      for (int r = 0; r < cfg.runs; ++r) {
        progress("run " + std::to_string(r + 1) + "/" + std::to_string(cfg.runs) + ": saves and edits");
        bench.runWrites();
      }
    });
    const Json report{{"benchmark", "store_bench"},
                      {"date", started},
                      {"machine", host},
                      {"parameters",
                       {{"households", cfg.households},
                        {"members_per_household", 4},
                        {"household_fields", 40},
                        {"runs", cfg.runs},
                        {"lists_per_run", cfg.lists},
                        {"queries_per_search_per_run", cfg.queries},
                        {"saves_per_run", cfg.saves},
                        {"edits_per_run", cfg.edits},
                        {"seed", cfg.seed},
                        {"quick", cfg.quick},
                        {"dir", cfg.dir},
                        {"dir_filesystem", benchkit::fileSystemName(cfg.dir)}}},
                      {"figures", bench.figures()},
                      {"files", bench.files()},
                      {"setup", bench.setup()},
                      {"peak_rss_kb", peakRssKb()},
                      {"total_seconds", round3(totalMs / 1000)}};
    std::cout << report.dump(2) << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "store_bench failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
