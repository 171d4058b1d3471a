// surveyctl's review commands: the supervisor's conflict inbox, merges, return/approve, dashboards,
// the auditor's log, and the worker's resubmission of a returned household.
#include "invocation.h"

#include <fstream>
#include <map>

namespace surveyctl {

using namespace synccore;

namespace {

/// Everything the review commands' options bind to; kept alive by the commands' callbacks.
struct Options {
  std::string id, status, grid, household, field, kind, take, reason, keep, note, format = "json", out, date;
  std::string from, to, user, decision, conflict, exportFormat = "csv";
  std::optional<std::string> value;
  std::optional<int> olderThanDays;
  bool mergeHouseholds = false, sameRecord = false;
  std::vector<std::string> comments, values;
};

/// Prints the server's refusal; 1 for a 4xx (the request was wrong), 3 otherwise.
int refused(Invocation& inv, const HttpResult& result, const char* what) {
  inv.err << what << ": " << result.messageZh << " / " << result.messageEn;
  if (result.json.is_object() && result.json.contains("code")) inv.err << " (" << result.json["code"].get<std::string>() << ")";
  inv.err << "\n";
  return result.status >= 400 && result.status < 500 ? kInvalid : kFailure;
}

/// Adds each non-empty option to the query.
std::map<std::string, std::string> query(std::initializer_list<std::pair<const char*, const std::string*>> items) {
  std::map<std::string, std::string> q;
  for (const auto& [name, value] : items)
    if (!value->empty()) q[name] = *value;
  return q;
}

int conflicts(Invocation& inv, const Options& o) {
  auto http = signedInClient(inv);
  if (!http) return kFailure;
  auto q = query({{"status", &o.status}, {"grid", &o.grid}, {"household", &o.household}, {"field", &o.field},
                  {"kind", &o.kind}});
  if (o.olderThanDays) q["older_than_days"] = std::to_string(*o.olderThanDays);
  auto result = http->get("/v1/conflicts", q);
  if (!result.ok()) return refused(inv, result, "无法读取冲突 / cannot list conflicts");
  const Json& list = result.json["conflicts"];
  if (inv.json) {
    inv.out << list.dump() << "\n";
    return kOk;
  }
  for (const auto& c : list)
    inv.out << c["id"].get<std::string>() << "  " << c["kind"].get<std::string>() << "  "
            << c["status"].get<std::string>() << "  " << c["grid"].get<std::string>() << "  "
            << c["record_type"].get<std::string>() << "." << c["field"].get<std::string>()
            << "  base=" << c.value("base_value", Json()).dump()
            << "  server=" << c["server"].value("value", Json()).dump() << " (" << c["server"].value("user", "") << ")"
            << "  incoming=" << c["incoming"].value("value", Json()).dump() << " ("
            << c["incoming"].value("user", "") << ")\n";
  inv.out << list.size() << " 条冲突 / conflicts\n";
  return kOk;
}

int resolve(Invocation& inv, const Options& o) {
  if (o.value.has_value() == !o.take.empty())
    throw UsageError("give either --value V or --take local|remote|restore|confirm_delete / 请指定 --value 或 --take");
  auto http = signedInClient(inv);
  if (!http) return kFailure;
  Json body{{"reason", o.reason}};
  if (o.sameRecord) body["same_record"] = true;
  if (!o.take.empty()) {
    body["take"] = o.take;
  } else {
    auto found = http->get("/v1/conflicts/" + o.id + "/history");
    if (!found.ok()) return refused(inv, found, "找不到冲突 / no such conflict");
    const Json& c = found.json["conflict"];
    const auto* def = inv.store().definition().record(c.value("record_type", ""));
    const FieldDef* field = def ? def->field(c.value("field", "")) : nullptr;
    ParsedInput parsed = field ? parseFieldInput(*field, *o.value) : ParsedInput{*o.value, true, "", ""};
    if (!parsed.ok) {
      inv.err << parsed.messageZh << " / " << parsed.messageEn << "\n";
      return kInvalid;
    }
    body["value"] = parsed.value;
  }
  auto result = http->postJson("/v1/conflicts/" + o.id + "/resolve", body);
  if (!result.ok()) return refused(inv, result, "未处理 / not resolved");
  inv.out << (inv.json ? result.json.dump() : "已处理 / resolved " + o.id) << "\n";
  return kOk;
}

int merge(Invocation& inv, const Options& o) {
  std::vector<ValidationFailure> failures;
  RecordValues chosen = parseAssignments(inv.store().definition().requireRecord("person"), o.values, failures);
  if (!failures.empty()) return inv.reportFailures(failures);
  auto http = signedInClient(inv);
  if (!http) return kFailure;
  Json body{{"keep", o.keep}, {"reason", o.reason}, {"merge_households", o.mergeHouseholds}};
  if (!chosen.empty()) body["values"] = chosen;
  auto result = http->postJson("/v1/conflicts/" + o.id + "/merge", body);
  if (!result.ok()) return refused(inv, result, "未合并 / not merged");
  inv.out << (inv.json ? result.json.dump() : "已合并 / merged into " + result.json["conflict"]["decision"]
                                                                           .value("kept", std::string())) << "\n";
  return kOk;
}

/// "field=TEXT" (a household field) or "RECORD-UUID.field=TEXT" (a member's or visit's field).
Json parseComments(const std::vector<std::string>& args) {
  Json list = Json::array();
  for (const auto& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--comment expects field=TEXT or RECORD-UUID.field=TEXT / 意见格式应为 字段=说明");
    std::string key = arg.substr(0, eq);
    Json c{{"comment", arg.substr(eq + 1)}};
    if (const auto dot = key.rfind('.'); dot != std::string::npos) {
      c["record"] = key.substr(0, dot);
      key = key.substr(dot + 1);
    }
    c["field"] = key;
    list.push_back(c);
  }
  return list;
}

int reviewStep(Invocation& inv, const Options& o, const std::string& action) {
  auto http = signedInClient(inv);
  if (!http) return kFailure;
  Json body = Json::object();
  if (action == "return") body["comments"] = parseComments(o.comments);
  if (!o.note.empty()) body["note"] = o.note;
  auto result = http->postJson("/v1/households/" + o.id + "/" + action, body);
  if (!result.ok()) return refused(inv, result, "未完成 / not done");
  const Json& review = result.json["review"];
  inv.out << (inv.json ? result.json.dump() : review["state"].get<std::string>() + " " + o.id) << "\n";
  return kOk;
}

int resubmit(Invocation& inv, const Options& o) {
  if (!inv.store().requestResubmit(o.id, o.note)) {
    inv.err << "该户不是退回状态 / household " << o.id << " is not returned (run surveyctl sync to refresh)\n";
    return kInvalid;
  }
  inv.out << (inv.json ? Json{{"household", o.id}, {"resubmit_pending", true}}.dump()
                       : "已标记重新提交,下次同步时发送 / marked for resubmission; sent on the next sync")
          << "\n";
  return kOk;
}

int localReviews(Invocation& inv) {
  Json list = Json::array();
  for (const auto& r : inv.store().reviews()) {
    list.push_back(r.toJson());
    if (inv.json) continue;
    inv.out << r.household << "  " << r.state << (r.resubmitPending ? " (resubmit pending)" : "") << "  by "
            << r.updatedBy << "  " << r.updatedAt << "\n";
    for (const auto& c : r.comments)
      inv.out << "    " << c.value("field", "") << ": " << c.value("comment", "") << "\n";
  }
  if (inv.json) inv.out << list.dump() << "\n";
  return kOk;
}

/// GETs a JSON answer and prints it (indented unless --json).
int printGet(Invocation& inv, const std::string& path, const std::map<std::string, std::string>& q) {
  auto http = signedInClient(inv);
  if (!http) return kFailure;
  auto result = http->get(path, q);
  if (!result.ok()) return refused(inv, result, "请求失败 / request refused");
  inv.out << result.json.dump(inv.json ? -1 : 2) << "\n";
  return kOk;
}

/// GETs a file and writes it to --out (standard output when not given).
int saveDownload(Invocation& inv, const std::string& path, const std::map<std::string, std::string>& q,
                 const std::string& outFile) {
  auto http = signedInClient(inv);
  if (!http) return kFailure;
  auto result = http->download(path, q);
  if (!result.ok()) return refused(inv, result, "导出失败 / export refused");
  if (outFile.empty()) {
    inv.out << result.body;
    return kOk;
  }
  std::ofstream file(outFile, std::ios::binary);
  file << result.body;
  if (!file) {
    inv.err << "无法写入 / cannot write " << outFile << "\n";
    return kFailure;
  }
  inv.out << "已导出 / exported " << outFile << "\n";
  return kOk;
}

int dashboard(Invocation& inv, const Options& o) {
  auto q = query({{"grid", &o.grid}, {"date", &o.date}});
  if (o.format == "json") return printGet(inv, "/v1/dashboard", q);
  q["format"] = o.format;
  return saveDownload(inv, "/v1/dashboard", q, o.out);
}

std::map<std::string, std::string> auditQuery(const Options& o) {
  return query({{"from", &o.from}, {"to", &o.to}, {"kind", &o.kind}, {"user", &o.user}, {"grid", &o.grid},
                {"field", &o.field}, {"decision", &o.decision}, {"conflict", &o.conflict}});
}

}  // namespace

void addSupervisorCommands(CLI::App& app, Invocation& inv, std::function<int()>& action) {
  auto o = std::make_shared<Options>();
  const auto json = [&inv](CLI::App* cmd) { cmd->add_flag("--json", inv.json, "print JSON"); };
  const auto on = [&action](CLI::App* cmd, std::function<int()> fn) {
    cmd->callback([&action, fn] { action = fn; });
  };

  auto* list = app.add_subcommand("conflicts", "conflicts in your community, with filters (supervisor, auditor)");
  list->add_option("--status", o->status, "open, auto_resolved or resolved")
      ->check(CLI::IsMember({"open", "auto_resolved", "resolved"}));
  list->add_option("--grid", o->grid, "grid code");
  list->add_option("--household", o->household, "household UUID");
  list->add_option("--field", o->field, "field key");
  list->add_option("--kind", o->kind, "concurrent_edit, edit_vs_delete, delete_vs_edit, duplicate_person, out_of_scope");
  list->add_option("--older-than-days", o->olderThanDays, "only conflicts at least this many days old");
  json(list);
  on(list, [&inv, o] { return conflicts(inv, *o); });

  auto* res = app.add_subcommand("resolve", "decide an open conflict (supervisor)");
  res->add_option("CONFLICT-ID", o->id)->required();
  res->add_option("--value", o->value, "the decided (merged) value");
  res->add_option("--take", o->take,
                  "local (keep the server's value), remote (take the device's), restore or confirm_delete "
                  "(edit vs delete); server and incoming are aliases of local and remote")
      ->check(CLI::IsMember({"local", "remote", "server", "incoming", "restore", "confirm_delete"}));
  res->add_option("--reason", o->reason, "why (kept in the audit log)")->required();
  res->add_flag("--same-record", o->sameRecord,
                "an edit passed to the community (out_of_scope): decide the record's other open ones alike");
  json(res);
  on(res, [&inv, o] { return resolve(inv, *o); });

  auto* mergeCmd = app.add_subcommand("merge", "merge two person records of a duplicate_person conflict (supervisor)");
  mergeCmd->add_option("CONFLICT-ID", o->id)->required();
  mergeCmd->add_option("--keep", o->keep, "the person to keep: its UUID, local (server's) or remote (device's)")
      ->required();
  mergeCmd->add_option("--reason", o->reason, "why (kept in the audit log)")->required();
  mergeCmd->add_option("--set", o->values, "field=value chosen for the kept person (repeat)");
  mergeCmd->add_flag("--merge-households", o->mergeHouseholds,
                     "also move the duplicate's household (other members, visits) into the kept one");
  json(mergeCmd);
  on(mergeCmd, [&inv, o] { return merge(inv, *o); });

  for (const auto& [name, help] : {std::pair<std::string, std::string>{"return", "return a household to its worker with comments (supervisor)"},
                                   {"approve", "approve a resubmitted household (supervisor)"}}) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("HOUSEHOLD-UUID", o->id)->required();
    if (name == "return")
      cmd->add_option("--comment", o->comments, "field=TEXT or RECORD-UUID.field=TEXT (repeat)")->required();
    cmd->add_option("--note", o->note, "a general note (kept in the history and the audit log)");
    json(cmd);
    on(cmd, [&inv, o, name = name] { return reviewStep(inv, *o, name); });
  }

