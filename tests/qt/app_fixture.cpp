#include "app_fixture.h"

#include "synccore/changeset_columns.h"
#include "synccore/hlc.h"
#include "synccore/id_number.h"
#include "synccore/random_id.h"
#include "synccore/password_hash.h"

#include <QDate>

#include <limits>
#include <stdexcept>

namespace apptest {

std::string idNumber(const std::string& birth, const std::string& seq) {
  const std::string first17 = "640121" + birth + seq;
  return first17 + synccore::idNumberCheckDigit(first17);
}

std::string badIdNumber(const std::string& birth, const std::string& seq) {
  std::string id = idNumber(birth, seq);
  id.back() = id.back() == '1' ? '2' : '1';
  return id;
}

std::string monthsAgo(int months) {
  return QDate::currentDate().addMonths(-months).toString(Qt::ISODate).toStdString();
}

TempTablet::TempTablet() : TempTablet(Options{}) {}

TempTablet::TempTablet(Options options) : m_options(std::move(options)) {
  if (!m_dir.isValid()) throw std::runtime_error("no temporary directory");
  if (m_options.signedIn) {
    // What an earlier online sign-in leaves in the device file.
    synccore::DeviceStore store(dbPath().toStdString());
    store.setSetting("token", "test-token", true);
    store.setSetting("user", m_options.user.toStdString());
    store.setSetting("role", "worker");
    store.setSetting("grids", R"(["G01"])");
    store.setSetting("server_url", m_options.server.toStdString());
    store.setSetting("unlock_verifier", synccore::hashPassword(m_options.password.toStdString()), true);
    store.setAuthor(m_options.user.toStdString());
  }
  open();
}

TempTablet::~TempTablet() {
  m_sync.reset();
  m_session.reset();
}

synccore::DeviceStore::Options TempTablet::storeOptions() const {
  synccore::DeviceStore::Options options;
  if (m_options.clockOffsetMs != 0) options.wallClock = synccore::HybridClock::offsetWall(m_options.clockOffsetMs);
  return options;
}

void TempTablet::open() {
  m_session = std::make_unique<anju::Session>(dbPath(), m_options.server, nullptr, storeOptions());
  m_sync = std::make_unique<anju::SyncController>(*m_session);
  if (m_options.signedIn && m_options.unlock && !m_session->unlock(m_options.password))
    throw std::runtime_error("the test tablet does not unlock");
}

void TempTablet::restart() {
  m_sync.reset();
  m_session.reset();
  m_session = std::make_unique<anju::Session>(dbPath(), m_options.server, nullptr, storeOptions());
  m_sync = std::make_unique<anju::SyncController>(*m_session);
}

void TempTablet::restartWithClockOffset(int64_t ms) {
  m_options.clockOffsetMs = ms;
  restart();
}

std::vector<std::string> TempTablet::save(const std::vector<synccore::RecordWrite>& writes) {
  const auto result = store().save(writes);
  if (!result.ok()) throw std::runtime_error("fixture save failed: " + result.failures.front().describe());
  m_session->notifyDataChanged();
  return result.uuids;
}

void TempTablet::removeHousehold(const std::string& household) { save({{"household", household, "", {}, true}}); }

std::string TempTablet::addHousehold(const std::string& head, const std::string& address,
                                     const std::string& monitoring, synccore::RecordValues extra) {
  synccore::RecordValues values{{"grid", "G01"},
                                {"address", address},
                                {"head_name", head},
                                {"residence_status", "resident"},
                                {"monitoring_category", monitoring}};
  for (auto& [k, v] : extra) values[k] = v;
  return save({{"household", "", "", values, false, false}}).front();
}

std::string TempTablet::addPerson(const std::string& household, synccore::RecordValues values) {
  return addPeople(household, {std::move(values)}).front();
}

std::vector<std::string> TempTablet::addPeople(const std::string& household,
                                               std::vector<synccore::RecordValues> people) {
  std::vector<synccore::RecordWrite> writes;
  for (auto& values : people) {
    synccore::fillFromIdNumber(values, synccore::CivilDate::today());
    writes.push_back({"person", "", household, values, false, false});
  }
  return save(writes);
}

std::string TempTablet::addVisit(const std::string& household, const std::string& date, const std::string& nextDue) {
  synccore::RecordValues values{{"visit_date", date}, {"kind", "revisit"}, {"notes", "入户走访"}};
  if (!nextDue.empty()) values["next_visit_due"] = nextDue;
  return save({{"visit", "", household, values, false, false}}).front();
}

void TempTablet::refuse(const std::string& uuid, const std::string& field, const std::string& message,
                        const std::string& forwardedAs) {
  // As a push does: the outbox goes as one batch and the server refuses this entry of it.
  const synccore::PushBatch batch = store().nextPushBatch(std::numeric_limits<size_t>::max());
  for (const auto& e : batch.entries)
    if (e.recordUuid == uuid && e.field == field) {
      synccore::Json refusal{{"change_id", e.changeId}, {"code", forwardedAs.empty() ? "forbidden" : "out_of_scope"},
                             {"message_zh", message}, {"message", message}};
      if (!forwardedAs.empty()) {
        refusal["forwarded"] = true;
        refusal["conflict_id"] = forwardedAs;
      }
      store().rejectChanges(batch, synccore::Json::array({refusal}));
      m_session->notifyDataChanged();
      return;
    }
  throw std::runtime_error("no outbox entry for " + uuid + "." + field);
}

void TempTablet::pullGridMove(const std::string& household, const std::string& grid) {
  // Synced first, so the pulled move is not held back by a pending edit of the same field.
  auto& s = store();
  for (auto batch = s.nextPushBatch(2000); !batch.entries.empty(); batch = s.nextPushBatch(2000)) {
    synccore::Json results = synccore::Json::array();
    for (const auto& c : batch.toChangeset(s.deviceId()).changes) results.push_back(synccore::plainPushResult(c));
    if (s.acknowledgePush(batch, results) != batch.entries.size())
      throw std::runtime_error("acknowledgement did not cover the batch");
  }
  synccore::PulledChange move;
  move.seq = 99;
  move.change.changeId = synccore::newUuid();
  move.change.recordType = "household";
  move.change.record = household;
  move.change.field = "grid";
  move.change.value = grid;
  move.version = synccore::Hlc{synccore::HybridClock::systemWallMs() + 1000, 0, "server"}.toString();
  move.change.hlc = move.version;
  move.author = "sun";
  move.device = "server";
  if (s.applyPulled({move}, 99) != 1) throw std::runtime_error("the move was not applied");
  m_session->notifyDataChanged();
}

}  // namespace apptest
