// The tamper-evident audit log: chain, signed head, tamper detection, exports and the key file.
#include "audit_log.h"
#include "signing_key.h"
#include "synccore/field_cipher.h"
#include "temp_dir.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

using synccore::Database;
using synccore::Json;
using synccore::Transaction;
using syncserver::AuditFilter;
using syncserver::AuditLog;
using syncserver::SigningKey;

namespace {

/// A file database with an audit log of six entries (seq 1-6), committed.
struct LogFixture {
  TempDir dir;
  std::string path = dir.file("server.db");
  Database db{path};
  SigningKey key = SigningKey::generate();
  AuditLog log{db, key};

  explicit LogFixture(int count = 6) {
    for (int i = 1; i <= count; ++i) {
      Transaction tx(db);
      log.append(i % 2 ? "conflict" : "decision", i % 3 ? "wang.fang" : "system",
                 Json{{"field", "phone"}, {"n", i}, {"reason", "第" + std::to_string(i) + "次"}},
                 "conflict-" + std::to_string((i + 1) / 2), i == 3 ? "" : "record-1");
      tx.commit();
    }
  }
  /// A second connection, as someone editing the file with the sqlite3 tool would have.
  void tamper(const std::string& sql) {
    Database other(path);
    other.exec(sql);
  }
  std::string hashOf(int64_t seq) {
    Database other(path);
    auto st = other.prepare("SELECT hash FROM audit_log WHERE seq=?");
    st.bind(1, seq);
    REQUIRE(st.step());
    return st.text(0);
  }
};

std::string sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return synccore::toHex(digest, size);
}

/// Minimal RFC 4180 reader for checking the export.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("an untouched audit log verifies and chains its entries", "[audit]") {
  SECTION("an empty log without a head is sound") {
    LogFixture f(0);
    auto v = f.log.verify();
    CHECK(v.ok);
    CHECK(v.entries == 0);
    CHECK_FALSE(v.firstBadSeq);
    CHECK_FALSE(f.log.head());
  }
  SECTION("six entries") {
    LogFixture f;
    auto v = f.log.verify();
    CHECK(v.ok);
    CHECK(v.entries == 6);
    CHECK(v.problem.empty());
    const auto all = f.log.entries();
    REQUIRE(all.size() == 6);
    CHECK(all[0].prevHash == std::string(64, '0'));
    for (size_t i = 0; i < all.size(); ++i) {
      CHECK(all[i].seq == static_cast<int64_t>(i) + 1);
      CHECK(all[i].hash.size() == 64);
      if (i > 0) CHECK(all[i].prevHash == all[i - 1].hash);
    }
    CHECK(all[2].recordUuid.empty());
    CHECK(all[2].body["reason"] == "第3次");
    const auto head = f.log.head();
    REQUIRE(head);
    CHECK(head->seq == 6);
    CHECK(head->hash == all[5].hash);
  }
}

