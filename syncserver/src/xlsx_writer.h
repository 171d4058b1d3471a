#pragma once
// A minimal Office Open XML workbook (one sheet, inline strings) written with libzip.
#include <string>
#include <vector>

namespace syncserver {

/// The bytes of an .xlsx file with one sheet holding the rows; cells that are whole decimal
/// numbers are stored as numbers, the rest as text. Throws std::runtime_error if libzip fails.
std::string xlsxWorkbook(const std::string& sheetName, const std::vector<std::vector<std::string>>& rows);

}  // namespace syncserver
