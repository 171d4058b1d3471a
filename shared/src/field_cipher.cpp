#include "synccore/field_cipher.h"

#include "synccore/crypto_algorithms.h"
#include "synccore/random_id.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace synccore {

namespace {
constexpr unsigned char kSealVersion = 1;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::vector<unsigned char> fromHex(const std::string& hex) {
  std::vector<unsigned char> out;
  if (hex.size() % 2) return out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    try {
      out.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    } catch (const std::exception&) {
      return {};
    }
  }
  return out;
}
}  // namespace

std::string toHex(const unsigned char* data, size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xf];
  }
  return out;
}

std::vector<unsigned char> hmacSha256(const std::vector<unsigned char>& key, std::string_view message) {
  std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  HMAC(sha256Algorithm(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &len);
  out.resize(len);
  return out;
}

FieldCipher::FieldCipher(std::vector<unsigned char> masterKey) {
  if (masterKey.size() != kKeySize) throw CipherError("a device key is 32 bytes");
  m_encryptionKey = hmacSha256(masterKey, "anju field encryption v1");
  m_indexKey = hmacSha256(masterKey, "anju blind index v1");
}

FieldCipher FieldCipher::fromKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (in) {
    std::string hex;
    in >> hex;
    auto key = fromHex(hex);
    if (key.size() != kKeySize) throw CipherError("device key file " + path + " is not a 32-byte hex key");
    return FieldCipher(key);
  }
  // Written to a temporary file and renamed, so a crash never leaves a half-written key.
  auto key = randomBytes(kKeySize);
  const std::string hex = toHex(key.data(), key.size()) + "\n";
  const std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) throw CipherError("cannot create device key file " + path);
  const bool written = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0)
    throw CipherError("cannot write device key file " + path);
  return FieldCipher(key);
}

std::vector<unsigned char> FieldCipher::seal(std::string_view plaintext, std::string_view context) const {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  auto nonce = randomBytes(kNonceSize);
  std::vector<unsigned char> out(1 + kNonceSize + plaintext.size() + kTagSize);
  out[0] = kSealVersion;
  std::copy(nonce.begin(), nonce.end(), out.begin() + 1);
  int len = 0;
  bool ok = ctx &&
            EVP_EncryptInit_ex(ctx.get(), aes256GcmAlgorithm(), nullptr, m_encryptionKey.data(), nonce.data()) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                              static_cast<int>(context.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), out.data() + 1 + kNonceSize, &len,
                              reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), out.data() + 1 + kNonceSize + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                                out.data() + 1 + kNonceSize + plaintext.size()) == 1;
  if (!ok) throw CipherError("encryption failed");
  return out;
}

std::string FieldCipher::open(const std::vector<unsigned char>& sealed, std::string_view context) const {
  if (sealed.size() < 1 + kNonceSize + kTagSize || sealed[0] != kSealVersion)
    throw CipherError("sealed value is malformed");
  const size_t textSize = sealed.size() - 1 - kNonceSize - kTagSize;
  std::string plain(textSize, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  std::vector<unsigned char> tag(sealed.end() - kTagSize, sealed.end());
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), aes256GcmAlgorithm(), nullptr, m_encryptionKey.data(), sealed.data() + 1) ==
                1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                              static_cast<int>(context.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                              sealed.data() + 1 + kNonceSize, static_cast<int>(textSize)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) == 1;
  if (!ok) throw CipherError("sealed value does not decrypt: wrong key or altered data");
  return plain;
}

std::string FieldCipher::blindIndex(std::string_view plaintext) const {
  auto mac = hmacSha256(m_indexKey, plaintext);
  return toHex(mac.data(), 16);
}

}  // namespace synccore
