#include "grid_directory.h"

#include <nlohmann/json.hpp>

#include <regex>

namespace syncserver {

namespace {

constexpr size_t kMaxNameCharacters = 40;

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// Characters of valid UTF-8 text (bytes that do not continue a character).
size_t characters(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

bool validUtf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();  // refuses invalid UTF-8
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace

bool isGridCode(const std::string& code) {
  static const std::regex pattern("^[A-Za-z0-9_-]{1,32}$");
  return std::regex_match(code, pattern);
}

GridDirectory::GridDirectory(synccore::Database& db) : m_db(db) {
  m_db.exec("CREATE TABLE IF NOT EXISTS grids(code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID");
}

std::string GridDirectory::name(const std::string& code, const std::string& name) {
  if (!isGridCode(code))
    throw GridError("a grid code is 1-32 letters, digits, '_' or '-': " + code + " / 网格编号格式不正确");
  const std::string text = trimmed(name);
  if (text.empty() || !validUtf8(text) || characters(text) > kMaxNameCharacters)
    throw GridError("a grid name is 1-40 characters of UTF-8 text / 网格名称须为 1-40 个字");
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7F) throw GridError("a grid name cannot hold control characters / 网格名称不能含控制字符");
  m_db.cached("INSERT INTO grids(code, name) VALUES(?, ?) ON CONFLICT(code) DO UPDATE SET name=excluded.name")
      .bind(1, code)
      .bind(2, text)
      .run();
  return text;
}

std::map<std::string, std::string> GridDirectory::all() const {
  std::map<std::string, std::string> out;
  auto st = m_db.cached("SELECT code, name FROM grids ORDER BY code");
  while (st.step()) out[st.text(0)] = st.text(1);
  return out;
}

std::map<std::string, std::string> GridDirectory::namesOf(const std::vector<std::string>& codes) const {
  std::map<std::string, std::string> out;
  auto st = m_db.cached("SELECT name FROM grids WHERE code=?");
  for (const auto& code : codes) {
    st.bind(1, code);
    out[code] = st.step() ? st.text(0) : code;
    st.reset();
  }
  return out;
}

}  // namespace syncserver
