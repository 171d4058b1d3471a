#include "synccore/field_cipher.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

using namespace synccore;

TEST_CASE("sealed values open only with the same key and cell", "[cipher]") {
  FieldCipher cipher(std::vector<unsigned char>(32, 7));
  auto sealed = cipher.seal("\"640121199001011234\"", "uuid-1/id_number");
  std::string raw(sealed.begin(), sealed.end());
  CHECK(raw.find("640121") == std::string::npos);
  CHECK(cipher.open(sealed, "uuid-1/id_number") == "\"640121199001011234\"");
  CHECK_THROWS_AS(cipher.open(sealed, "uuid-2/id_number"), CipherError);
  auto tampered = sealed;
  tampered[15] ^= 1;
  CHECK_THROWS_AS(cipher.open(tampered, "uuid-1/id_number"), CipherError);
  FieldCipher other(std::vector<unsigned char>(32, 8));
  CHECK_THROWS_AS(other.open(sealed, "uuid-1/id_number"), CipherError);
  CHECK(cipher.blindIndex("abc") == cipher.blindIndex("abc"));
  CHECK(cipher.blindIndex("abc") != other.blindIndex("abc"));
}

TEST_CASE("a device key file is created once and reused", "[cipher]") {
  TempDir dir;
  auto a = FieldCipher::fromKeyFile(dir.file("k"));
  auto b = FieldCipher::fromKeyFile(dir.file("k"));
  CHECK(b.open(a.seal("x", "c"), "c") == "x");
}
