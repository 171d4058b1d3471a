// HTTPS: the server with its own certificate, devices trusting it explicitly.
#include "harness.h"

#include "synccore/http_client.h"

#include <catch2/catch.hpp>

#include <utility>

using namespace e2e;

namespace {

/// A self-signed certificate for 127.0.0.1 and its key, in `dir`.
std::pair<std::string, std::string> loopbackCertificate(const TempDir& dir) {
  const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  auto made = run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                   "subjectAltName=IP:127.0.0.1"});
  REQUIRE(made.exitCode == 0);
  return {cert, key};
}

}  // namespace

TEST_CASE("devices sync over HTTPS and refuse an untrusted certificate", "[e2e][tls]") {
  TempDir certs;
  const auto [cert, key] = loopbackCertificate(certs);
  Community community({"--tls-cert", cert, "--tls-key", key});
  REQUIRE(community.process().url().rfind("https://", 0) == 0);

  Device untrusting(community.file("u.db"));
  auto refused = untrusting.ctl({"login", "--server", community.process().url(), "--user", "wang"}, "password-wang\n");
  CHECK(refused.exitCode == 3);

  Device a(community.file("a.db")), b(community.file("b.db"));
  for (Device* d : {&a, &b})
    d->ok({"login", "--server", community.process().url(), "--user", "wang", "--ca-file", cert}, "password-wang\n");
  a.ok(householdArgs("G01", "加密"));
  REQUIRE(a.sync()["ok"] == true);
  REQUIRE(b.sync()["ok"] == true);
  CHECK(a.digest() == b.digest());
  CHECK(b.snapshot().size() == 1);
}

TEST_CASE("the requests of a sync share one TLS connection", "[e2e][tls]") {
  TempDir certs;
  const auto [cert, key] = loopbackCertificate(certs);
  Community community({"--tls-cert", cert, "--tls-key", key});
  synccore::HttpOptions options;
  options.caFile = cert;
  synccore::HttpClient client(community.process().url(), options);
  // A sync of a few hundred households is tens of requests in a row (pages of pushes and pulls).
  for (int i = 0; i < 30; ++i) REQUIRE(client.get("/v1/health").ok());
  CHECK(client.connectionsOpened() == 1);
}
