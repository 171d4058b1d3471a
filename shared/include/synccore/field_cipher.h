#pragma once
// Encryption at rest for sensitive field values (AES-256-GCM) and blind indexes for lookups.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace synccore {

/// Thrown when sealed data does not decrypt (wrong key, or the bytes were altered).
class CipherError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Seals and opens sensitive values bound to their cell (record + field), and computes an
/// HMAC blind index so exact lookups (e.g. by ID number) work without decrypting every row.
class FieldCipher {
 public:
  static constexpr size_t kKeySize = 32;
  explicit FieldCipher(std::vector<unsigned char> masterKey);
  /// Reads a 32-byte key stored as 64 hex characters; creates the file (mode 0600) if missing.
  static FieldCipher fromKeyFile(const std::string& path);

  /// version(1) | nonce(12) | ciphertext | tag(16); the context is authenticated, not stored.
  std::vector<unsigned char> seal(std::string_view plaintext, std::string_view context) const;
  std::string open(const std::vector<unsigned char>& sealed, std::string_view context) const;
  std::string blindIndex(std::string_view plaintext) const;

 private:
  std::vector<unsigned char> m_encryptionKey;
  std::vector<unsigned char> m_indexKey;
};

/// Lowercase hex of bytes.
std::string toHex(const unsigned char* data, size_t size);
/// HMAC-SHA256(key, message) as raw bytes.
std::vector<unsigned char> hmacSha256(const std::vector<unsigned char>& key, std::string_view message);

}  // namespace synccore
