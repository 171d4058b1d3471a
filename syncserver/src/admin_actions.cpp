#include "admin_actions.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace syncserver {

AdminActions::AdminActions(ServerState& state, std::string actor) : m_state(state), m_actor(std::move(actor)) {}

void AdminActions::logged(const std::function<std::pair<std::string, Json>()>& change) {
  std::lock_guard lock(m_state.mutex());
  synccore::Transaction tx(m_state.db());
  const auto [kind, body] = change();
  m_state.audit().append(kind, m_actor, body);
  tx.commit();
}

void AdminActions::addUser(const std::string& name, Role role, const std::vector<std::string>& grids,
                           const std::string& password) {
  logged([&] {
    m_state.accounts().addUser(name, role, grids, password);
    return std::pair{std::string("user"), Json{{"action", "add"}, {"user", name}, {"role", roleName(role)}, {"grids", grids}}};
  });
}

void AdminActions::revokeUser(const std::string& name) {
  logged([&] {
    const size_t ended = m_state.accounts().revokeUser(name);
    return std::pair{std::string("user"), Json{{"action", "revoke"}, {"user", name}, {"tokens_ended", ended}}};
  });
}

std::vector<std::string> AdminActions::setGrids(const std::string& name, const std::vector<std::string>& grids) {
  std::vector<std::string> before;
  logged([&] {
    before = m_state.accounts().setGrids(name, grids);
    return std::pair{std::string("user"), Json{{"action", "grids"}, {"user", name}, {"from", before}, {"to", grids}}};
  });
  return before;
}

void AdminActions::resetPassword(const std::string& name, const std::string& password) {
  logged([&] {
    const size_t ended = m_state.accounts().setPassword(name, password);
    return std::pair{std::string("user"), Json{{"action", "password"}, {"user", name}, {"tokens_ended", ended}}};
  });
}

std::string AdminActions::nameGrid(const std::string& code, const std::string& name) {
  std::string stored;
  logged([&] {
    const auto named = m_state.grids().all();
    const auto previous = named.find(code);
    stored = m_state.grids().name(code, name);
    return std::pair{std::string("grid"),
                     Json{{"action", "name"}, {"grid", code}, {"name", stored},
                          {"previous_name", previous == named.end() ? Json() : Json(previous->second)}}};
  });
  return stored;
}

std::string commandLineActor() {
  if (const char* sudoUser = std::getenv("SUDO_USER"); sudoUser && *sudoUser) return std::string("admin-cli:") + sudoUser;
  const passwd* account = getpwuid(geteuid());
  return std::string("admin-cli:") + (account ? account->pw_name : std::to_string(geteuid()));
}

}  // namespace syncserver
