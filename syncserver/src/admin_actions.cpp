#include "admin_actions.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace syncserver {

AdminActions::AdminActions(ServerState& state, std::string actor) : m_state(state), m_actor(std::move(actor)) {}

void AdminActions::logged(const std::string& kind, const std::function<Json()>& change) {
  synccore::Transaction tx(m_state.db());
  m_state.audit().append(kind, m_actor, change());
  tx.commit();
}

void AdminActions::addUser(const std::string& name, Role role, const std::vector<std::string>& grids,
                           const std::string& password) {
  logged("user", [&] {
    m_state.accounts().addUser(name, role, grids, password);
    return userAdded(name, role, grids);
  });
}

void AdminActions::addUsers(const std::vector<AccountRow>& rows, const std::vector<std::string>& passwordHashes) {
  synccore::Transaction tx(m_state.db());
  AuditLog::SigningBatch signing(m_state.audit());  // one signed head for the whole file
  for (size_t i = 0; i < rows.size(); ++i) {
    const AccountRow& row = rows[i];
    m_state.accounts().insertUser(row.name, row.role, row.grids, passwordHashes.at(i));
    Json body = userAdded(row.name, row.role, row.grids);
    body["via"] = "import";
    m_state.audit().append("user", m_actor, body);
  }
  signing.finish();
  tx.commit();
}

Json AdminActions::userAdded(const std::string& name, Role role, const std::vector<std::string>& grids) {
  return Json{{"action", "add"}, {"user", name}, {"role", roleName(role)}, {"grids", grids}};
}

Json AdminActions::gridNamed(const std::string& code, const std::string& name, const std::optional<std::string>& previous) {
  return Json{{"action", "name"}, {"grid", code}, {"name", name}, {"previous_name", previous ? Json(*previous) : Json()}};
}

void AdminActions::revokeUser(const std::string& name) {
  logged("user", [&] {
    const size_t ended = m_state.accounts().revokeUser(name);
    return Json{{"action", "revoke"}, {"user", name}, {"tokens_ended", ended}};
  });
}

std::vector<std::string> AdminActions::setGrids(const std::string& name, const std::vector<std::string>& grids) {
  std::vector<std::string> before;
  logged("user", [&] {
    before = m_state.accounts().setGrids(name, grids);
    return Json{{"action", "grids"}, {"user", name}, {"from", before}, {"to", grids}};
  });
  return before;
}

void AdminActions::resetPassword(const std::string& name, const std::string& password) {
  logged("user", [&] {
    const size_t ended = m_state.accounts().setPassword(name, password);
    return Json{{"action", "password"}, {"user", name}, {"tokens_ended", ended}};
  });
}

std::string AdminActions::nameGrid(const std::string& code, const std::string& name) {
  std::string stored;
  logged("grid", [&] {
    const auto named = m_state.grids().all();
    const auto previous = named.find(code);
    stored = m_state.grids().name(code, name);
    return gridNamed(code, stored, previous == named.end() ? std::nullopt : std::optional(previous->second));
  });
  return stored;
}

std::string commandLineActor() {
  if (const char* sudoUser = std::getenv("SUDO_USER"); sudoUser && *sudoUser) return std::string("admin-cli:") + sudoUser;
  const passwd* account = getpwuid(geteuid());
  return std::string("admin-cli:") + (account ? account->pw_name : std::to_string(geteuid()));
}

}  // namespace syncserver
