#include "bench_util.h"

#include <openssl/crypto.h>
#include <sqlite3.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

namespace peers {

double roundTo(double x, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(x * f) / f;
}

double Series::median() const {
  if (m_values.empty()) return 0;
  std::vector<double> v = m_values;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Json Series::toJson(int decimals) const {
  if (m_values.empty()) return nullptr;
  const auto [lo, hi] = std::minmax_element(m_values.begin(), m_values.end());
  return Json{{"median", roundTo(median(), decimals)},
              {"min", roundTo(*lo, decimals)},
              {"max", roundTo(*hi, decimals)},
              {"n", m_values.size()}};
}

double Latency::quantile(double q) const {
  if (m_values.empty()) return 0;
  std::vector<double> v = m_values;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

Json Latency::toJson() const {
  if (m_values.empty()) return nullptr;
  return Json{{"p50_ms", roundTo(quantile(0.5))},
              {"p95_ms", roundTo(quantile(0.95))},
              {"max_ms", roundTo(quantile(1.0))},
              {"samples", m_values.size()}};
}

double Figures::median(const std::string& name) const {
  auto it = m_series.find(name);
  return it == m_series.end() ? 0 : it->second.median();
}

Json Figures::toJson() const {
  Json out = Json::object();
  for (const auto& [name, s] : m_series) out[name] = s.toJson();
  return out;
}

void copyFiles(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from))
    if (entry.is_regular_file())
      fs::copy_file(entry.path(), to / entry.path().filename(), fs::copy_options::overwrite_existing);
}

uint64_t filesSize(const fs::path& dir, const std::string& prefix) {
  uint64_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename().string().rfind(prefix, 0) == 0) total += entry.file_size();
  return total;
}

namespace {
long statusKb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  return 0;
}

}  // namespace

long peakRssKb() { return statusKb("VmHWM"); }
long currentRssKb() { return statusKb("VmRSS"); }

bool resetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

Json machineJson(const std::string& tempDir) {
  utsname u{};
  uname(&u);
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  return Json{{"cpu_model", benchkit::lineValue("/proc/cpuinfo", "model name")},
              {"cores", std::thread::hardware_concurrency()},
              {"memory", benchkit::lineValue("/proc/meminfo", "MemTotal")},
              {"os", benchkit::lineValue("/etc/os-release", "PRETTY_NAME")},
              {"kernel", std::string(u.sysname) + " " + u.release},
              {"date", date},
              {"load_average_1m", roundTo(load[0], 2)},
              {"temp_dir", tempDir},
              {"temp_dir_filesystem", benchkit::fileSystemName(tempDir)},
              {"compiler", std::string("GCC ") + __VERSION__},
#ifdef NDEBUG
              {"assertions", false},
#else
              {"assertions", true},
#endif
              {"sqlite", sqlite3_libversion()},
              {"openssl", OpenSSL_version(OPENSSL_VERSION)},
              {"zstd", ZSTD_versionString()},
              {"zlib", zlibVersion()}};
}

size_t zstdSize(const std::string& data, int level) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) fail(std::string("zstd: ") + ZSTD_getErrorName(n));
  return n;
}

size_t gzipSize(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) fail("deflateInit2");
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t n = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) fail("deflate did not finish");
  return n;
}

}  // namespace peers
