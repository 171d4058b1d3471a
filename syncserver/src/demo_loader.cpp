#include "demo_loader.h"

#include "admin_actions.h"

#include "sync_service.h"
#include "synccore/changeset.h"
#include "synccore/hlc.h"
#include "synccore/random_id.h"
#include "synccore/validation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>

namespace syncserver {

using synccore::Change;
using synccore::Changeset;

namespace {

std::string newPassword() {
  // 12 characters from an alphabet without look-alikes (0/O, 1/l/I, 5/S, 8/B), as xxxx-xxxx-xxxx.
  static const std::string alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY2346789";
  const size_t unbiased = 256 - 256 % alphabet.size();
  std::string out;
  while (out.size() < 14) {
    if (out.size() == 4 || out.size() == 9) {
      out += '-';
      continue;
    }
    for (unsigned char b : synccore::randomBytes(16))
      if (b < unbiased && out.size() < 14 && out.size() != 4 && out.size() != 9) out += alphabet[b % alphabet.size()];
  }
  return out;
}

std::string_view roleZh(Role role) {
  switch (role) {
    case Role::Worker: return "网格员";
    case Role::Supervisor: return "网格长";
    case Role::Auditor: return "审计";
    case Role::Admin: return "管理员";
  }
  return "";
}

std::string gridsText(const DemoAccount& a) {
  if (a.grids.empty()) return "-";
  if (a.grids.size() > 2) return a.grids.front() + "..." + a.grids.back();
  std::string out;
  for (const auto& g : a.grids) out += (out.empty() ? "" : ",") + g;
  return out;
}

/// Columns as a terminal shows them: CJK characters take two cells.
size_t displayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    width += len == 1 ? 1 : 2;
    i += len;
  }
  return width;
}

/// Prints rows as left-aligned columns two spaces apart.
void printTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], displayWidth(row[c]));
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - displayWidth(row[c]) + 2, ' ');
    }
    out << line << "\n";
  }
}

void refuseUnlessEmpty(ServerState& state, const std::string& db, const std::vector<DemoAccount>& accounts) {
  const int64_t changes = state.records().lastSeq();
  if (changes > 0)
    throw DemoRefused("拒绝生成:数据库 " + db + " 中已有数据(" + std::to_string(changes) +
                      " 条已接受的修改),演示社区只能生成到新的空数据库中。本次未做任何修改。\n"
                      "refused: the database " + db + " already holds data (" + std::to_string(changes) +
                      " accepted changes); the demo community is only generated into a new, empty database. "
                      "Nothing was changed.");
  std::string taken;
  for (const auto& a : accounts)
    if (state.accounts().user(a.name)) taken += (taken.empty() ? "" : ", ") + a.name;
  if (!taken.empty())
    throw DemoRefused("拒绝生成:数据库 " + db + " 中已有演示账号(" + taken +
                      "),演示社区只能生成到新的空数据库中。本次未做任何修改。\n"
                      "refused: the database " + db + " already has demo accounts (" + taken +
                      "); the demo community is only generated into a new, empty database. Nothing was changed.");
}

void validate(const synccore::SurveyDefinition& definition, const DemoCommunity& community) {
  // The same checks a device makes on save, plus the server's unique ID number rule.
  const synccore::Validator validator(definition, community.today);
  std::vector<synccore::ValidationFailure> failures;
  std::set<std::string> idNumbers;
  const auto check = [&](const DemoRecord& r) {
    synccore::RecordValues values = r.values;
    for (auto& f : validator.checkRecord(r.type, r.uuid, values)) failures.push_back(std::move(f));
  };
  for (const auto& h : community.households) {
    check(h.household);
    std::vector<synccore::RecordValues> members;
    for (const auto& m : h.members) {
      check(m);
      members.push_back(m.values);
      const std::string id = m.values.at("id_number");
      if (!idNumbers.insert(id).second) failures.push_back(synccore::Validator::duplicateIdNumber(m.uuid, id));
    }
    for (auto& f : validator.checkMembers(h.household.uuid, members)) failures.push_back(std::move(f));
    for (const auto& v : h.visits) check(v);
  }
  if (failures.empty()) return;
  std::string text = "演示数据生成器产生了 " + std::to_string(failures.size()) + " 处无效数据(程序缺陷),未写入任何数据 / "
                     "the demo generator made " + std::to_string(failures.size()) + " invalid values (a bug); nothing was written:";
  for (size_t i = 0; i < failures.size() && i < 5; ++i) text += "\n  " + failures[i].describe();
  throw std::logic_error(text);
}

