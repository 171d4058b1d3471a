#pragma once
// CSV for spreadsheets (RFC 4180 rows, CRLF) and protection against cells read as formulas.
#include <ostream>
#include <string>
#include <vector>

namespace syncserver {

/// The UTF-8 byte order mark that makes Excel read a CSV file's Chinese text correctly.
constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

/// Spreadsheets run a cell starting with = + - @ as a formula; such text (not plain numbers)
/// gets a leading apostrophe so a typed reason cannot become a live formula in Excel.
std::string spreadsheetSafe(std::string text);

/// One RFC 4180 row: cells with a comma, quote, CR or LF are quoted, quotes doubled; CRLF ends it.
void writeCsvRow(std::ostream& out, const std::vector<std::string>& cells);

}  // namespace syncserver
