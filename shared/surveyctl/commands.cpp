#include "commands.h"

#include "invocation.h"

#include "synccore/device_store.h"
#include "synccore/id_number.h"
#include "synccore/sync_client.h"

#include <openssl/sha.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>

namespace surveyctl {

using namespace synccore;

/// Turns key=value arguments into typed values for one record type.
RecordValues parseAssignments(const RecordTypeDef& def, const std::vector<std::string>& args,
                              std::vector<ValidationFailure>& failures) {
  RecordValues values;
  for (const auto& arg : args) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("expected key=value, got \"" + arg + "\" / 参数应为 字段=值");
    const std::string key = arg.substr(0, eq), text = arg.substr(eq + 1);
    const FieldDef* field = def.field(key);
    if (!field) {
      values[key] = text;  // reported by validation as unknown_field
      continue;
    }
    ParsedInput parsed = parseFieldInput(*field, text);
    if (!parsed.ok)
      failures.push_back({def.type, "", key, "type", parsed.messageZh, parsed.messageEn});
    values[key] = parsed.value;
  }
  return values;
}

HttpOptions httpOptions(DeviceStore& store, const std::string& caFile) {
  HttpOptions options;
  options.caFile = caFile.empty() ? store.setting("ca_file") : caFile;
  return options;
}

std::optional<HttpClient> signedInClient(Invocation& inv) {
  DeviceStore& store = inv.store();
  const std::string server = store.setting("server_url");
  if (server.empty()) {
    inv.err << "尚未登录服务器 / not signed in: run surveyctl login first\n";
    return std::nullopt;
  }
  HttpClient http(server, httpOptions(store, ""));
  http.setBearerToken(store.setting("token"));
  return http;
}

namespace {

int checkId(Invocation& inv, const std::string& raw) {
  auto check = checkIdNumber(raw, CivilDate::today());
  if (!check.ok()) {
    if (inv.json)
      inv.out << Json{{"valid", false}, {"message_zh", check.messageZh}, {"message_en", check.messageEn}}.dump() << "\n";
    else inv.out << "无效 / invalid: " << check.messageZh << " / " << check.messageEn << "\n";
    return kInvalid;
  }
  const auto& info = *check.info;
  if (inv.json) {
    inv.out << Json{{"valid", true}, {"id_number", info.normalized}, {"birth_date", info.birthDate.toString()},
                    {"sex", sexCode(info.sex)}, {"region", info.regionCode}}.dump() << "\n";
  } else {
    inv.out << info.normalized << "\n"
            << "出生日期 / birth date: " << info.birthDate.toString() << "\n"
            << "性别 / sex: " << (info.sex == Sex::Male ? "男 / male" : "女 / female") << "\n";
  }
  return kOk;
}

int show(Invocation& inv, const std::string& uuid) {
  auto record = inv.store().load(uuid);
  if (!record) {
    inv.err << "找不到记录 / no such record: " << uuid << "\n";
    return kInvalid;
  }
  Json j = record->toJson();
  if (record->type == "household") {
    for (const char* type : {"person", "visit"}) {
      Json list = Json::array();
      for (const auto& child : inv.store().children(uuid, type)) list.push_back(child.toJson());
      j[type == std::string("person") ? "members" : "visits"] = list;
    }
  }
  inv.out << j.dump(inv.json ? -1 : 2) << "\n";
  return kOk;
}

int list(Invocation& inv, const std::string& search) {
  auto rows = inv.store().listHouseholds(search);
  if (inv.json) {
    Json list = Json::array();
    for (const auto& r : rows) list.push_back(r.toJson());
    inv.out << list.dump() << "\n";
  } else {
    for (const auto& r : rows)
      inv.out << r.uuid << "  " << r.grid << "  " << r.headName << "  " << r.address << "  (" << r.memberCount
              << ")\n";
    inv.out << rows.size() << " 户 / households\n";
  }
  return kOk;
}

int login(Invocation& inv, const std::string& server, const std::string& user, const std::string& caFile) {
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  DeviceStore& store = inv.store();
  HttpClient http(server, httpOptions(store, caFile));
  SyncClient client(store, http);
  auto summary = client.login(user, password);
  if (!summary.ok) {
    inv.err << "登录失败 / sign-in failed: " << summary.messageZh << " / " << summary.messageEn << "\n";
    return kFailure;
  }
  store.setSetting("server_url", server);
  if (!caFile.empty()) store.setSetting("ca_file", caFile);
  const auto names = gridNames(store);
  if (inv.json) {
    inv.out << Json{{"ok", true}, {"user", user}, {"grid_names", names}, {"removed", summary.removed}}.dump() << "\n";
    return kOk;
  }
  inv.out << "已登录 / signed in as " << user << "\n";
  for (const auto& [code, name] : names) inv.out << "  网格 grid " << code << "  " << name << "\n";
  if (summary.removed > 0)
    inv.out << "  " << summary.removed << " 户不在您负责的网格内,已从本机移除 / households outside your grids were removed from this device\n";
  return kOk;
}

/// A sync's progress as lines on stderr (stdout keeps the summary): each phase when it starts, then
/// at most one line a second, so a first pull of a whole county says it is still working.
SyncProgress progressLines(std::ostream& err) {
  return [&err, phase = std::string(), last = std::chrono::steady_clock::time_point()](
             const std::string& now, size_t done, size_t total) mutable {
    const auto at = std::chrono::steady_clock::now();
    if (now == phase && at - last < std::chrono::seconds(1)) return;
    phase = now;
    last = at;
    if (now == "push") err << "上传 / pushed " << done << "/" << total << "\n";
    else if (now == "pull") err << "下载 / pulled " << done << "\n";
    err.flush();
  };
}

int sync(Invocation& inv, const std::string& caFile, size_t pushBatch) {
  DeviceStore& store = inv.store();
  const std::string server = store.setting("server_url");
  if (server.empty()) {
    inv.err << "尚未登录服务器 / not signed in: run surveyctl login first\n";
    return kFailure;
  }
  HttpClient http(server, httpOptions(store, caFile));
  SyncClient::Options options;
  options.pushBatch = pushBatch;
  SyncClient client(store, http, options);
  auto summary = client.sync(progressLines(inv.err));
  inv.out << summary.toJson().dump() << "\n";
  if (const auto [zh, en] = summary.clockNote(); !zh.empty()) inv.err << zh << " / " << en << "\n";
  if (!summary.ok) inv.err << summary.messageZh << " / " << summary.messageEn << "\n";
  return summary.ok ? kOk : kFailure;
}

int grids(Invocation& inv) {
  const auto names = gridNames(inv.store());
  if (inv.json) inv.out << Json(names).dump() << "\n";
  else
    for (const auto& [code, name] : names) inv.out << code << "  " << name << "\n";
  return kOk;
}

int snapshot(Invocation& inv, bool digestOnly) {
  const std::string text = inv.store().snapshot().dump();
  if (!digestOnly) {
    inv.out << text << "\n";
    return kOk;
  }
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d);
  inv.out << toHex(d, sizeof d) << "\n";
  return kOk;
}

