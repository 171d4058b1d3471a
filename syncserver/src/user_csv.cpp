#include "user_csv.h"

#include <csv.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

namespace syncserver {

namespace {

using Cells = std::vector<std::string>;

/// libcsv's callbacks gather the file's records.
struct Gathered {
  std::vector<Cells> records;
  Cells current;
};

void onField(void* text, size_t length, void* data) {
  auto* g = static_cast<Gathered*>(data);
  g->current.emplace_back(static_cast<const char*>(text), length);
}

void onRecordEnd(int, void* data) {
  auto* g = static_cast<Gathered*>(data);
  g->records.push_back(std::move(g->current));
  g->current.clear();
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<Role> roleOf(const std::string& text) {
  static const std::map<std::string, Role> chinese = {
      {"网格员", Role::Worker}, {"网格长", Role::Supervisor}, {"审计", Role::Auditor}, {"管理员", Role::Admin}};
  if (auto role = roleFromName(text)) return role;
  const auto found = chinese.find(text);
  return found == chinese.end() ? std::nullopt : std::optional(found->second);
}

/// Grid codes of one cell: separated by spaces, commas or semicolons, ASCII or Chinese.
std::vector<std::string> gridsOf(std::string text) {
  for (const char* wide : {"、", "，", "；"})
    for (size_t at = text.find(wide); at != std::string::npos; at = text.find(wide, at))
      text.replace(at, std::string(wide).size(), " ");
  std::replace_if(text.begin(), text.end(), [](char c) { return c == ',' || c == ';' || c == '\t'; }, ' ');
  std::vector<std::string> grids;
  std::istringstream words(text);
  for (std::string code; words >> code;)
    if (std::find(grids.begin(), grids.end(), code) == grids.end()) grids.push_back(code);
  return grids;
}

}  // namespace

AccountFile readAccountRows(std::istream& in) {
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  const auto fileProblem = [](const std::string& message) { return AccountFile{{}, {{0, message}}}; };
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return fileProblem("cannot start the CSV reader / 无法读取 CSV");
  const std::unique_ptr<csv_parser, void (*)(csv_parser*)> freed(&parser, csv_free);
  Gathered gathered;
  if (csv_parse(&parser, text.data(), text.size(), onField, onRecordEnd, &gathered) != text.size() ||
      csv_fini(&parser, onField, onRecordEnd, &gathered) != 0)
    return fileProblem(std::string("not a CSV file: ") + csv_strerror(csv_error(&parser)) +
                       " (after row " + std::to_string(gathered.records.size()) + ") / 不是有效的 CSV 文件");
  if (gathered.records.empty()) return fileProblem("the file is empty / 文件为空");
  if (gathered.records.size() - 1 > kMaxAccountRows)
    return fileProblem("at most " + std::to_string(kMaxAccountRows) + " users per file / 每个文件最多 " +
                       std::to_string(kMaxAccountRows) + " 个账号");

  // The header: which column holds what.
  std::map<std::string, size_t> columns;
  const Cells& header = gathered.records.front();
  for (size_t i = 0; i < header.size(); ++i) {
    static const std::map<std::string, std::string> names = {{"name", "name"},   {"用户名", "name"}, {"role", "role"},
                                                             {"角色", "role"},   {"grids", "grids"}, {"网格", "grids"}};
    const auto known = names.find(trimmed(header[i]));
    if (known != names.end()) columns.emplace(known->second, i);
  }
  AccountFile file;
  auto& problems = file.problems;
  for (const char* column : {"name", "role", "grids"})
    if (!columns.count(column))
      problems.push_back({1, std::string("the header has no column ") + column + " / 表头缺少 " +
                                 (column == std::string("name") ? "用户名" : column == std::string("role") ? "角色" : "网格") +
                                 " 列"});
  if (!problems.empty()) return file;

  std::set<std::string> seen;
  for (size_t r = 1; r < gathered.records.size(); ++r) {
    const Cells& cells = gathered.records[r];
    const auto cell = [&](const char* column) {
      const size_t at = columns.at(column);
      return at < cells.size() ? trimmed(cells[at]) : std::string();
    };
    const size_t row = r + 1;
    if (std::all_of(cells.begin(), cells.end(), [&](const std::string& c) { return trimmed(c).empty(); })) continue;
    AccountRow account{row, cell("name"), Role::Worker, gridsOf(cell("grids"))};
    const auto role = roleOf(cell("role"));
    const size_t before = problems.size();
    if (account.name.empty()) problems.push_back({row, "no user name / 缺少用户名"});
    if (!role)
      problems.push_back({row, "unknown role \"" + cell("role") +
                                   "\": worker, supervisor, auditor or admin / 角色须为 网格员、网格长、审计 或 管理员"});
    else
      account.role = *role;
    if (!account.name.empty() && !seen.insert(account.name).second)
      problems.push_back({row, "user " + account.name + " is in the file twice / 用户名在文件中重复"});
    if (problems.size() == before) file.rows.push_back(std::move(account));
  }
  if (file.rows.empty() && problems.empty()) return fileProblem("the file lists no users / 文件中没有账号");
  return file;
}

}  // namespace syncserver