  auto* resub = app.add_subcommand("resubmit", "mark a returned household as fixed; sent on the next sync (worker)");
  resub->add_option("HOUSEHOLD-UUID", o->id)->required();
  resub->add_option("--note", o->note, "what was fixed");
  json(resub);
  on(resub, [&inv, o] { return resubmit(inv, *o); });

  auto* reviews = app.add_subcommand("reviews", "returned, resubmitted and approved households known to this device");
  json(reviews);
  on(reviews, [&inv] { return localReviews(inv); });

  auto* review = app.add_subcommand("review", "a household's review state and history on the server");
  review->add_option("HOUSEHOLD-UUID", o->id)->required();
  json(review);
  on(review, [&inv, o] { return printGet(inv, "/v1/households/" + o->id + "/review", {}); });

  auto* dash = app.add_subcommand("dashboard", "figures per grid and for the community (supervisor)");
  dash->add_option("--grid", o->grid, "one grid only");
  dash->add_option("--date", o->date, "compute as of YYYY-MM-DD (default today)");
  dash->add_option("--format", o->format, "json, csv or xlsx")->check(CLI::IsMember({"json", "csv", "xlsx"}));
  dash->add_option("--out", o->out, "file for csv or xlsx (default: standard output)");
  json(dash);
  on(dash, [&inv, o] { return dashboard(inv, *o); });

