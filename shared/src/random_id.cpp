#include "synccore/random_id.h"

#include <openssl/rand.h>

#include <cctype>
#include <chrono>
#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace synccore {

std::vector<unsigned char> randomBytes(size_t count) {
  std::vector<unsigned char> bytes(count);
  if (RAND_bytes(bytes.data(), static_cast<int>(count)) != 1)
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  return bytes;
}

namespace {

/// Canonical text of 16 bytes whose first 48 bits become ms, with the given version and RFC 9562 variant.
std::string timeOrderedUuid(uint64_t ms, unsigned char* b, unsigned version) {
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 0x0f];
  }
  return out;
}

}  // namespace

std::string newUuid() {
  auto b = randomBytes(16);
  const auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  return timeOrderedUuid(ms, b.data(), 7);
}

std::string derivedUuid(uint64_t ms, const unsigned char* digest) {
  unsigned char b[16];
  std::copy(digest, digest + 16, b);
  return timeOrderedUuid(ms, b, 8);
}

bool isUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace synccore
