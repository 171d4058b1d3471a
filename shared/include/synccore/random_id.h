#pragma once
// Identifiers (UUID v7: time-ordered, 74 random bits) and random bytes from OpenSSL's CSPRNG.
#include <string>
#include <vector>

namespace synccore {

/// A new UUID v7 (RFC 9562) in lowercase canonical form: the first 48 bits are the Unix time in ms,
/// so ids made close in time sort close together and index inserts stay on a few b-tree pages.
std::string newUuid();
/// True if text is a canonical lowercase or uppercase UUID (8-4-4-4-12 hex).
bool isUuid(const std::string& text);
std::vector<unsigned char> randomBytes(size_t count);

}  // namespace synccore