TEST_CASE("the entry hash and head signature follow the documented format", "[audit]") {
  LogFixture f(0);
  Transaction tx(f.db);
  const auto e = f.log.append("decision", "李娜",
                              Json{{"reason", "户主确认"}, {"final_value", "a\"b\n"}}, "c-1");
  tx.commit();
  // docs/audit-log.md: SHA-256 of the compact JSON array, UTF-8 not escaped, "" for NULL ids.
  const std::string canonical = R"([1,")" + e.entryId + R"(","decision","c-1","","李娜",")" +
                                e.recordedAt +
                                R"(","{\"final_value\":\"a\\\"b\\n\",\"reason\":\"户主确认\"}",")" +
                                std::string(64, '0') + R"("])";
  CHECK(e.hash == sha256Hex(canonical));
  CHECK(std::regex_match(e.recordedAt, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  const auto head = f.log.head();
  REQUIRE(head);
  CHECK(f.key.verify("anju-audit-head/1\n1\n" + e.hash, head->signature));
  CHECK_FALSE(f.key.verify("anju-audit-head/1\n2\n" + e.hash, head->signature));
}

TEST_CASE("tampering is detected at the first bad entry", "[audit]") {
  LogFixture f;
  REQUIRE(f.log.verify().ok);

  for (const char* column : {"entry_id", "kind", "conflict_id", "record_uuid", "actor",
                             "recorded_at", "body", "prev_hash", "hash"}) {
    DYNAMIC_SECTION("editing column " << column << " of entry 3") {
      f.tamper(std::string("UPDATE audit_log SET ") + column + "='x' WHERE seq=3");
      const auto v = f.log.verify();
      CHECK_FALSE(v.ok);
      CHECK(v.firstBadSeq == 3);
    }
  }
  SECTION("an edited body names the entry in both languages") {
    f.tamper(R"(UPDATE audit_log SET body='{"field":"phone","n":4,"reason":"改过"}' WHERE seq=4)");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.entries == 6);
    CHECK(v.firstBadSeq == 4);
    CHECK(v.problem == "entry 4: hash does not match its content (edited?)");
    CHECK(v.problemZh == "第4条:内容与哈希不符(可能被修改)");
  }
  SECTION("an edited receipt time") {
    f.tamper("UPDATE audit_log SET recorded_at='2020-01-01T00:00:00.000Z' WHERE seq=5");
    CHECK(f.log.verify().firstBadSeq == 5);
  }
  SECTION("an entry deleted in the middle") {
    f.tamper("DELETE FROM audit_log WHERE seq=3");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.entries == 5);
    CHECK(v.firstBadSeq == 3);
    CHECK_THAT(v.problem, Catch::Contains("entry 3 is missing"));
  }
  SECTION("an entry deleted and the rest renumbered") {
    f.tamper("DELETE FROM audit_log WHERE seq=3; UPDATE audit_log SET seq=seq-1 WHERE seq>3");
    CHECK(f.log.verify().firstBadSeq == 3);
  }
  SECTION("two entries swapped") {
    f.tamper(
        "UPDATE audit_log SET seq=-1 WHERE seq=2; UPDATE audit_log SET seq=2 WHERE seq=4;"
        "UPDATE audit_log SET seq=4 WHERE seq=-1");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.firstBadSeq == 2);
  }
  SECTION("the last two entries deleted") {
    f.tamper("DELETE FROM audit_log WHERE seq>=5");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.firstBadSeq == 5);
    CHECK_THAT(v.problem, Catch::Contains("truncated"));
    CHECK_THAT(v.problemZh, Catch::Contains("截断"));
  }
  SECTION("every entry deleted, the head left behind") {
    f.tamper("DELETE FROM audit_log");
    CHECK(f.log.verify().firstBadSeq == 1);
  }
  SECTION("the first entry deleted") {
    f.tamper("DELETE FROM audit_log WHERE seq=1");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.firstBadSeq == 1);
    CHECK_THAT(v.problem, Catch::Contains("starts at entry 2"));
  }
  SECTION("the head signature forged") {
    f.tamper("UPDATE audit_head SET signature='" + std::string(128, 'a') + "'");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK_FALSE(v.firstBadSeq);
    CHECK_THAT(v.problem, Catch::Contains("signature"));
  }
  SECTION("the head signature not even hex") {
    f.tamper("UPDATE audit_head SET signature='nonsense'");
    CHECK_FALSE(f.log.verify().ok);
  }
  SECTION("the head moved back to hide the last entry") {
    f.tamper("DELETE FROM audit_log WHERE seq=6; UPDATE audit_head SET seq=5, hash='" +
             f.hashOf(5) + "'");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.problem, Catch::Contains("signature"));
  }
  SECTION("the head hash edited") {
    f.tamper("UPDATE audit_head SET hash='" + std::string(64, 'f') + "'");
    CHECK_FALSE(f.log.verify().ok);
  }
  SECTION("the head deleted") {
    f.tamper("DELETE FROM audit_head");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.problem, Catch::Contains("head is missing"));
  }
  SECTION("an edited entry re-hashed breaks the link to the next one") {
    Database other(f.path);
    auto st = other.prepare(
        "SELECT entry_id, kind, ifnull(conflict_id,''), ifnull(record_uuid,''), actor,"
        " recorded_at, prev_hash FROM audit_log WHERE seq=3");
    REQUIRE(st.step());
    const std::string body = R"({"field":"phone","n":3,"reason":"改过"})";
    const auto hash = syncserver::auditEntryHash(3, st.text(0), st.text(1), st.text(2), st.text(3),
                                                 st.text(4), st.text(5), body, st.text(6));
    other.prepare("UPDATE audit_log SET body=?, hash=? WHERE seq=3")
        .bind(1, body)
        .bind(2, hash)
        .run();
    const auto v = f.log.verify();
    CHECK(v.firstBadSeq == 4);
    CHECK_THAT(v.problem, Catch::Contains("does not link to entry 3"));
  }
  SECTION("the whole tail re-hashed still disagrees with the signed head") {
    Database other(f.path);
    std::string prev = f.hashOf(2);
    for (int64_t seq = 3; seq <= 6; ++seq) {
      auto st = other.prepare(
          "SELECT entry_id, kind, ifnull(conflict_id,''), ifnull(record_uuid,''), actor,"
          " recorded_at, body FROM audit_log WHERE seq=?");
      st.bind(1, seq);
      REQUIRE(st.step());
      const std::string body = seq == 3 ? R"({"forged":true})" : st.text(6);
      const auto hash = syncserver::auditEntryHash(seq, st.text(0), st.text(1), st.text(2),
                                                   st.text(3), st.text(4), st.text(5), body, prev);
      other.prepare("UPDATE audit_log SET body=?, prev_hash=?, hash=? WHERE seq=?")
          .bind(1, body)
          .bind(2, prev)
          .bind(3, hash)
          .bind(4, seq)
          .run();
      prev = hash;
    }
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.firstBadSeq == 6);
    CHECK_THAT(v.problem, Catch::Contains("signed head"));
  }
  SECTION("an entry appended without the key") {
    const std::string prev = f.hashOf(6);
    const auto hash = syncserver::auditEntryHash(7, "e-7", "decision", "", "", "mallory",
                                                 "2026-01-01T00:00:00.000Z", "{}", prev);
    f.tamper(
        "INSERT INTO audit_log "
        "VALUES(7,'e-7','decision',NULL,NULL,'mallory','2026-01-01T00:00:00.000Z','{}','" +
        prev + "','" + hash + "')");
    const auto v = f.log.verify();
    CHECK_FALSE(v.ok);
    CHECK(v.firstBadSeq == 7);
  }
  SECTION("a different signing key") {
    const SigningKey otherKey = SigningKey::generate();
    AuditLog other(f.db, otherKey);
    const auto v = other.verify();
    CHECK_FALSE(v.ok);
    CHECK_THAT(v.problem, Catch::Contains("signature"));
  }
}

