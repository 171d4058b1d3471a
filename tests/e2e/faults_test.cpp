// Faults: the server killed with SIGKILL during pushes, and connections cut mid-response.
#include "harness.h"
#include "raw_http.h"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <synccore/sqlite.h>

#include <atomic>
#include <random>
#include <thread>

using namespace e2e;

namespace {

size_t outboxSize(const Device& d) { return Json::parse(d.ok({"outbox", "--json"})).size(); }

/// Fills a device with households, each with its head, and returns the number of changes made.
size_t fill(const Device& d, int households, const std::string& tag) {
  for (int i = 0; i < households; ++i) {
    auto args = householdArgs("G01", tag + std::to_string(i));
    args.insert(args.end(), {"floor_area=" + std::to_string(50 + i), "dibao=no", "phone=139" + std::to_string(10000000 + i)});
    d.ok(args);
  }
  return outboxSize(d);
}

/// A loopback TCP relay that cuts the first `cuts` responses to a push after a few bytes.
class CuttingProxy {
 public:
  CuttingProxy(int upstreamPort, int cuts) : m_upstream(upstreamPort), m_cuts(cuts) {
    m_listen = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    listen(m_listen, 16);
    m_thread = std::thread([this] { acceptLoop(); });
  }
  ~CuttingProxy() {
    m_stop = true;
    shutdown(m_listen, SHUT_RDWR);
    close(m_listen);
    m_thread.join();
    for (auto& t : m_relays) t.join();
  }
  int port() const { return m_port; }
  int cutsDone() const { return m_cutsDone; }

 private:
  void acceptLoop() {
    while (!m_stop) {
      int client = accept(m_listen, nullptr, nullptr);
      if (client < 0) return;
      m_relays.emplace_back([this, client] { relay(client); });
    }
  }
  void relay(int client) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(m_upstream));
    if (connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(client);
      close(server);
      return;
    }
    bool cutThisResponse = false;
    char buf[16384];
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    while (!m_stop && poll(fds, 2, 200) >= 0) {
      if (fds[0].revents & (POLLIN | POLLHUP)) {
        ssize_t n = read(client, buf, sizeof buf);
        if (n <= 0) break;
        if (std::string(buf, static_cast<size_t>(std::min<ssize_t>(n, 19))) == "POST /v1/changesets" && m_cuts > 0) {
          --m_cuts;
          cutThisResponse = true;
        }
        if (write(server, buf, static_cast<size_t>(n)) != n) break;
      }
      if (fds[1].revents & (POLLIN | POLLHUP)) {
        ssize_t n = read(server, buf, sizeof buf);
        if (n <= 0) break;
        if (cutThisResponse) {
          // The server has done the work; the answer is lost on the way back.
          (void)!write(client, buf, static_cast<size_t>(std::min<ssize_t>(n, 12)));
          ++m_cutsDone;
          break;
        }
        if (write(client, buf, static_cast<size_t>(n)) != n) break;
      }
    }
    close(client);
    close(server);
  }
  int m_upstream;
  std::atomic<int> m_cuts;
  std::atomic<int> m_cutsDone{0};
  std::atomic<bool> m_stop{false};
  int m_listen = -1;
  int m_port = 0;
  std::thread m_thread;
  std::vector<std::thread> m_relays;
};

}  // namespace

TEST_CASE("the server killed during pushes applies every change exactly once", "[e2e][faults]") {
  Community community;
  Device a = community.device("a", "wang");
  std::mt19937 rng(7);
  size_t total = 0;
  int kills = 0;
  for (int round = 0; round < 4; ++round) {
    total += fill(a, 60, "r" + std::to_string(round) + "-");
    // Batches of 40 changes: many requests, two out at once (pipelined) when the server is killed.
    std::thread syncing([&] { a.ctl({"sync", "--push-batch", "40"}); });
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 250)(rng)));
    const int port = community.process().port();
    community.process().kill(SIGKILL);
    ++kills;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    community.process().start(port);
    syncing.join();
    // Whatever the interrupted sync managed, the next one finishes the job.
    Json done = Json::parse(a.ok({"sync", "--push-batch", "40"}));
    REQUIRE(done["ok"] == true);
    REQUIRE(outboxSize(a) == 0);
    INFO("round " << round);
    CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM change_log") == static_cast<int64_t>(total));
    // Every change applied as sent: its change log row marks it, no answer row is kept.
    CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM applied_changes") == 0);
    CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM conflicts") == 0);
  }
  CHECK(kills == 4);
  Device b = community.device("b", "li");
  REQUIRE(b.sync()["ok"] == true);
  CHECK(b.digest() == a.digest());
  CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM records WHERE type='household'") == 240);
}

TEST_CASE("answers cut mid-response are retried and applied exactly once", "[e2e][faults]") {
  Community community;
  CuttingProxy proxy(community.process().port(), 3);
  Device a(community.file("a.db"));
  a.ok({"login", "--server", "http://127.0.0.1:" + std::to_string(proxy.port()), "--user", "wang"},
       "password-wang\n");
  const size_t total = fill(a, 120, "cut-");
  // Batches of 50 changes, pipelined: an answer cut while the batch after it is already out.
  Json summary = Json::parse(a.ok({"sync", "--push-batch", "50"}));
  REQUIRE(summary["ok"] == true);
  CHECK(proxy.cutsDone() == 3);
  CHECK(summary["attempts"].get<int>() > 3);
  CHECK(summary["pushed"] == total);
  CHECK(outboxSize(a) == 0);
  CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM change_log") == static_cast<int64_t>(total));
  CHECK(serverCount(community.dbPath(), "SELECT count(*) FROM conflicts") == 0);
  Device b = community.device("b", "li");
  REQUIRE(b.sync()["ok"] == true);
  CHECK(b.digest() == a.digest());
}
