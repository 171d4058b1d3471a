#include "processes.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace e2e {

namespace {

/// Reserves a unique name under /tmp (an empty file the caller deletes with the files named after it).
std::string tempPath() {
  char path[] = "/tmp/anju-e2e-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  return path;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& in, const std::string& out, const std::string& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

}  // namespace

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

namespace {

/// Runs the command; if `killAfter` is given and it is still running then, kills it with SIGKILL.
KilledRun runUntil(const std::vector<std::string>& argv, const std::string& input,
                   std::optional<std::chrono::milliseconds> killAfter) {
  const std::string base = tempPath();
  const std::string in = base + ".in", out = base + ".out", err = base + ".err";
  std::ofstream(in, std::ios::binary) << input;
  pid_t pid = spawn(argv, in, out, err);
  int status = 0;
  KilledRun r;
  if (killAfter) {
    const auto deadline = std::chrono::steady_clock::now() + *killAfter;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        r.killed = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  } else {
    waitpid(pid, &status, 0);
  }
  r.result = {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
  for (const auto& p : {base, in, out, err}) unlink(p.c_str());
  return r;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const std::string& input) {
  return runUntil(argv, input, std::nullopt).result;
}

KilledRun runKilledAfter(const std::vector<std::string>& argv, std::chrono::milliseconds after) {
  return runUntil(argv, "", after);
}

ServerProcess::ServerProcess(std::string binary, std::string db, std::vector<std::string> extraArgs)
    : m_binary(std::move(binary)), m_db(std::move(db)), m_extraArgs(std::move(extraArgs)), m_basePath(tempPath()), m_logPath(m_basePath + ".log") {}

ServerProcess::~ServerProcess() {
  if (m_pid > 0) kill(SIGKILL);
  for (const auto& p : {m_basePath, m_logPath, m_logPath + ".err"}) unlink(p.c_str());
}

void ServerProcess::start(int port) {
  std::vector<std::string> argv{m_binary, "serve", "--db", m_db, "--listen", "127.0.0.1:" + std::to_string(port)};
  argv.insert(argv.end(), m_extraArgs.begin(), m_extraArgs.end());
  m_pid = spawn(argv, "/dev/null", m_logPath, m_logPath + ".err");
  static const std::regex listening("listening on https?://127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < 200; ++i) {
    std::smatch m;
    const std::string log = slurp(m_logPath);
    if (std::regex_search(log, m, listening)) {
      m_port = std::stoi(m[1]);
      return;
    }
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      throw std::runtime_error("syncserver exited at start: " + slurp(m_logPath + ".err"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("syncserver did not start listening");
}

void ServerProcess::kill(int signal) {
  if (m_pid <= 0) return;
  ::kill(m_pid, signal);
  int status = 0;
  waitpid(m_pid, &status, 0);
  m_pid = -1;
}

std::string ServerProcess::url() const {
  const bool tls = std::find(m_extraArgs.begin(), m_extraArgs.end(), "--tls-cert") != m_extraArgs.end();
  return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port);
}

}  // namespace e2e
