#include "dashboard.h"

#include "csv_writer.h"
#include "synccore/derived_figures.h"
#include "xlsx_writer.h"

#include <cmath>
#include <map>
#include <sstream>

namespace syncserver {

namespace {

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
int64_t dayNumber(const synccore::CivilDate& d) {
  const int y = d.year - (d.month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

Json percent(int64_t part, int64_t whole) {
  if (whole == 0) return nullptr;
  return std::round(1000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10.0;
}

std::string text(const synccore::RecordValues& values, const char* key) {
  auto it = values.find(key);
  return it != values.end() && it->second.is_string() ? it->second.get<std::string>() : std::string();
}

/// A household with what the dashboard needs of its members and visits.
struct HouseholdData {
  std::string grid;
  synccore::RecordValues values;
  std::vector<synccore::RecordValues> members, visits;
};

/// How long after a visit without a "next visit due" date the monthly revisit falls due.
constexpr int64_t kRevisitDays = 31;

bool overdue(const HouseholdData& h, const synccore::CivilDate& today) {
  const synccore::RecordValues* newest = nullptr;
  for (const auto& v : h.visits)
    if (!text(v, "visit_date").empty() && (!newest || text(v, "visit_date") > text(*newest, "visit_date"))) newest = &v;
  if (!newest) return true;
  if (auto due = synccore::CivilDate::parse(text(*newest, "next_visit_due"))) return *due < today;
  auto last = synccore::CivilDate::parse(text(*newest, "visit_date"));
  return !last || dayNumber(*last) + kRevisitDays < dayNumber(today);
}

struct Column {
  const char* key;
  const char* label;  // Chinese label for the exported files
};
const std::vector<Column>& columns() {
  static const std::vector<Column> c = {
      {"grid", "网格"},
      {"grid_name", "网格名称"},
      {"households", "户数"},
      {"people", "人数"},
      {"visited_this_month", "本月已走访户数"},
      {"visited_this_month_pct", "本月走访率(%)"},
      {"monitored", "监测户数"},
      {"monitored_overdue", "监测户逾期未回访"},
      {"labour_households", "有劳动力户数"},
      {"stable_work_households", "至少一人稳定就业户数"},
      {"stable_work_pct", "稳定就业率(%)"},
      {"open_conflicts", "待处理冲突"}};
  return c;
}

std::string cell(const Json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

Json DashboardRow::toJson() const {
  return Json{{"grid", grid},
              {"grid_name", gridName},
              {"households", households},
              {"people", people},
              {"visited_this_month", visitedThisMonth},
              {"visited_this_month_pct", percent(visitedThisMonth, households)},
              {"monitored", monitored},
              {"monitored_overdue", monitoredOverdue},
              {"labour_households", labourHouseholds},
              {"stable_work_households", stableWorkHouseholds},
              {"stable_work_pct", percent(stableWorkHouseholds, labourHouseholds)},
              {"open_conflicts", openConflicts}};
}

void DashboardRow::add(const DashboardRow& o) {
  households += o.households;
  people += o.people;
  visitedThisMonth += o.visitedThisMonth;
  monitored += o.monitored;
  monitoredOverdue += o.monitoredOverdue;
  labourHouseholds += o.labourHouseholds;
  stableWorkHouseholds += o.stableWorkHouseholds;
  openConflicts += o.openConflicts;
}

std::vector<DashboardRow> computeDashboard(ServerState& state, bool allGrids, const std::vector<std::string>& grids,
                                           const synccore::CivilDate& today) {
  std::map<std::string, HouseholdData> households;
  std::map<std::string, synccore::RecordValues> children;  // uuid -> values
  std::map<std::string, std::pair<std::string, std::string>> childOf;  // uuid -> (type, household)
  auto st = state.db().prepare(
      "SELECT r.uuid, r.type, r.household_uuid, h.grid, f.field, f.value FROM records r"
      " JOIN records h ON h.uuid = r.household_uuid LEFT JOIN fields f ON f.record_id = r.id"
      " AND f.field IN ('monitoring_category', 'income_wages', 'income_business', 'income_property',"
      " 'income_transfer', 'labour_capacity', 'employment_status', 'months_worked', 'visit_date', 'next_visit_due')"
      " WHERE r.deleted = 0 AND h.deleted = 0 ORDER BY r.uuid");
  while (st.step()) {
    const std::string uuid = st.text(0), type = st.text(1), household = st.text(2);
    const std::string grid = st.optionalText(3).value_or("");
    if (!allGrids && std::find(grids.begin(), grids.end(), grid) == grids.end()) continue;
    synccore::RecordValues* values = nullptr;
    if (type == "household") {
      households[uuid].grid = grid;
      values = &households[uuid].values;
    } else {
      childOf[uuid] = {type, household};
      values = &children[uuid];
    }
    if (!st.isNull(4)) (*values)[st.text(4)] = Json::parse(st.text(5));
  }
  for (auto& [uuid, link] : childOf) {
    auto h = households.find(link.second);
    if (h == households.end()) continue;
    (link.first == "person" ? h->second.members : h->second.visits).push_back(std::move(children[uuid]));
  }

  std::map<std::string, DashboardRow> rows;
  if (!allGrids)
    for (const auto& g : grids) rows[g].grid = g;
  const std::string month = today.toString().substr(0, 7);
  for (const auto& [uuid, h] : households) {
    DashboardRow& row = rows[h.grid];
    row.grid = h.grid;
    ++row.households;
    row.people += static_cast<int64_t>(h.members.size());
    for (const auto& v : h.visits)
      if (text(v, "visit_date").rfind(month, 0) == 0) {
        ++row.visitedThisMonth;
        break;
      }
    const std::string category = text(h.values, "monitoring_category");
    if (!category.empty() && category != "none") {
      ++row.monitored;
      if (overdue(h, today)) ++row.monitoredOverdue;
    }
    const auto figures = synccore::householdFigures(h.values, h.members);
    if (figures.labourCount > 0) {
      ++row.labourHouseholds;
      if (figures.hasStableWork) ++row.stableWorkHouseholds;
    }
  }
  auto open = state.db().prepare("SELECT grid, count(*) FROM conflicts WHERE status = 'open' GROUP BY grid");
  while (open.step())
    if (auto it = rows.find(open.text(0)); it != rows.end()) it->second.openConflicts = open.int64(1);
    else if (allGrids) {
      DashboardRow& row = rows[open.text(0)];  // a grid with open conflicts and no live household
      row.grid = open.text(0);
      row.openConflicts = open.int64(1);
    }
  std::vector<std::string> codes;
  for (const auto& [grid, row] : rows) codes.push_back(grid);
  const auto names = state.grids().namesOf(codes);
  std::vector<DashboardRow> out;
  for (auto& [grid, row] : rows) {
    row.gridName = names.at(grid);
    out.push_back(row);
  }
  return out;
}

Reply DashboardService::figures(const Session& s, const QueryParams& query) {
  if (s.user.role != Role::Supervisor && s.user.role != Role::Admin) return forbidden();
  std::string grid, format = "json";
  synccore::CivilDate today = synccore::CivilDate::today();
  for (const auto& [name, value] : query) {
    if (name == "grid") {
      if (!value.empty() && !s.mayAccessGrid(value)) return outOfScope(value);
      grid = value;
    } else if (name == "date") {
      auto d = synccore::CivilDate::parse(value);
      if (!d) return Reply::error(400, "bad_request", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD");
      today = *d;
    } else if (name == "format") {
      if (value != "json" && value != "csv" && value != "xlsx")
        return Reply::error(400, "bad_request", "format must be json, csv or xlsx", "格式须为 json、csv 或 xlsx");
      format = value;
    } else {
      return Reply::error(400, "unknown_field", "unknown query parameter " + name, "未知的查询参数 " + name);
    }
  }
  synccore::Transaction tx(m_state.db(), synccore::Transaction::Kind::Deferred);
  const std::vector<std::string> scope = grid.empty() ? s.user.grids : std::vector<std::string>{grid};
  auto rows = computeDashboard(m_state, grid.empty() && s.seesAllGrids(), scope, today);
  DashboardRow community;
  community.grid = "*";
  community.gridName = "合计";
  for (const auto& r : rows) community.add(r);
  Json list = Json::array();
  for (const auto& r : rows) list.push_back(r.toJson());
  Json document{{"date", today.toString()}, {"month", today.toString().substr(0, 7)}, {"grids", list},
                {"community", community.toJson()}};
  if (format == "json") return Reply{200, document};

  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header;
  for (const auto& c : columns()) header.push_back(std::string(c.label) + " " + c.key);
  table.push_back(header);
  list.push_back(community.toJson());
  for (const auto& r : list) {
    std::vector<std::string> line;
    for (const auto& c : columns()) line.push_back(c.key == std::string("grid") && r["grid"] == "*" ? "合计 total"
                                                                                                    : cell(r[c.key]));
    table.push_back(line);
  }
  const std::string name = "dashboard-" + today.toString();
  if (format == "csv") {
    std::ostringstream out;
    out << kUtf8Bom;
    for (auto& line : table) {
      for (auto& c : line) c = spreadsheetSafe(c);
      writeCsvRow(out, line);
    }
    return Reply::download("text/csv", name + ".csv", out.str());
  }
  return Reply::download("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx",
                         xlsxWorkbook("看板 dashboard", table));
}

}  // namespace syncserver
