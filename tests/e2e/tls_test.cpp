// HTTPS: the server with its own certificate, devices trusting it explicitly.
#include "harness.h"

#include <catch2/catch.hpp>

using namespace e2e;

TEST_CASE("devices sync over HTTPS and refuse an untrusted certificate", "[e2e][tls]") {
  TempDir certs;
  const std::string cert = certs.file("cert.pem"), key = certs.file("key.pem");
  auto made = run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                   "subjectAltName=IP:127.0.0.1"});
  REQUIRE(made.exitCode == 0);
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
