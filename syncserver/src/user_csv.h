#pragma once
// The accounts file an administrator fills in a spreadsheet: one user per row (name, role, grids).
#include "accounts.h"

#include <istream>
#include <string>
#include <vector>

namespace syncserver {

/// One row of an accounts file; `row` counts the header as row 1, as a spreadsheet shows it.
struct AccountRow {
  size_t row = 0;
  std::string name;
  Role role = Role::Worker;
  std::vector<std::string> grids;
};

/// Something wrong with one row (0: the file as a whole): "English / 中文", as AccountError says it.
struct AccountRowProblem {
  size_t row = 0;
  std::string message;
};

/// What an accounts file holds: its rows, and every problem found in it. A row with a problem of its
/// own (no name, an unknown role, a name twice) is among the problems, not the rows.
struct AccountFile {
  std::vector<AccountRow> rows;
  std::vector<AccountRowProblem> problems;
};

/// Reads a CSV accounts file (UTF-8, a BOM allowed, RFC 4180 quoting; libcsv). The header names the
/// columns name/用户名, role/角色 and grids/网格 in any order (other columns are ignored); a role is
/// worker/网格员, supervisor/网格长, auditor/审计 or admin/管理员; grid codes in a cell are separated by
/// spaces, commas or semicolons (also 、，；). Problems: a missing column, an empty name, an unknown
/// role, a name twice in the file, over kMaxAccountRows rows, not CSV, no rows. The name's form and the
/// grid codes are the accounts' rules (Accounts::checkNewUser).
AccountFile readAccountRows(std::istream& in);

constexpr size_t kMaxAccountRows = 10000;

}  // namespace syncserver