void writeAccountsFile(const std::string& path, const std::string& db, const std::vector<DemoAccount>& accounts) {
  std::ostringstream text;
  text << "# 安居演示社区账号 / Anju demo community accounts\n"
       << "# 服务器数据库 / server database: " << db << "\n"
       << "# 请妥善保管本文件(仅本人可读) / keep this file private (mode 0600)\n";
  printDemoAccounts(text, accounts);
  const std::string bytes = text.str();
  const auto fail = [&](const char* what) {
    return std::runtime_error("无法写入账号文件 / cannot write the accounts file " + path + " (" + what + "): " +
                              std::strerror(errno));
  };
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw fail("open");
  bool ok = ::fchmod(fd, 0600) == 0;
  for (size_t done = 0; ok && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int savedErrno = errno;
  if (::close(fd) != 0 && ok) throw fail("close");
  errno = savedErrno;
  if (!ok) throw fail("write");
}

/// One field change per answered field of the record, stamped by the demo device's clock.
void appendChanges(const DemoRecord& r, synccore::HybridClock& clock, std::vector<Change>& out) {
  for (const auto& [key, value] : r.values) {
    if (value.is_null()) continue;
    Change c;
    c.recordType = r.type;
    c.record = r.uuid;
    c.parent = r.parent;
    c.field = key;
    c.value = value;
    c.hlc = clock.tick().toString();
    c.changeId = synccore::changeIdFor(c.hlc, c.record, c.field);  // as a device names its changes
    out.push_back(std::move(c));
  }
}

/// Pushes one worker's changesets through the sync service and checks every change was applied.
class DemoPusher {
 public:
  DemoPusher(ServerState& state, SyncService& service, Session session)
      : m_state(state), m_service(service), m_session(std::move(session)) {}

  void add(std::vector<Change> changes) {
    if (m_changeset.changes.size() + changes.size() > synccore::kMaxChangesPerChangeset) flush();
    for (auto& c : changes) m_changeset.changes.push_back(std::move(c));
  }

  void flush() {
    if (m_changeset.changes.empty()) return;
    m_changeset.id = synccore::newUuid();
    m_changeset.device = kDemoDevice;
    Reply reply;
    {
      std::lock_guard lock(m_state.mutex());
      reply = m_service.push(m_session, m_changeset.toJson());
    }
    const auto failed = [&](const std::string& detail) {
      return std::runtime_error(
          "演示数据写入失败,数据库中只有部分演示社区,请删除数据库后重新生成 / loading the demo community failed and the "
          "database holds only part of it; delete the database and generate it again: " + detail);
    };
    if (reply.status != 200)
      throw failed(std::to_string(reply.status) + " " + reply.body.value("message", "") + " / " +
                   reply.body.value("message_zh", "") + " " + reply.body.value("rejected", synccore::Json()).dump());
    for (const auto& r : reply.body.at("results"))
      if (r.value("outcome", "") != "applied" || !r.value("applied", false)) throw failed(r.dump());
    m_changes += m_changeset.changes.size();
    ++m_changesets;
    m_changeset.changes.clear();
  }

  size_t changes() const { return m_changes; }
  size_t changesets() const { return m_changesets; }

 private:
  ServerState& m_state;
  SyncService& m_service;
  Session m_session;
  Changeset m_changeset;
  size_t m_changes = 0, m_changesets = 0;
};

}  // namespace

std::string demoGridName(const DemoGrid& grid) {
  std::string name = grid.area;
  std::erase(name, ' ');
  return name + "网格";
}

std::vector<DemoAccount> demoAccounts(const std::vector<DemoGrid>& grids) {
  std::vector<DemoAccount> out;
  std::vector<std::string> all;
  for (const auto& g : grids) all.push_back(g.code);
  for (size_t i = 0; i < all.size(); i += 2) {
    char name[32];
    std::snprintf(name, sizeof name, "worker%02zu", i / 2 + 1);
    std::vector<std::string> pair(all.begin() + static_cast<long>(i), all.begin() + static_cast<long>(std::min(i + 2, all.size())));
    out.push_back({name, Role::Worker, pair, newPassword()});
  }
  out.push_back({"supervisor", Role::Supervisor, all, newPassword()});
  out.push_back({"auditor", Role::Auditor, {}, newPassword()});
  out.push_back({"admin", Role::Admin, {}, newPassword()});
  return out;
}

