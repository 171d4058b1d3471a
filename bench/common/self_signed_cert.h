#pragma once
// A TLS certificate for benchmarks that run syncserver over loopback HTTPS.
#include <string>

namespace benchkit {

/// Writes a self-signed P-256 certificate for 127.0.0.1 (valid for `validDays`) and its key as PEM files.
void makeSelfSignedCert(const std::string& certPath, const std::string& keyPath, int validDays = 7);

}  // namespace benchkit
