#include "synccore/password_hash.h"

#include "synccore/field_cipher.h"
#include "synccore/random_id.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace synccore {

namespace {

constexpr uint64_t kScryptN = 16384, kScryptR = 8, kScryptP = 1;
constexpr size_t kHashSize = 32;

std::vector<unsigned char> scrypt(std::string_view password, const std::vector<unsigned char>& salt,
                                  uint64_t n, uint64_t r, uint64_t p) {
  std::vector<unsigned char> out(kHashSize);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p, 64 * 1024 * 1024,
                     out.data(), out.size()) != 1)
    throw std::runtime_error("scrypt failed");
  return out;
}

std::vector<unsigned char> fromHex(const std::string& hex) {
  std::vector<unsigned char> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

std::string hashPassword(std::string_view password) {
  auto salt = randomBytes(16);
  auto hash = scrypt(password, salt, kScryptN, kScryptR, kScryptP);
  std::ostringstream out;
  out << "scrypt$" << kScryptN << "$" << kScryptR << "$" << kScryptP << "$" << toHex(salt.data(), salt.size())
      << "$" << toHex(hash.data(), hash.size());
  return out.str();
}

bool verifyPassword(std::string_view password, std::string_view stored) {
  std::vector<std::string> parts;
  std::stringstream in{std::string(stored)};
  for (std::string part; std::getline(in, part, '$');) parts.push_back(part);
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  try {
    auto hash = scrypt(password, fromHex(parts[4]), std::stoull(parts[1]), std::stoull(parts[2]), std::stoull(parts[3]));
    auto expected = fromHex(parts[5]);
    return expected.size() == hash.size() && CRYPTO_memcmp(hash.data(), expected.data(), hash.size()) == 0;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace synccore