TEST_CASE("an audit entry commits or rolls back with the caller's transaction", "[audit]") {
  LogFixture f(2);
  f.db.exec("CREATE TABLE decisions(id INTEGER PRIMARY KEY, what TEXT)");
  SECTION("rolled back: no entry, head unchanged") {
    const auto headBefore = f.log.head();
    {
      Transaction tx(f.db);
      f.db.exec("INSERT INTO decisions(what) VALUES('take server')");
      f.log.append("decision", "li.na", Json{{"take", "server"}});
    }
    CHECK(f.log.entries().size() == 2);
    CHECK(f.log.head()->hash == headBefore->hash);
    CHECK(f.log.verify().ok);
    Transaction tx(f.db);
    CHECK(f.log.append("decision", "li.na", Json::object()).seq == 3);
    tx.commit();
    CHECK(f.log.verify().ok);
  }
  SECTION("committed: entry and change together") {
    Transaction tx(f.db);
    f.db.exec("INSERT INTO decisions(what) VALUES('take server')");
    f.log.append("decision", "li.na", Json{{"take", "server"}});
    tx.commit();
    Database other(f.path);
    auto st =
        other.prepare("SELECT (SELECT count(*) FROM decisions), (SELECT count(*) FROM audit_log)");
    REQUIRE(st.step());
    CHECK(st.int64(0) == 1);
    CHECK(st.int64(1) == 3);
  }
  SECTION("outside a transaction an append is still atomic and durable") {
    f.log.append("user", "admin", Json{{"user", "zhao"}});
    Database other(f.path);
    AuditLog seen(other, f.key);
    CHECK(seen.verify().ok);
    CHECK(seen.verify().entries == 3);
  }
}

TEST_CASE("a signing batch signs the head once, for its last entry", "[audit]") {
  LogFixture f(2);
  const auto headBefore = f.log.head();
  SECTION("finished before the commit: the head covers the batch's last entry") {
    Transaction tx(f.db);
    AuditLog::SigningBatch batch(f.log);
    for (int i = 0; i < 3; ++i) f.log.append("conflict", "system", Json{{"n", i}});
    CHECK(f.log.head()->seq == 2);  // not re-signed per entry
    batch.finish();
    tx.commit();
    const auto head = f.log.head();
    CHECK(head->seq == 5);
    CHECK(head->hash == f.hashOf(5));
    CHECK(f.log.verify().ok);
  }
  SECTION("ended without finish on the way to a rollback: nothing of it stays") {
    {
      Transaction tx(f.db);
      AuditLog::SigningBatch batch(f.log);
      f.log.append("conflict", "system", Json{{"n", 1}});
    }
    CHECK(f.log.head()->hash == headBefore->hash);
    CHECK(f.log.entries().size() == 2);
    // The next append outside a batch signs again.
    Transaction tx(f.db);
    f.log.append("conflict", "system", Json{{"n", 2}});
    tx.commit();
    CHECK(f.log.head()->seq == 3);
    CHECK(f.log.verify().ok);
  }
}

