#include "csv_writer.h"

#include <cstdlib>
#include <string_view>

namespace syncserver {

std::string spreadsheetSafe(std::string text) {
  if (text.empty() || std::string_view("=+-@\t\r").find(text.front()) == std::string_view::npos)
    return text;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  if (end && *end == '\0') return text;
  return "'" + text;
}

void writeCsvRow(std::ostream& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out << ',';
    const std::string& cell = cells[i];
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      out << cell;
      continue;
    }
    out << '"';
    for (char c : cell) {
      if (c == '"') out << '"';
      out << c;
    }
    out << '"';
  }
  out << "\r\n";
}

}  // namespace syncserver
