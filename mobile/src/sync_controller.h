#pragma once
// Sync as the worker sees it: online or not, pending changes, last sync, progress and plain-word failures.
#include "synccore/sync_client.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QNetworkInformation>
#include <QObject>
#include <QTimer>
#include <QtQml/qqml.h>

#include <atomic>
#include <memory>

namespace anju {

class Session;

/// Runs synccore's SyncClient off the GUI thread; starts by itself when a network appears.
class SyncController : public QObject {
  Q_OBJECT
  QML_NAMED_ELEMENT(Sync)
  QML_SINGLETON
  Q_PROPERTY(State state READ state NOTIFY stateChanged)
  Q_PROPERTY(bool online READ online NOTIFY onlineChanged)
  Q_PROPERTY(bool networkKnown READ networkKnown NOTIFY onlineChanged)
  Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
  Q_PROPERTY(QString phase READ phase NOTIFY progressChanged)
  Q_PROPERTY(int pendingChanges READ pendingChanges NOTIFY pendingChangesChanged)
  Q_PROPERTY(QDateTime lastSyncAt READ lastSyncAt NOTIFY stateChanged)
  Q_PROPERTY(QString errorCode READ errorCode NOTIFY stateChanged)
  Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)
  Q_PROPERTY(QString lastResult READ lastResult NOTIFY stateChanged)
  /// How far the tablet's clock is off, when a sync found it more than 5 minutes from the server's
  /// ("本机时间比服务器慢约 10 天,请校正日期和时间"); empty otherwise. Stays until a sync finds it right.
  Q_PROPERTY(QString clockWarning READ clockWarning NOTIFY stateChanged)

 public:
  enum State { Idle, Syncing, Failed };
  Q_ENUM(State)

  explicit SyncController(Session& session, QObject* parent = nullptr);
  ~SyncController() override;
  static SyncController* create(QQmlEngine*, QJSEngine*);
  static SyncController* instance();

  State state() const { return m_state; }
  bool online() const { return m_online; }
  bool networkKnown() const { return m_networkKnown; }
  double progress() const { return m_progress; }
  QString phase() const { return m_phase; }
  int pendingChanges() const { return m_pending; }
  QDateTime lastSyncAt() const { return m_lastSyncAt; }
  QString errorCode() const { return m_errorCode; }
  QString errorString() const { return m_errorString; }
  QString lastResult() const { return m_lastResult; }
  QString clockWarning() const { return m_clockWarning; }

  /// Starts a sync unless one is running or nobody is signed in. Never blocks.
  Q_INVOKABLE void syncNow();
  /// For tests and hosts without a network backend: sets the reachability by hand.
  Q_INVOKABLE void setOnline(bool online);

 signals:
  void stateChanged();
  void onlineChanged();
  void progressChanged();
  void pendingChangesChanged();
  /// One transient message after each sync, in the current language.
  void finished(bool ok, const QString& message);

 private:
  void applyReachability(QNetworkInformation::Reachability reachability);
  void refreshPending();
  void finishSync();
  void setProgress(const QString& phase, double progress);

  Session& m_session;
  State m_state = Idle;
  bool m_online = false;  // without a network backend: proven by the first sync that gets through
  bool m_networkKnown = false;
  double m_progress = 0;
  QString m_phase;
  int m_pending = 0;
  QDateTime m_lastSyncAt;
  QString m_errorCode, m_errorString, m_lastResult;
  QString m_clockWarning;  // from the last sync that learned the server's time
  QTimer m_retryTimer;
  QFutureWatcher<synccore::SyncSummary> m_watcher;
};

}  // namespace anju
