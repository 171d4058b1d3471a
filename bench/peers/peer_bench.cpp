// peer_bench: workload W, its oracle, and the C++ engines of the peer benchmark.
//
//   peer_bench workload --households N [--seed S] --out W.jsonl   W as JSON lines (for the Node engines)
//   peer_bench run --engine raw|session|anju|anju-growth --households N [--seed S] [--runs R] [--dir D]
//   peer_bench check --households N [--seed S] --state STATE.jsonl --conflicts CONFLICTS.jsonl [--field-level]
//   peer_bench machine [--dir D]
//
// Every command prints one JSON document on stdout. W is a pure function of (households, seed),
// so `check` rebuilds the oracle instead of reading it. The driver that runs every engine and
// prints the table is bench/peers/run_peers.py (scripts/bench-peers.sh). See docs/benchmarks.md.
#include "engines.h"
#include "synccore/sqlite.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <streambuf>

namespace {

/// Swallows what the in-process server logs on std::cerr (one line per request).
class NullBuf : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

std::vector<peers::Json> readJsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) peers::fail("cannot read " + path);
  std::vector<peers::Json> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(peers::Json::parse(line));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  synccore::configureSqliteProcess();  // as Anju's programs run (and raw SQLite alike)
  using namespace peers;
  CLI::App app{"peer_bench: workload W, its oracle and the C++ engines of the peer benchmark"};
  app.require_subcommand(1);
  int households = 10000;
  uint64_t seed = 20261123;
  std::string out, engine, stateFile, conflictsFile;
  bool fieldLevel = false;
  RunOptions opts;
  opts.dir = fs::temp_directory_path().string();

  auto* wl = app.add_subcommand("workload", "write W as JSON lines and print its counts and oracle summary");
  wl->add_option("--households", households, "households in W (people: 5 per household)")->check(CLI::Range(20, 1000000));
  wl->add_option("--seed", seed, "random seed");
  wl->add_option("--out", out, "output file (JSON lines)")->required();

  auto* run = app.add_subcommand("run", "run one engine on W and print its figures and correctness");
  run->add_option("--engine", engine, "raw, session, anju or anju-growth")
      ->required()
      ->check(CLI::IsMember({"raw", "session", "anju", "anju-growth"}));
  run->add_option("--households", households, "households in W")->check(CLI::Range(20, 1000000));
  run->add_option("--seed", seed, "random seed");
  run->add_option("--runs", opts.runs, "runs per figure (median reported)")->check(CLI::Range(1, 100));
  run->add_option("--dir", opts.dir, "where temporary databases go");
  run->add_option("--one-edit-samples", opts.oneEditSamples, "one-edit syncs per run (anju)");
  run->add_option("--day-samples", opts.daySamples, "day-batch syncs per run (anju)");
  run->add_option("--capture-saves", opts.captureSaves, "A's saves timed with and without the outbox (anju)");
  run->add_option("--server-cache-mb", opts.serverCacheMb,
                  "diagnosis: give the server's SQLite connection this page cache (default: the server's own)");
  run->add_flag("--verbose", opts.verbose, "progress on stderr");

  auto* chk = app.add_subcommand("check", "compare an engine's merged state and conflicts with the oracle");
  chk->add_option("--households", households, "households in W")->check(CLI::Range(20, 1000000));
  chk->add_option("--seed", seed, "random seed");
  chk->add_option("--state", stateFile, "JSON lines {uuid, deleted, fields}")->required();
  chk->add_option("--conflicts", conflictsFile, "JSON lines {record, field}");
  chk->add_flag("--field-level", fieldLevel, "the engine reports fields, not only records");

  auto* mach = app.add_subcommand("machine", "describe the machine");
  mach->add_option("--dir", opts.dir, "the directory benchmarks write to");

  CLI11_PARSE(app, argc, argv);
  NullBuf nullBuf;
  std::streambuf* oldCerr = std::cerr.rdbuf(&nullBuf);
  try {
    Json result;
    if (*mach) {
      result = machineJson(opts.dir);
    } else {
      const auto t0 = Clock::now();
      const Workload w = Workload::generate(households, seed);
      const Oracle oracle(w);
      const double generateMs = msSince(t0);
      const Json wjson{{"households", w.households()}, {"persons", w.base[kPerson].size()}, {"seed", seed},
                       {"household_fields", w.fields[kHousehold].size()}, {"person_fields", w.fields[kPerson].size()},
                       {"counts", w.stats.toJson()}, {"oracle", oracle.summary()},
                       {"generate_ms", roundTo(generateMs, 0)}};
      if (*wl) {
        std::ofstream file(out);
        w.exportJsonl(file);
        file.close();
        if (!file) fail("cannot write " + out);
        result = wjson;
      } else if (*run) {
        progress(opts, "workload generated in " + std::to_string(generateMs) + " ms");
        const auto t1 = Clock::now();
        if (engine == "raw") result = runRawSqlite(w, oracle, opts);
        else if (engine == "session") result = runSessionExtension(w, oracle, opts);
        else if (engine == "anju") result = runAnju(w, oracle, opts);
        else result = runAnjuGrowth(w, oracle, opts);
        result["workload"] = wjson;
        result["runs"] = opts.runs;
        result["total_seconds"] = roundTo(msSince(t1) / 1000, 1);
      } else {
        StateChecker checker(w, oracle);
        for (const Json& line : readJsonl(stateFile))
          checker.record(line.at("uuid"), line.value("deleted", false), line.value("fields", Json::object()));
        std::vector<ConflictKey> keys;
        if (!conflictsFile.empty())
          for (const Json& line : readJsonl(conflictsFile))
            keys.push_back({line.at("record"), line.contains("field") && line["field"].is_string() ? line["field"].get<std::string>() : ""});
        result = Json{{"state", checker.finish()},
                      {"conflicts", conflictsFile.empty() ? Json() : conflictReport(oracle, keys, fieldLevel)}};
      }
    }
    std::cerr.rdbuf(oldCerr);
    std::cout << result.dump(2) << std::endl;
  } catch (const std::exception& e) {
    std::cerr.rdbuf(oldCerr);
    std::fprintf(stderr, "peer_bench failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
