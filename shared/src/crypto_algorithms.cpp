#include "synccore/crypto_algorithms.h"

#include <memory>
#include <stdexcept>

namespace synccore {

const EVP_MD* sha256Algorithm() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                   EVP_MD_free);
  if (!md) throw std::runtime_error("OpenSSL provides no SHA-256");
  return md.get();
}

const EVP_CIPHER* aes256GcmAlgorithm() {
  static const std::unique_ptr<EVP_CIPHER, decltype(&EVP_CIPHER_free)> cipher(
      EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), EVP_CIPHER_free);
  if (!cipher) throw std::runtime_error("OpenSSL provides no AES-256-GCM");
  return cipher.get();
}

}  // namespace synccore
