#include "signing_key.h"

#include "synccore/crypto_algorithms.h"
#include "synccore/field_cipher.h"
#include "synccore/random_id.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

namespace syncserver {

namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
constexpr size_t kSignatureSize = 64;

std::shared_ptr<EVP_PKEY> ownKey(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::string openSslError() {
  char buffer[256] = {};
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

std::optional<std::vector<unsigned char>> fromHex(std::string_view hex) {
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> bytes(hex.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return bytes;
}

std::string privateKeyPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("cannot encode the audit signing key: " + openSslError());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

bool writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void syncDirectoryOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// Writes text to a fresh temporary file (0600) and moves it to path unless path already exists.
/// Returns false when another process created path first.
bool createKeyFile(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp-" + synccore::newUuid();
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot create audit signing key file " + temp + ": " +
                             std::strerror(errno));
  const bool written = ::fchmod(fd, 0600) == 0 && writeAll(fd, text) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot write audit signing key file " + temp + ": " +
                             std::strerror(errno));
  }
  // link() publishes the complete file atomically and, unlike rename(), never replaces a key
  // another process wrote meanwhile. Filesystems without hard links fall back to rename().
  bool created = ::link(temp.c_str(), path.c_str()) == 0;
  const int linkError = created ? 0 : errno;
  if (!created && linkError != EEXIST) created = ::rename(temp.c_str(), path.c_str()) == 0;
  const int moveError = errno;
  ::unlink(temp.c_str());
  if (!created && linkError != EEXIST)
    throw std::runtime_error("cannot create audit signing key file " + path + ": " +
                             std::strerror(moveError));
  if (created) syncDirectoryOf(path);
  return created;
}

}  // namespace

SigningKey SigningKey::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!key) throw std::runtime_error("cannot generate an Ed25519 key: " + openSslError());
  return SigningKey(ownKey(key));
}

SigningKey SigningKey::load(const std::string& pemPath) {
  Bio bio(BIO_new_file(pemPath.c_str(), "r"), BIO_free);
  if (!bio) {
    ERR_clear_error();
    throw std::runtime_error("cannot read audit signing key file " + pemPath + ": " +
                             std::strerror(errno));
  }
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!raw)
    throw std::runtime_error("audit signing key file " + pemPath +
                             " does not hold an unencrypted PEM private key: " + openSslError());
  auto key = ownKey(raw);
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    throw std::runtime_error("audit signing key file " + pemPath + " holds a " +
                             EVP_PKEY_get0_type_name(key.get()) + " key, not an Ed25519 key");
  return SigningKey(key);
}

SigningKey SigningKey::loadOrCreate(const std::string& pemPath) {
  struct stat info {};
  if (::stat(pemPath.c_str(), &info) == 0) return load(pemPath);
  if (errno != ENOENT)
    throw std::runtime_error("cannot read audit signing key file " + pemPath + ": " +
                             std::strerror(errno));
  SigningKey fresh = generate();
  if (!createKeyFile(pemPath, privateKeyPem(fresh.m_key.get()))) return load(pemPath);
  return fresh;
}

std::string SigningKey::sign(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char signature[kSignatureSize];
  size_t size = sizeof signature;
  const bool ok =
      ctx && EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) == 1 &&
      EVP_DigestSign(ctx.get(), signature, &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  if (!ok) throw std::runtime_error("signing the audit head failed: " + openSslError());
  return synccore::toHex(signature, size);
}

bool SigningKey::verify(std::string_view message, std::string_view hexSignature) const {
  const auto signature = fromHex(hexSignature);
  if (!signature || signature->size() != kSignatureSize) return false;
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), signature->data(), signature->size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string SigningKey::publicKeyPem() const {
  Bio bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1)
    throw std::runtime_error("cannot encode the audit public key: " + openSslError());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string SigningKey::fingerprint() const {
  unsigned char raw[32];
  size_t rawSize = sizeof raw;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digestSize = 0;
  if (EVP_PKEY_get_raw_public_key(m_key.get(), raw, &rawSize) != 1 ||
      EVP_Digest(raw, rawSize, digest, &digestSize, synccore::sha256Algorithm(), nullptr) != 1)
    throw std::runtime_error("cannot compute the audit key fingerprint: " + openSslError());
  return synccore::toHex(digest, digestSize);
}

}  // namespace syncserver
