#pragma once
// How a JSON answer travels: zstd for clients that take it, else cpp-httplib's own gzip.
#include <httplib.h>

#include <string>

namespace syncserver {

/// Whether the request's Accept-Encoding names zstd (and not with q=0).
bool acceptsZstd(const httplib::Request& req);

/// Sets a JSON answer's body: compressed as one zstd frame (level 3) when the client takes zstd and
/// the body is worth compressing, otherwise as it is, for cpp-httplib to gzip when the client takes
/// that. zstd compresses a pull page about six times faster than cpp-httplib's gzip (level 6), to
/// within 3 % of its size (docs/sync-protocol.md, "Compression").
void setJsonBody(const httplib::Request& req, httplib::Response& res, std::string json);

}  // namespace syncserver