int notices(Invocation& inv, const std::vector<int64_t>& dismiss) {
  std::vector<SyncNotice> all = inv.store().notices();
  // Every id is checked before any notice goes: an unknown one dismisses nothing.
  for (const int64_t id : dismiss)
    if (std::none_of(all.begin(), all.end(), [id](const SyncNotice& n) { return n.id == id; })) {
      inv.err << "没有编号为 " << id << " 的通知,未移除任何通知 / no notice " << id << "; none was dismissed\n";
      return kInvalid;
    }
  for (const int64_t id : dismiss) inv.store().dismissNotice(id);
  if (!dismiss.empty()) all = inv.store().notices();
  Json list = Json::array();
  for (const auto& n : all) {
    list.push_back(n.toJson());
    if (!inv.json)
      inv.out << n.kind << "  " << n.recordType << "/" << n.recordUuid << "  " << n.field << "  " << n.messageZh << " / "
              << n.messageEn << "\n";
  }
  if (inv.json) inv.out << list.dump() << "\n";
  return kOk;
}

int outbox(Invocation& inv) {
  auto entries = inv.store().outbox();
  if (inv.json) {
    Json list = Json::array();
    for (const auto& e : entries) list.push_back(e.toJson());
    inv.out << list.dump() << "\n";
  } else {
    for (const auto& e : entries)
      inv.out << e.seq << "  " << e.recordType << "/" << e.recordUuid << "  " << e.field << " = " << e.value.dump()
              << "\n";
    inv.out << entries.size() << " 条待同步 / pending changes\n";
  }
  return kOk;
}

}  // namespace

