#pragma once
// The server's Ed25519 signing key (PEM file beside the database) used to sign the audit head.
#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace syncserver {

/// Ed25519 key used to sign the audit head. The private key lives in a PEM file (mode 0600)
/// beside the database. Copies share the same immutable key; all members are safe to call from
/// several threads at once.
class SigningKey {
 public:
  /// Loads the key at pemPath, or generates one and writes it there (mode 0600, written to a
  /// temporary file first so a crash never leaves half a key; never replaces an existing file).
  static SigningKey loadOrCreate(const std::string& pemPath);
  /// Loads an existing key; throws std::runtime_error naming the file and what is wrong with it.
  static SigningKey load(const std::string& pemPath);
  /// A new random key held only in memory (tests, tools).
  static SigningKey generate();

  /// Ed25519 signature of message, 128 lowercase hex characters.
  std::string sign(std::string_view message) const;
  /// False for a wrong, malformed or differently keyed signature; never throws.
  bool verify(std::string_view message, std::string_view hexSignature) const;
  /// The public key as PEM (SubjectPublicKeyInfo), for auditors who check signatures themselves.
  std::string publicKeyPem() const;
  /// Lowercase hex SHA-256 of the raw 32-byte public key.
  std::string fingerprint() const;

 private:
  explicit SigningKey(std::shared_ptr<EVP_PKEY> key) : m_key(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> m_key;
};

}  // namespace syncserver
