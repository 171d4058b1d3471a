#pragma once
// OpenSSL 3 algorithms fetched once per process.
#include <openssl/evp.h>

namespace synccore {

/// SHA-256, fetched once. Passing EVP_sha256() to an init call makes OpenSSL 3 fetch the algorithm
/// again every time, under its provider store's locks: a large part of deriving a change id.
const EVP_MD* sha256Algorithm();
/// AES-256-GCM, fetched once (same reason as sha256Algorithm).
const EVP_CIPHER* aes256GcmAlgorithm();

}  // namespace synccore
