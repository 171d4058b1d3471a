#include "admin_cli.h"

#include "admin_actions.h"
#include "audit_service.h"
#include "demo_loader.h"
#include "http_api.h"
#include "server_state.h"
#include "user_import.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <iostream>
#include <thread>

namespace syncserver {

namespace {

HttpApi* g_running = nullptr;

void onSignal(int) {
  if (g_running) g_running->stop();
}

std::string readPassword(std::istream& in) {
  std::string password;
  std::getline(in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

std::pair<std::string, int> splitListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw CLI::ValidationError("--listen", "expected HOST:PORT");
  return {listen.substr(0, colon), std::stoi(listen.substr(colon + 1))};
}

}  // namespace

int runCli(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  CLI::App app{"syncserver — Anju central sync server / 安居同步服务器"};
  app.require_subcommand(1);
  std::string db, name, roleText, listen = "127.0.0.1:8443", tlsCert, tlsKey, format = "json", outFile, keyFile;
  std::vector<std::string> grids;
  bool json = false;
  int64_t ttlMinutes = 12 * 60;
  int64_t ttlSeconds = 0;
  std::function<int()> action;

  const auto withDb = [&](CLI::App* cmd) {
    cmd->add_option("--db", db, "server database file (SQLite)")->required();
    cmd->add_option("--signing-key", keyFile, "audit signing key (default: <db>.signing-key.pem)");
  };

  auto* init = app.add_subcommand("init", "create the server database and its audit signing key");
  withDb(init);
  init->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      out << "initialised " << db << "\naudit signing key fingerprint: " << state.signingKey().fingerprint() << "\n";
      return 0;
    };
  });

  auto* user = app.add_subcommand("user", "manage accounts")->require_subcommand(1);
  auto* add = user->add_subcommand("add", "add a user (password read from standard input)");
  withDb(add);
  add->add_option("--name", name)->required();
  add->add_option("--role", roleText)->required()->check(CLI::IsMember({"worker", "supervisor", "auditor", "admin"}));
  add->add_option("--grid", grids, "grid code (repeat for several)");
  add->callback([&] {
    action = [&] {
      const std::string password = readPassword(in);
      ServerState state(db, keyFile);
      AdminActions(state, commandLineActor()).addUser(name, *roleFromName(roleText), grids, password);
      out << "added " << roleText << " " << name << "\n";
      return 0;
    };
  });
  std::string importFile, passwordsOut;
  auto* import = user->add_subcommand(
      "import", "add many users from a CSV file (columns name, role, grids), each with a generated password");
  withDb(import);
  import->add_option("--file", importFile, "the accounts file (UTF-8 CSV; docs/accounts-import.md)")->required();
  import->add_option("--passwords-out", passwordsOut, "new file for the generated passwords (mode 0600)")->required();
  import->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      return runUserImport(state, commandLineActor(), importFile, passwordsOut, out, err);
    };
  });
  auto* revoke = user->add_subcommand("revoke", "revoke a user and all their tokens");
  withDb(revoke);
  revoke->add_option("--name", name)->required();
  revoke->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      AdminActions(state, commandLineActor()).revokeUser(name);
      out << "revoked " << name << "\n";
      return 0;
    };
  });
  auto* setGrids = user->add_subcommand("grids", "replace a user's grids (from their next request on)");
  withDb(setGrids);
  setGrids->add_option("--name", name)->required();
  setGrids->add_option("--grid", grids, "grid code (repeat for several; none: every grid for a supervisor)");
  setGrids->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      const auto before = AdminActions(state, commandLineActor()).setGrids(name, grids);
      const auto join = [](const std::vector<std::string>& list) {
        std::string text;
        for (const auto& g : list) text += (text.empty() ? "" : " ") + g;
        return text.empty() ? std::string("-") : text;
      };
      out << "网格已更新 / grids set: " << name << " " << join(before) << " -> " << join(grids) << "\n";
      return 0;
    };
  });
  auto* password = user->add_subcommand("password", "set a new password (read from standard input); signs the user out");
  withDb(password);
  password->add_option("--name", name)->required();
  password->callback([&] {
    action = [&] {
      const std::string newPassword = readPassword(in);
      ServerState state(db, keyFile);
      AdminActions(state, commandLineActor()).resetPassword(name, newPassword);
      out << "密码已重设,该用户需重新登录 / password set; " << name << " must sign in again\n";
      return 0;
    };
  });
  auto* list = user->add_subcommand("list", "list users");
  withDb(list);
  list->add_flag("--json", json);
  list->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      Json all = Json::array();
      for (const auto& u : state.accounts().users()) {
        all.push_back(u.toJson());
        if (!json) {
          out << u.name << "  " << roleName(u.role) << "  ";
          for (const auto& g : u.grids) out << g << " ";
          out << (u.revoked ? " (revoked)" : "") << "\n";
        }
      }
      if (json) out << all.dump() << "\n";
      return 0;
    };
  });

  std::string gridCode, gridName;
  auto* grid = app.add_subcommand("grid", "name grids (records, users and scopes keep grid codes)")->require_subcommand(1);
  auto* nameGrid = grid->add_subcommand("name", "name or rename a grid, e.g. --code G01 --name 玉泉家园一区1号楼网格");
  withDb(nameGrid);
  nameGrid->add_option("--code", gridCode)->required();
  nameGrid->add_option("--name", gridName, "1-40 characters")->required();
  nameGrid->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      const std::string stored = AdminActions(state, commandLineActor()).nameGrid(gridCode, gridName);  // throws before anything is printed
      out << "网格已命名 / grid named: " << gridCode << " " << stored << "\n";
      return 0;
    };
  });
  auto* listGrids = grid->add_subcommand("list", "list named grids");
  withDb(listGrids);
  listGrids->add_flag("--json", json);
  listGrids->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      const auto all = state.grids().all();
      if (json) out << Json(all).dump() << "\n";
      else
        for (const auto& [code, name] : all) out << code << "  " << name << "\n";
      return 0;
    };
  });

  auto* serve = app.add_subcommand("serve", "serve the sync protocol over HTTP or HTTPS");
  withDb(serve);
  serve->add_option("--listen", listen, "HOST:PORT (port 0 picks a free port)");
  serve->add_option("--tls-cert", tlsCert, "PEM certificate (enables HTTPS)");
  serve->add_option("--tls-key", tlsKey, "PEM private key");
  serve->add_option("--token-ttl-minutes", ttlMinutes, "sign-in lifetime")->check(CLI::Range(1, 7 * 24 * 60));
  serve->add_option("--token-ttl-seconds", ttlSeconds, "sign-in lifetime in seconds (overrides minutes)")
      ->check(CLI::Range(1, 7 * 24 * 3600));
  serve->callback([&] {
    action = [&] {
      if (tlsCert.empty() != tlsKey.empty()) throw CLI::ValidationError("--tls-cert and --tls-key go together");
      ServerState state(db, keyFile);
      HttpOptions options;
      std::tie(options.host, options.port) = splitListen(listen);
      options.tlsCert = tlsCert;
      options.tlsKey = tlsKey;
      options.tokenTtlMs = (ttlSeconds > 0 ? ttlSeconds : ttlMinutes * 60) * 1000;
      HttpApi api(state, options);
      const int port = api.bind();
      g_running = &api;
      std::signal(SIGTERM, onSignal);
      std::signal(SIGINT, onSignal);
      out << "listening on " << (tlsCert.empty() ? "http" : "https") << "://" << options.host << ":" << port
          << std::endl;
      api.serve();
      g_running = nullptr;
      return 0;
    };
  });

  DemoOptions demoOptions;
  auto* demo = app.add_subcommand(
      "demo", "generate the demo community (玉泉营农场社区) and its accounts into an empty database / 生成演示社区");
  withDb(demo);
  demo->add_option("--households", demoOptions.households, "number of households (default 1800)")
      ->check(CLI::Range(12, 20000));
  demo->add_option("--seed", demoOptions.seed, "random seed: the same seed gives the same community");
  demo->callback([&] { action = [&] { return runDemoCommand(db, keyFile, demoOptions, out, err); }; });

  auto* audit = app.add_subcommand("audit", "the conflict/audit log")->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "re-compute the hash chain and check the signed head");
  withDb(verify);
  verify->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      auto result = state.audit().verify();
      if (result.ok) {
        out << "ok: " << result.entries << " entries, chain and signed head intact / 审计日志完整\n";
        return 0;
      }
      out << "FAILED: " << result.problem << "\n失败: " << result.problemZh << "\n";
      return 1;
    };
  });
  auto* exportCmd = audit->add_subcommand("export", "export the log for auditors");
  withDb(exportCmd);
  exportCmd->add_option("--format", format)->check(CLI::IsMember({"csv", "json"}));
  exportCmd->add_option("--out", outFile, "file to write (default: standard output)");
  // The filters of GET /v1/audit/export, under the same names (docs/audit-log.md).
  std::map<std::string, std::string> auditFilters;
  for (const auto& [name, help] : std::vector<std::pair<std::string, std::string>>{
           {"from", "recorded at or after (ISO prefix, e.g. 2026-11-01)"},
           {"to", "recorded at or before (ISO prefix, inclusive)"},
           {"kind", "conflict, decision, return, resubmit or approve"},
           {"actor", "the user who caused the entry"},
           {"user", "the actor or either side's user of the conflict"},
           {"grid", "one grid"},
           {"field", "one field key"},
           {"decision", "a decision's take (server, incoming, value, restore, confirm_delete, merge)"},
           {"conflict", "one conflict's id"},
           {"record", "one record's UUID"}})
    exportCmd->add_option("--" + name, auditFilters[name], help);
  exportCmd->callback([&] {
    action = [&] {
      ServerState state(db, keyFile);
      QueryParams query{{"format", format}};
      for (const auto& [name, value] : auditFilters)
        if (!value.empty()) query.emplace(name, value);
      // The server's own operator: every grid, like an admin over HTTP.
      const Session console{User{"console", Role::Admin, {}, false, ""}, 0};
      const Reply reply = [&] {
        std::lock_guard lock(state.mutex());
        return AuditService(state).exportLog(console, query);
      }();
      if (reply.status != 200) {
        err << reply.body.value("message_zh", "") << " / " << reply.body.value("message", "") << "\n";
        return 1;
      }
      std::ofstream file;
      if (!outFile.empty()) file.open(outFile, std::ios::binary);
      std::ostream& target = outFile.empty() ? out : file;
      target << reply.raw;
      target.flush();
      if (!target) {
        err << "无法写入 / cannot write " << (outFile.empty() ? std::string("standard output") : outFile) << "\n";
        return 1;
      }
      return 0;
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? 0 : 2;
  }
  try {
    return action ? action() : 2;
  } catch (const CLI::Error& e) {
    err << e.what() << "\n";
    return 2;
  } catch (const AccountError& e) {
    err << e.what() << "\n";
    return 1;
  } catch (const GridError& e) {
    err << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "错误 / error: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace syncserver