TEST_CASE("the log continues after reopening with the reloaded key", "[audit]") {
  TempDir dir;
  const auto dbPath = dir.file("server.db");
  const auto keyPath = dir.file("server.db.signing-key.pem");
  {
    Database db(dbPath);
    const auto key = SigningKey::loadOrCreate(keyPath);
    AuditLog log(db, key);
    log.append("conflict", "system", Json{{"field", "name"}});
  }
  Database db(dbPath);
  const auto key = SigningKey::loadOrCreate(keyPath);
  AuditLog log(db, key);
  CHECK(log.verify().ok);
  CHECK(log.append("decision", "li.na", Json::object()).seq == 2);
  CHECK(log.verify().ok);
}

TEST_CASE("audit entries can be filtered", "[audit]") {
  LogFixture f;
  SECTION("by kind, actor, conflict and record") {
    AuditFilter byKind;
    byKind.kind = "decision";
    auto list = f.log.entries(byKind);
    REQUIRE(list.size() == 3);
    CHECK(list[0].seq == 2);
    AuditFilter byActor;
    byActor.actor = "system";
    list = f.log.entries(byActor);
    REQUIRE(list.size() == 2);
    CHECK(list[1].seq == 6);
    AuditFilter byConflict;
    byConflict.conflictId = "conflict-2";
    CHECK(f.log.entries(byConflict).size() == 2);
    AuditFilter byRecord;
    byRecord.recordUuid = "record-1";
    CHECK(f.log.entries(byRecord).size() == 5);
    AuditFilter both;
    both.kind = "conflict";
    both.actor = "system";
    CHECK(f.log.entries(both).size() == 1);
  }
  SECTION("paging with afterSeq and limit") {
    AuditFilter page;
    page.afterSeq = 2;
    page.limit = 3;
    const auto list = f.log.entries(page);
    REQUIRE(list.size() == 3);
    CHECK(list.front().seq == 3);
    CHECK(list.back().seq == 5);
  }
  SECTION("by receipt time, bounds inclusive, a date covering the whole day") {
    f.tamper(
        "UPDATE audit_log SET recorded_at = CASE seq WHEN 1 THEN '2026-11-20T23:59:59.999Z'"
        " WHEN 2 THEN '2026-11-21T00:00:00.000Z' WHEN 3 THEN '2026-11-21T12:00:00.000Z'"
        " WHEN 4 THEN '2026-11-21T23:59:59.999Z' WHEN 5 THEN '2026-11-22T00:00:00.000Z'"
        " ELSE '2026-11-23T08:00:00.000Z' END");
    AuditFilter day;
    day.from = "2026-11-21";
    day.to = "2026-11-21";
    auto list = f.log.entries(day);
    REQUIRE(list.size() == 3);
    CHECK(list.front().seq == 2);
    CHECK(list.back().seq == 4);
    AuditFilter exact;
    exact.from = "2026-11-21T12:00:00.000Z";
    exact.to = "2026-11-22T00:00:00.000Z";
    list = f.log.entries(exact);
    REQUIRE(list.size() == 3);
    CHECK(list.front().seq == 3);
    CHECK(list.back().seq == 5);
    AuditFilter since;
    since.from = "2026-11-22";
    CHECK(f.log.entries(since).size() == 2);
  }
}

TEST_CASE("the CSV export opens in Excel and quotes correctly", "[audit]") {
  LogFixture f(1);
  Transaction tx(f.db);
  f.log.append("decision", "李娜",
               Json{{"conflict", {{"field", "户主姓名"}, {"policy", "review"}}},
                    {"decision",
                     {{"take", "incoming"},
                      {"reason", "同意, 按\"户主\"说法\n第二行"},
                      {"final_value", -5}}}},
               "c-9", "r-9");
  f.log.append("return", "zhao",
               Json{{"comment", "=HYPERLINK(\"http://x\")"}, {"field", "门牌号,楼层"}});
  tx.commit();
  std::ostringstream out;
  f.log.exportCsv(out);
  const std::string csv = out.str();
  REQUIRE(csv.size() > 3);
  CHECK(csv.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(csv.find("户主姓名") != std::string::npos);
  CHECK(csv.find("\"同意, 按\"\"户主\"\"说法\n第二行\"") != std::string::npos);

  const auto rows = parseCsv(csv.substr(3));
  REQUIRE(rows.size() == 4);
  const auto& header = rows[0];
  for (const auto& row : rows) CHECK(row.size() == header.size());
  const auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<size_t>(it - header.begin());
  };
  CHECK(header.front() == "seq");
  CHECK(header.back() == "body");
  const auto& decision = rows[2];
  CHECK(decision[column("seq")] == "2");
  CHECK(decision[column("actor")] == "李娜");
  CHECK(decision[column("conflict_id")] == "c-9");
  CHECK(decision[column("field")] == "户主姓名");
  CHECK(decision[column("policy")] == "review");
  CHECK(decision[column("decision")] == "incoming");
  CHECK(decision[column("reason")] == "同意, 按\"户主\"说法\n第二行");
  CHECK(decision[column("final_value")] == "-5");
  const auto entries = f.log.entries();
  CHECK(decision[column("hash")] == entries[1].hash);
  CHECK(Json::parse(decision[column("body")]) == entries[1].body);
  CHECK(rows[3][column("reason")] == "'=HYPERLINK(\"http://x\")");
  CHECK(rows[3][column("field")] == "门牌号,楼层");
}