/// The furthest --clock-offset-ms sets a device's clock from the system's.
constexpr int64_t kHundredYearsMs = 100LL * 366 * 24 * 60 * 60 * 1000;

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"surveyctl — Anju headless device / 安居命令行设备"};
  app.require_subcommand(1);
  Invocation inv(out, err);
  app.add_option("--db", inv.dbPath, "device data file (SQLite)");
  app.add_flag("--json", inv.json, "print JSON");
  app.add_option("--clock-offset-ms", inv.clockOffsetMs,
                 "run this device's clock N ms ahead of the system's (negative: behind), as a tablet with a wrong "
                 "date does (tests, demos)")
      ->check(CLI::Range(-kHundredYearsMs, kHundredYearsMs));
  std::function<int()> action;
  std::string uuid, text;
  std::vector<std::string> assignments;

  auto* checkIdCmd = app.add_subcommand("check-id", "check a resident ID number (GB 11643)");
  checkIdCmd->add_option("ID", text, "the ID number")->required();
  checkIdCmd->callback([&] { action = [&] { return checkId(inv, text); }; });

  for (const auto& [noun, type] : {std::pair<std::string, std::string>{"household", "household"},
                                   {"member", "person"},
                                   {"visit", "visit"}}) {
    auto* group = app.add_subcommand(noun, noun + " records")->require_subcommand(1);
    auto* add = group->add_subcommand("add", "add a " + noun + " (prints its UUID)");
    if (type != "household") add->add_option("HOUSEHOLD-UUID", uuid, "the household")->required();
    add->add_option("ASSIGNMENTS", assignments, "key=value ...");
    add->callback([&, type = type] {
      action = [&, type] { return inv.write({type, "", uuid, {}, false}, assignments, true); };
    });
    if (type == "visit") continue;  // visits are append-only
    auto* set = group->add_subcommand("set", "change fields of a " + noun);
    set->add_option("UUID", uuid)->required();
    set->add_option("ASSIGNMENTS", assignments, "key=value ...")->required();
    set->callback([&, type = type] {
      action = [&, type] { return inv.write({type, uuid, "", {}, false}, assignments, false); };
    });
    auto* del = group->add_subcommand("delete", "delete a " + noun + " (kept as a tombstone)");
    del->add_option("UUID", uuid)->required();
    del->callback([&, type = type] {
      action = [&, type] { return inv.write({type, uuid, "", {}, true}, {}, false); };
    });
  }

  auto* showCmd = app.add_subcommand("show", "show one record with its versions");
  showCmd->add_option("UUID", uuid)->required();
  showCmd->add_flag("--json", inv.json, "print JSON");
  showCmd->callback([&] { action = [&] { return show(inv, uuid); }; });

  auto* listCmd = app.add_subcommand("list", "list households");
  listCmd->add_option("--search", text, "name, address or ID number");
  listCmd->add_flag("--json", inv.json, "print JSON");
  listCmd->callback([&] { action = [&] { return list(inv, text); }; });

  auto* outboxCmd = app.add_subcommand("outbox", "list changes waiting to be synced");
  outboxCmd->add_flag("--json", inv.json, "print JSON");
  outboxCmd->callback([&] { action = [&] { return outbox(inv); }; });

  auto* schemaCmd = app.add_subcommand("schema", "print the survey definition");
  schemaCmd->add_flag("--json", inv.json, "print JSON");
  schemaCmd->callback([&] {
    action = [&] {
      out << SurveyDefinition::builtin().json().dump(inv.json ? -1 : 2) << "\n";
      return kOk;
    };
  });
  std::string server, user, caFile;
  auto* loginCmd = app.add_subcommand("login", "sign in to a sync server (password on standard input)");
  loginCmd->add_option("--server", server, "server address, e.g. https://127.0.0.1:8443")->required();
  loginCmd->add_option("--user", user, "user name")->required();
  loginCmd->add_option("--ca-file", caFile, "PEM certificate to trust for HTTPS");
  loginCmd->callback([&] { action = [&] { return login(inv, server, user, caFile); }; });

  auto* syncCmd = app.add_subcommand("sync", "push the outbox, then pull the worker's grids (prints a JSON summary; progress on stderr)");
  syncCmd->add_option("--ca-file", caFile, "PEM certificate to trust for HTTPS");
  size_t pushBatch = SyncClient::Options{}.pushBatch;
  syncCmd->add_option("--push-batch", pushBatch, "changes per pushed changeset (tests: many batches, pipelined)")
      ->check(CLI::Range(size_t{1}, size_t{2000}));
  syncCmd->callback([&] { action = [&] { return sync(inv, caFile, pushBatch); }; });

  bool digestOnly = false;
  auto* snapshotCmd = app.add_subcommand("snapshot", "print every record (JSON) or its SHA-256 digest");
  snapshotCmd->add_flag("--digest", digestOnly, "print only the digest");
  snapshotCmd->callback([&] { action = [&] { return snapshot(inv, digestOnly); }; });

  auto* noticesCmd = app.add_subcommand("notices", "conflicts and refused changes reported by the server");
  std::vector<int64_t> dismiss;
  noticesCmd->add_option("--dismiss", dismiss, "notice id the worker has dealt with (repeat for several); then lists the rest");
  noticesCmd->callback([&] { action = [&] { return notices(inv, dismiss); }; });

  auto* gridsCmd = app.add_subcommand("grids", "the names of the signed-in user's grids, as the last sign-in or sync brought them");
  gridsCmd->callback([&] { action = [&] { return grids(inv); }; });

  for (auto* sub : {checkIdCmd, noticesCmd, loginCmd, gridsCmd}) sub->add_flag("--json", inv.json, "print JSON");
  addSupervisorCommands(app, inv, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? kOk : kUsage;
  }
  try {
    return action ? action() : kUsage;
  } catch (const UsageError& e) {
    err << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    err << "错误 / error: " << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace surveyctl
