#pragma once
// Identifiers (UUID v7: time-ordered, 74 random bits) and random bytes from OpenSSL's CSPRNG.
#include <cstdint>
#include <string>
#include <vector>

namespace synccore {

/// A new UUID v7 (RFC 9562) in lowercase canonical form: the first 48 bits are the Unix time in ms,
/// so ids made close in time sort close together and index inserts stay on a few b-tree pages.
std::string newUuid();
/// A UUID v8 (RFC 9562) laid out like v7: the first 48 bits are ms, the other 74 free bits come from
/// the first 16 bytes of digest (a hash of what the id names), so the same input gives the same id.
std::string derivedUuid(uint64_t ms, const unsigned char* digest);
/// True if text is a canonical lowercase or uppercase UUID (8-4-4-4-12 hex).
bool isUuid(const std::string& text);
std::vector<unsigned char> randomBytes(size_t count);

}  // namespace synccore
