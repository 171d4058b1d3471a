#pragma once
// Small helpers shared by peer_bench's engines: timing, statistics over runs, temporary
// directories, peak memory and the machine description.
#include "bench_files.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace peers {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

inline double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

[[noreturn]] inline void fail(const std::string& what) { throw std::runtime_error(what); }
inline void check(bool ok, const std::string& what) {
  if (!ok) fail("check failed: " + what);
}

/// Rounds to a number of decimals (for readable JSON).
double roundTo(double x, int decimals = 3);

/// Samples of one figure, one per run: reported as median, min, max, n.
class Series {
 public:
  void add(double v) { m_values.push_back(v); }
  bool empty() const { return m_values.empty(); }
  double median() const;
  Json toJson(int decimals = 3) const;

 private:
  std::vector<double> m_values;
};

/// Pooled latency samples (all runs together): p50, p95, max, n.
class Latency {
 public:
  void add(double ms) { m_values.push_back(ms); }
  double quantile(double q) const;  // nearest rank
  Json toJson() const;

 private:
  std::vector<double> m_values;
};

/// Named series in insertion-independent (sorted) order.
class Figures {
 public:
  void add(const std::string& name, double v) { m_series[name].add(v); }
  double median(const std::string& name) const;
  Json toJson() const;

 private:
  std::map<std::string, Series> m_series;
};

/// A directory removed with its contents on destruction.
class TempDir : public benchkit::TempDir {
 public:
  explicit TempDir(const std::string& parent, const std::string& prefix = "anju-peer-bench-")
      : benchkit::TempDir(parent, prefix) {}
};

/// Copies every regular file of `from` into `to` (created if needed).
void copyFiles(const fs::path& from, const fs::path& to);
/// Total size of the regular files in a directory whose names start with `prefix`.
uint64_t filesSize(const fs::path& dir, const std::string& prefix);

/// Peak resident set size of this process in KiB (VmHWM).
long peakRssKb();
/// Current resident set size in KiB (VmRSS).
long currentRssKb();
/// Resets the peak RSS to the current RSS (Linux clear_refs); false when the kernel refuses.
bool resetPeakRss();

/// The machine: CPU, cores, memory, kernel, compiler, SQLite, date.
Json machineJson(const std::string& tempDir);

/// zstd (level 3) and gzip (zlib default level) sizes of a byte string.
size_t zstdSize(const std::string& data, int level = 3);
size_t gzipSize(const std::string& data);

}  // namespace peers
