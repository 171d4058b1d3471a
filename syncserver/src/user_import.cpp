#include "user_import.h"

#include "admin_actions.h"
#include "csv_writer.h"
#include "synccore/password_hash.h"
#include "synccore/random_id.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace syncserver {

std::vector<AccountRowProblem> checkAgainstAccounts(const Accounts& accounts, const std::vector<AccountRow>& rows) {
  std::vector<AccountRowProblem> problems;
  for (const AccountRow& row : rows) {
    try {
      accounts.checkNewUser(row.name, row.grids);
    } catch (const AccountError& e) {
      problems.push_back({row.row, e.what()});
    }
  }
  return problems;
}

std::string generatePassword() {
  static constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  // Bytes at or above the largest multiple of the alphabet's size are dropped: every character is as likely.
  const unsigned limit = 256 - 256 % kAlphabet.size();
  std::string password;
  while (password.size() < 12)
    for (unsigned char b : synccore::randomBytes(16))
      if (b < limit && password.size() < 12) password += kAlphabet[b % kAlphabet.size()];
  return password;
}

void writePasswordsFile(const std::string& path, const std::vector<AccountRow>& rows,
                        const std::vector<std::string>& passwords) {
  std::ostringstream text;
  text << kUtf8Bom;
  writeCsvRow(text, {"name", "role", "grids", "password"});
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string grids;
    for (const auto& g : rows[i].grids) grids += (grids.empty() ? "" : " ") + g;
    writeCsvRow(text, {rows[i].name, std::string(roleName(rows[i].role)), grids, passwords[i]});
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(errno == EEXIST ? path + " already exists; it is not overwritten / 文件已存在,不会覆盖"
                                             : path + ": " + std::strerror(errno) + " / 无法创建文件");
  const std::string bytes = text.str();
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool ok = written == bytes.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw std::runtime_error(path + ": cannot write the passwords / 无法写入密码文件");
  }
}

std::vector<std::string> hashPasswords(const std::vector<std::string>& passwords,
                                       const std::function<void(size_t, size_t)>& progress) {
  std::vector<std::string> hashes;
  hashes.reserve(passwords.size());
  for (const auto& password : passwords) {
    hashes.push_back(synccore::hashPassword(password));
    progress(hashes.size(), passwords.size());
  }
  return hashes;
}

int runUserImport(ServerState& state, const std::string& actor, const std::string& file,
                  const std::string& passwordsOut, std::ostream& out, std::ostream& err) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    err << "无法读取 / cannot read " << file << "\n";
    return 1;
  }
  AccountFile read = readAccountRows(in);
  auto problems = read.problems;
  for (auto& p : checkAgainstAccounts(state.accounts(), read.rows)) problems.push_back(std::move(p));
  std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) { return a.row < b.row; });
  if (::access(passwordsOut.c_str(), F_OK) == 0)
    problems.push_back({0, passwordsOut + " already exists; it is not overwritten / 文件已存在,不会覆盖"});
  if (!problems.empty()) {
    for (const auto& p : problems)
      err << (p.row ? "第 " + std::to_string(p.row) + " 行 / row " + std::to_string(p.row) + ": " : "") << p.message
          << "\n";
    err << "没有添加任何账号 / no user was added\n";
    return 1;
  }
  const auto& rows = read.rows;
  std::vector<std::string> passwords;
  for (size_t i = 0; i < rows.size(); ++i) passwords.push_back(generatePassword());
  const auto hashes = hashPasswords(passwords, [&](size_t done, size_t total) {
    if (done % 10 == 0 || done == total)
      err << "正在生成初始密码 " << done << "/" << total << " … generating passwords " << done << "/" << total << "\n";
  });
  try {
    writePasswordsFile(passwordsOut, rows, passwords);
  } catch (const std::runtime_error& e) {
    err << e.what() << "\n" << "没有添加任何账号 / no user was added\n";
    return 1;
  }
  try {
    AdminActions(state, actor).addUsers(rows, hashes);
  } catch (...) {
    ::unlink(passwordsOut.c_str());  // no one holds these passwords
    throw;
  }
  out << "已导入 " << rows.size() << " 个账号,初始密码在 " << passwordsOut
      << "(仅您可读),请当面交给本人 / imported " << rows.size() << " users; their passwords are in " << passwordsOut
      << " (readable by you only): hand each one over in person\n";
  return 0;
}

}  // namespace syncserver
