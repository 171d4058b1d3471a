#pragma once
// Files for benchmarks: a temporary directory that cleans up after itself, and what a directory is on.
#include <filesystem>
#include <string>

namespace benchkit {

/// A directory made with mkdtemp under `parent`, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir(const std::string& parent, const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (m_path / name).string(); }
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

/// The file system a directory is on ("ext4", "tmpfs", ... or its magic number): fsync costs differ
/// a hundredfold between them.
std::string fileSystemName(const std::string& dir);
/// The value after "key:" (or "key=") on the first line of a text file that starts with key, without
/// surrounding blanks and quotes (/proc/cpuinfo, /proc/meminfo, /etc/os-release).
std::string lineValue(const std::string& file, const std::string& key);

}  // namespace benchkit
