#pragma once
// Real processes for end-to-end tests: run a command to completion, or keep a server running.
#include <chrono>
#include <string>
#include <vector>

namespace e2e {

/// What a finished command printed and how it exited.
struct RunResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

/// A whole file's bytes ("" when it cannot be read).
std::string slurp(const std::string& path);

/// Runs argv[0] with the arguments, feeding `input` on standard input; waits for it to end.
RunResult run(const std::vector<std::string>& argv, const std::string& input = "");

/// A command's end when it may have been cut short.
struct KilledRun {
  bool killed = false;  // still running at the deadline, so killed with SIGKILL
  RunResult result;
};

/// Runs the command like run(), but kills it with SIGKILL if it is still running after `after`.
KilledRun runKilledAfter(const std::vector<std::string>& argv, std::chrono::milliseconds after);

/// A syncserver process listening on 127.0.0.1 with a port it chose; killed on destruction.
class ServerProcess {
 public:
  ServerProcess(std::string binary, std::string db, std::vector<std::string> extraArgs = {});
  ~ServerProcess();
  /// Starts (or restarts) the server and waits until it prints the port it listens on.
  void start(int port = 0);
  /// Sends a signal and waits for the process to end.
  void kill(int signal);
  int port() const { return m_port; }
  std::string url() const;

 private:
  std::string m_binary, m_db;
  std::vector<std::string> m_extraArgs;
  int m_pid = -1;
  int m_port = 0;
  std::string m_basePath;
  std::string m_logPath;
};

}  // namespace e2e