  auto* audit = app.add_subcommand("audit", "the conflict/audit log (auditor, supervisor; read-only)")
                    ->require_subcommand(1);
  std::vector<CLI::App*> auditCommands = {audit->add_subcommand("list", "entries with filters"),
                                          audit->add_subcommand("export", "download entries as CSV or JSON")};
  for (auto* cmd : auditCommands) {
    cmd->add_option("--from", o->from, "recorded at or after (ISO time or date)");
    cmd->add_option("--to", o->to, "recorded at or before (ISO prefix: a date includes the whole day)");
    cmd->add_option("--kind", o->kind, "conflict, decision, return, resubmit, approve");
    cmd->add_option("--user", o->user, "the actor or either side's user");
    cmd->add_option("--grid", o->grid, "grid code");
    cmd->add_option("--field", o->field, "field key");
    cmd->add_option("--decision", o->decision, "server, incoming, value, restore, confirm_delete, merge");
    cmd->add_option("--conflict", o->conflict, "one conflict's whole history");
    json(cmd);
  }
  on(auditCommands[0], [&inv, o] { return printGet(inv, "/v1/audit", auditQuery(*o)); });
  auditCommands[1]->add_option("--format", o->exportFormat, "csv (default) or json")->check(CLI::IsMember({"csv", "json"}));
  auditCommands[1]->add_option("--out", o->out, "file to write (default: standard output)");
  on(auditCommands[1], [&inv, o] {
    auto q = auditQuery(*o);
    q["format"] = o->exportFormat;
    return saveDownload(inv, "/v1/audit/export", q, o->out);
  });
  auto* verify = audit->add_subcommand("verify", "the hash chain's and signed head's verification on the server");
  json(verify);
  on(verify, [&inv] {
    auto http = signedInClient(inv);
    if (!http) return static_cast<int>(kFailure);
    auto result = http->get("/v1/audit/verify");
    if (!result.ok()) return refused(inv, result, "请求失败 / request refused");
    const Json& v = result.json["verification"];
    if (inv.json) inv.out << result.json.dump() << "\n";
    else if (v.value("ok", false)) inv.out << "ok: " << v.value("entries", 0) << " entries / 审计日志完整\n";
    else inv.out << "FAILED: " << v.value("problem", "") << "\n失败: " << v.value("problem_zh", "") << "\n";
    return v.value("ok", false) ? static_cast<int>(kOk) : static_cast<int>(kInvalid);
  });
}

}  // namespace surveyctl
