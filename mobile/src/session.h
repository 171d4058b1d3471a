#pragma once
// The signed-in worker and the device store: online sign-in the first time, offline unlock after.
#include "synccore/device_store.h"
#include "synccore/sync_client.h"

#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <QtQml/qqml.h>

#include <map>
#include <memory>
#include <string>

namespace anju {

/// Owns the tablet's device store and who is using it. Built in main() and published to QML.
class Session : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_SINGLETON
  Q_PROPERTY(State state READ state NOTIFY stateChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
  Q_PROPERTY(QString userName READ userName NOTIFY stateChanged)
  Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY stateChanged)
  Q_PROPERTY(QString role READ role NOTIFY stateChanged)
  Q_PROPERTY(QStringList grids READ grids NOTIFY gridsChanged)
  /// The user's grids for display, in the order of `grids`: each grid's name, or its code when unnamed.
  Q_PROPERTY(QStringList gridNames READ gridNames NOTIFY gridsChanged)

 public:
  enum State { SignInNeeded, Locked, Unlocked };
  Q_ENUM(State)
  static constexpr int kMaxUnlockAttempts = 5;

  /// Opens (or creates) the device store at dbPath; defaultServer pre-fills the sign-in form. Tests give
  /// the store other options (a clock set wrong).
  Session(const QString& dbPath, const QString& defaultServer, QObject* parent = nullptr,
          synccore::DeviceStore::Options storeOptions = {});
  ~Session() override;
  static Session* create(QQmlEngine*, QJSEngine*);
  static Session* instance();

  synccore::DeviceStore& store() { return *m_store; }
  State state() const { return m_state; }
  bool busy() const { return m_busy; }
  QString errorString() const { return m_errorString; }
  QString userName() const;
  QString serverUrl() const;
  QString role() const;
  QStringList grids() const;
  QStringList gridNames() const;
  /// A grid's name as the server last sent it, or its code when it has none (from memory: views call
  /// it per row).
  QString gridName(const QString& code) const;
  /// The households the signed-in user sees (their role and grids as the last sign-in or sync said).
  synccore::GridScope scope() const { return synccore::signedInScope(*m_store); }
  /// The household's grid when it is outside the signed-in worker's grids; empty otherwise.
  QString movedAwayGrid(const synccore::RecordValues& household) const;

  /// Signs in online (off the GUI thread). On success the state becomes Unlocked and signedIn() is emitted.
  Q_INVOKABLE void signIn(const QString& server, const QString& user, const QString& password);
  /// Offline unlock with the password of the last online sign-in. After kMaxUnlockAttempts wrong
  /// passwords an online sign-in is required.
  Q_INVOKABLE bool unlock(const QString& password);
  Q_INVOKABLE void lock();
  /// The server no longer accepts the token: ask for an online sign-in (work on the tablet stays).
  Q_INVOKABLE void requireSignIn();
  /// The worker chose to sign in online (another account, or a new password): no error is shown.
  Q_INVOKABLE void switchAccount();
  /// Households the last online sign-in took off the tablet (outside the new user's grids), told once:
  /// the sync that follows the sign-in says so with its own.
  size_t takeRemovedAtSignIn();
  /// Tells every view that stored data changed (after a save or a sync).
  void notifyDataChanged();

 signals:
  void stateChanged();
  void gridsChanged();
  void busyChanged();
  void errorStringChanged();
  void dataChanged();
  void signedIn();

 private:
  struct SignInResult;
  void setState(State state);
  /// Reads the grid names the last sign-in or sync kept, and tells the views.
  void reloadGridNames();
  void setBusy(bool busy);
  void setError(const QString& message);
  void finishSignIn();

  std::unique_ptr<synccore::DeviceStore> m_store;
  std::map<std::string, std::string> m_gridNames;  // by code, as the server last sent them
  QString m_defaultServer;
  State m_state = SignInNeeded;
  bool m_busy = false;
  QString m_errorString;
  size_t m_removedAtSignIn = 0;
  QFutureWatcher<std::shared_ptr<SignInResult>> m_signInWatcher;
};

}  // namespace anju
