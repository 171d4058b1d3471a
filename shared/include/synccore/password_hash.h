#pragma once
// Salted slow password hashes (scrypt), used by the server's accounts and the device's offline unlock.
#include <string>
#include <string_view>

namespace synccore {

/// "scrypt$N$r$p$salt$hash" with a random 16-byte salt.
std::string hashPassword(std::string_view password);
/// True when the password matches a stored hash; false for a malformed hash.
bool verifyPassword(std::string_view password, std::string_view stored);

}  // namespace synccore
