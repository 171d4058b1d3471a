#pragma once
// A temporary tablet for the app's tests: a device store file with the Session and SyncController on it.
#include "session.h"
#include "sync_controller.h"

#include "synccore/device_store.h"

#include <QTemporaryDir>

#include <memory>
#include <string>
#include <vector>

namespace apptest {

/// A valid 18-character ID number (region 640121) for birth date "YYYYMMDD" and a 3-digit
/// sequence; an odd last sequence digit means male.
std::string idNumber(const std::string& birth, const std::string& seq);
/// The same number with a wrong check character.
std::string badIdNumber(const std::string& birth, const std::string& seq);
/// Today's date minus some months, as "YYYY-MM-DD".
std::string monthsAgo(int months);

/// One test's tablet: a fresh device file, optionally as if `user` had signed in online before
/// (then the Session starts Locked and unlocks with `password`). Session::instance() and
/// SyncController::instance() point at it while it lives.
class TempTablet {
 public:
  struct Options {
    bool signedIn = true;
    QString user = QStringLiteral("wang");
    QString password = QStringLiteral("password-wang");
    QString server = QStringLiteral("http://127.0.0.1:1");  // nothing listens there
    bool unlock = true;
    int64_t clockOffsetMs = 0;  // the tablet's clock against the system's (a date set wrong)
  };
  TempTablet();
  explicit TempTablet(Options options);
  ~TempTablet();

  anju::Session& session() { return *m_session; }
  anju::SyncController& sync() { return *m_sync; }
  synccore::DeviceStore& store() { return m_session->store(); }
  QString dbPath() const { return m_dir.filePath(QStringLiteral("tablet.db")); }
  /// Closes and reopens the file, as an app restart does.
  void restart();
  /// Restarts with the tablet's clock `ms` off the system's (its date set wrong, or put right again).
  void restartWithClockOffset(int64_t ms);

  /// Saves records straight into the store (as earlier form saves would have) and tells the views.
  std::string addHousehold(const std::string& head, const std::string& address,
                           const std::string& monitoring = "none", synccore::RecordValues extra = {});
  std::string addPerson(const std::string& household, synccore::RecordValues values);
  /// Several members in one save (in this order), e.g. a child before the head.
  std::vector<std::string> addPeople(const std::string& household, std::vector<synccore::RecordValues> people);
  std::string addVisit(const std::string& household, const std::string& date, const std::string& nextDue = {});
  /// Deletes a household (gone from the lists, as after a sync that deleted it) and tells the views.
  void removeHousehold(const std::string& household);
  /// Turns the first outbox entry of the record's field into a server refusal notice; with a conflict id,
  /// a refusal the server passed to the community as that conflict (a "forwarded" notice).
  void refuse(const std::string& uuid, const std::string& field, const std::string& message,
              const std::string& forwardedAs = {});
  /// A sync in which the server applied every pending change as sent, then sent a supervisor's move
  /// of `household` to `grid` (a pulled change at seq 99).
  void pullGridMove(const std::string& household, const std::string& grid);

 private:
  synccore::DeviceStore::Options storeOptions() const;
  void open();
  std::vector<std::string> save(const std::vector<synccore::RecordWrite>& writes);

  Options m_options;
  QTemporaryDir m_dir;
  std::unique_ptr<anju::Session> m_session;
  std::unique_ptr<anju::SyncController> m_sync;
};

}  // namespace apptest
