#pragma once
// Random identifiers (UUID v4) and random bytes from OpenSSL's CSPRNG.
#include <string>
#include <vector>

namespace synccore {

/// A new random UUID v4 in lowercase canonical form.
std::string newUuid();
/// True if text is a canonical lowercase or uppercase UUID (8-4-4-4-12 hex).
bool isUuid(const std::string& text);
std::vector<unsigned char> randomBytes(size_t count);

}  // namespace synccore