DemoLoadResult loadDemoCommunity(ServerState& state, const DemoCommunity& community, const std::string& accountsFile,
                                 std::ostream& progress) {
  const std::string db = state.db().path();
  DemoLoadResult result;
  result.accounts = demoAccounts(community.grids);
  refuseUnlessEmpty(state, db, result.accounts);

  progress << "校验 / validating " << community.households.size() << " 户 households, " << community.people()
           << " 人 people, " << community.visits() << " 次走访 visits" << std::endl;
  validate(state.definition(), community);

  progress << "创建账号 / creating " << result.accounts.size() << " accounts" << std::endl;
  {
    // Logged as an administrator's changes would be (docs/audit-log.md), in the same transaction.
    synccore::Transaction tx(state.db());
    AuditLog::SigningBatch signing(state.audit());  // one signed head for all entries
    const std::string actor = commandLineActor();
    for (const auto& a : result.accounts) {
      state.accounts().addUser(a.name, a.role, a.grids, a.password);
      state.audit().append("user", actor, AdminActions::userAdded(a.name, a.role, a.grids));
    }
    for (const auto& g : community.grids)
      state.audit().append("grid", actor, AdminActions::gridNamed(g.code, state.grids().name(g.code, demoGridName(g)), std::nullopt));
    writeAccountsFile(accountsFile, db, result.accounts);
    signing.finish();
    tx.commit();
  }

  SyncService service(state);
  synccore::HybridClock clock(kDemoDevice);
  size_t loaded = 0, lastTenth = 0;
  const size_t total = community.households.size();
  for (const auto& account : result.accounts) {
    if (account.role != Role::Worker) continue;
    const std::set<std::string> grids(account.grids.begin(), account.grids.end());
    DemoPusher pusher(state, service, Session{*state.accounts().user(account.name), std::numeric_limits<int64_t>::max()});
    size_t households = 0;
    for (const auto& h : community.households) {
      if (!grids.count(h.grid)) continue;
      std::vector<Change> changes;
      appendChanges(h.household, clock, changes);
      for (const auto& m : h.members) appendChanges(m, clock, changes);
      for (const auto& v : h.visits) appendChanges(v, clock, changes);
      pusher.add(std::move(changes));
      ++households;
      if (++loaded * 10 / std::max<size_t>(total, 1) > lastTenth) {
        pusher.flush();
        lastTenth = loaded * 10 / total;
        progress << "写入 / loading " << loaded << "/" << total << " 户 households (" << lastTenth * 10 << "%)"
                 << std::endl;
      }
    }
    pusher.flush();
    result.changes += pusher.changes();
    result.changesets += pusher.changesets();
    progress << "  " << account.name << " (" << gridsText(account) << "): " << households << " 户 households, "
             << pusher.changes() << " 条修改 changes" << std::endl;
  }
  return result;
}

void printDemoAccounts(std::ostream& out, const std::vector<DemoAccount>& accounts) {
  std::vector<std::vector<std::string>> rows{{"用户 user", "角色 role", "网格 grids", "密码 password"}};
  for (const auto& a : accounts)
    rows.push_back({a.name, std::string(roleZh(a.role)) + " " + std::string(roleName(a.role)), gridsText(a), a.password});
  printTable(out, rows);
}

void printDemoGrids(std::ostream& out, const std::vector<DemoGridSummary>& grids) {
  std::vector<std::vector<std::string>> rows{{"网格", "范围 area", "户 households", "人 people", "有劳动力户 labour",
                                              "稳定就业 stable work", "监测户 monitored", "逾期未回访 overdue"}};
  const auto percent = [](int part, int whole) {
    return whole == 0 ? std::string("-") : std::to_string(part) + " (" + std::to_string((part * 100 + whole / 2) / whole) + "%)";
  };
  for (const auto& g : grids)
    rows.push_back({g.grid, g.area, std::to_string(g.households), std::to_string(g.people), std::to_string(g.withLabour),
                    percent(g.withStableWork, g.withLabour), std::to_string(g.monitored), std::to_string(g.monitoredOverdue)});
  printTable(out, rows);
}

int runDemoCommand(const std::string& db, const std::string& signingKey, const DemoOptions& options, std::ostream& out,
                   std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  const bool existed = std::filesystem::exists(db);
  ServerState state(db, signingKey);
  if (!existed) err << "已创建并初始化数据库 / created and initialised " << db << std::endl;
  err << "生成演示社区 / generating the demo community (" << options.households << " 户 households, seed "
      << options.seed << ", " << options.today.toString() << ")" << std::endl;
  const DemoCommunity community = generateDemoCommunity(options);
  const std::string accountsFile = db + ".accounts.txt";
  DemoLoadResult result;
  try {
    result = loadDemoCommunity(state, community, accountsFile, err);
  } catch (const DemoRefused& e) {
    err << e.what() << std::endl;
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  out << "演示社区已生成 / demo community generated: 玉泉营农场社区 (永宁县李俊镇)\n"
      << "  " << community.households.size() << " 户 households, " << community.people() << " 人 people, "
      << community.visits() << " 次走访 visits, " << community.grids.size() << " 个网格 grids\n"
      << "  " << result.changes << " 条修改 changes in " << result.changesets << " 批 changesets from device \""
      << kDemoDevice << "\", " << std::fixed << std::setprecision(1) << seconds << " s\n\n";
  printDemoGrids(out, summariseDemoCommunity(community));
  out << "\n账号 / accounts — 密码只显示这一次,另存于 / passwords are shown once and kept in " << accountsFile
      << " (0600):\n";
  printDemoAccounts(out, result.accounts);
  return 0;
}

}  // namespace syncserver