TEST_CASE("the JSON export parses and carries entries, head and verification", "[audit]") {
  LogFixture f;
  std::ostringstream out;
  f.log.exportJson(out);
  const Json doc = Json::parse(out.str());
  const auto entries = f.log.entries();
  REQUIRE(doc["entries"].size() == entries.size());
  for (size_t i = 0; i < entries.size(); ++i) CHECK(doc["entries"][i] == entries[i].toJson());
  CHECK(doc["entries"][2]["record_uuid"].is_null());
  CHECK(doc["entries"][0]["body"]["reason"] == "第1次");
  CHECK(doc["head"]["seq"] == 6);
  CHECK(doc["head"]["hash"] == entries.back().hash);
  CHECK(f.key.verify(syncserver::auditHeadMessage(6, doc["head"]["hash"]),
                     doc["head"]["signature"].get<std::string>()));
  CHECK(doc["public_key_fingerprint"] == f.key.fingerprint());
  CHECK(doc["public_key_pem"] == f.key.publicKeyPem());
  CHECK(doc["verification"]["ok"] == true);
  CHECK(doc["verification"]["entries"] == 6);

  SECTION("a filtered export still reports the whole log's state") {
    AuditFilter decisions;
    decisions.kind = "decision";
    std::ostringstream filtered;
    f.tamper("DELETE FROM audit_log WHERE seq=6");
    f.log.exportJson(filtered, decisions);
    const Json part = Json::parse(filtered.str());
    CHECK(part["entries"].size() == 2);
    CHECK(part["verification"]["ok"] == false);
    CHECK(part["verification"]["first_bad_seq"] == 6);
  }
}

TEST_CASE("the signing key file", "[audit]") {
  TempDir dir;
  const auto path = dir.file("server.db.signing-key.pem");
  SECTION("is created with mode 0600 and reloads to the same key") {
    const mode_t oldMask = ::umask(0);
    const auto created = SigningKey::loadOrCreate(path);
    ::umask(oldMask);
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    const auto reloaded = SigningKey::load(path);
    CHECK(reloaded.fingerprint() == created.fingerprint());
    CHECK(SigningKey::loadOrCreate(path).fingerprint() == created.fingerprint());
    CHECK(created.fingerprint().size() == 64);
    CHECK_THAT(created.publicKeyPem(), Catch::StartsWith("-----BEGIN PUBLIC KEY-----"));
    const auto signature = created.sign("anju-audit-head/1\n1\nabc");
    CHECK(signature.size() == 128);
    CHECK(reloaded.verify("anju-audit-head/1\n1\nabc", signature));
    CHECK_FALSE(reloaded.verify("anju-audit-head/1\n1\nabd", signature));
    CHECK_FALSE(SigningKey::generate().verify("anju-audit-head/1\n1\nabc", signature));
    std::ifstream in(path);
    std::string firstLine;
    std::getline(in, firstLine);
    CHECK(firstLine == "-----BEGIN PRIVATE KEY-----");
  }
  SECTION("a missing file is an error naming it") {
    CHECK_THROWS_WITH(SigningKey::load(path), Catch::Contains(path));
  }
  SECTION("a file that is not a key is an error") {
    std::ofstream(path) << "not a key\n";
    CHECK_THROWS_AS(SigningKey::load(path), std::runtime_error);
    CHECK_THROWS_AS(SigningKey::loadOrCreate(path), std::runtime_error);
  }
  SECTION("a key of another type is refused") {
    EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    REQUIRE(ec);
    FILE* file = std::fopen(path.c_str(), "w");
    REQUIRE(file);
    PEM_write_PrivateKey(file, ec, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(file);
    EVP_PKEY_free(ec);
    CHECK_THROWS_WITH(SigningKey::load(path), Catch::Contains("not an Ed25519 key"));
  }
}
