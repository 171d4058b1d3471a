#include "sync_controller.h"

#include "display_format.h"
#include "session.h"

#include "synccore/http_client.h"

#include <QNetworkInformation>
#include <QQmlEngine>
#include <QtConcurrent>

namespace anju {

namespace {
SyncController* g_instance = nullptr;
constexpr int kRetryMinutes = 10;
constexpr const char* kLastSync = "last_sync_at";
}  // namespace

SyncController::SyncController(Session& session, QObject* parent) : QObject(parent), m_session(session) {
  g_instance = this;
  m_lastSyncAt = QDateTime::fromString(QString::fromStdString(session.store().setting(kLastSync)), Qt::ISODate);
  refreshPending();
  connect(&session, &Session::dataChanged, this, &SyncController::refreshPending);
  connect(&session, &Session::signedIn, this, &SyncController::syncNow);
  // Unlocking with a network at hand sends what waited offline.
  connect(&session, &Session::stateChanged, this, [this] {
    if (m_session.state() == Session::Unlocked && m_online && m_pending > 0) syncNow();
  });
  connect(&m_watcher, &QFutureWatcherBase::finished, this, &SyncController::finishSync);

  if (QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
    auto* info = QNetworkInformation::instance();
    applyReachability(info->reachability());
    connect(info, &QNetworkInformation::reachabilityChanged, this, &SyncController::applyReachability);
  }
  // Unsynced work is retried now and then even when the network backend says nothing.
  m_retryTimer.setInterval(kRetryMinutes * 60 * 1000);
  connect(&m_retryTimer, &QTimer::timeout, this, [this] {
    if (m_pending > 0 && (m_online || !m_networkKnown)) syncNow();
  });
  m_retryTimer.start();
}

SyncController::~SyncController() {
  m_watcher.waitForFinished();
  if (g_instance == this) g_instance = nullptr;
}

SyncController* SyncController::create(QQmlEngine*, QJSEngine*) {
  QQmlEngine::setObjectOwnership(g_instance, QQmlEngine::CppOwnership);
  return g_instance;
}

SyncController* SyncController::instance() { return g_instance; }

void SyncController::setOnline(bool online) {
  if (online == m_online) return;
  m_online = online;
  emit onlineChanged();
  if (online && m_session.state() == Session::Unlocked) syncNow();
}

void SyncController::applyReachability(QNetworkInformation::Reachability reachability) {
  // Without NetworkManager the backend answers "unknown": then the last sync attempt tells.
  m_networkKnown = reachability != QNetworkInformation::Reachability::Unknown;
  if (m_networkKnown)
    setOnline(reachability == QNetworkInformation::Reachability::Online ||
              reachability == QNetworkInformation::Reachability::Site);
}

void SyncController::refreshPending() {
  const int pending = static_cast<int>(m_session.store().outboxSize());
  if (pending == m_pending) return;
  m_pending = pending;
  emit pendingChangesChanged();
}

void SyncController::setProgress(const QString& phase, double progress) {
  m_phase = phase;
  m_progress = progress;
  emit progressChanged();
}

void SyncController::syncNow() {
  if (m_state == Syncing || m_session.state() != Session::Unlocked) return;
  // Auditors and administrators read the server's log online; their tablets hold no household files.
  if (m_session.role() == QLatin1String("auditor") || m_session.role() == QLatin1String("admin")) return;
  synccore::DeviceStore* store = &m_session.store();
  const std::string server = store->setting("server_url");
  if (server.empty()) return;
  m_state = Syncing;
  m_errorCode.clear();
  m_errorString.clear();
  emit stateChanged();
  setProgress(tr("正在连接服务器"), 0);
  QPointer<SyncController> self(this);
  m_watcher.setFuture(QtConcurrent::run([store, server, self] {
    synccore::HttpOptions options;
    options.caFile = store->setting("ca_file");
    synccore::HttpClient http(server, options);
    synccore::SyncClient::Options syncOptions;
    syncOptions.maxAttempts = 3;
    synccore::SyncClient client(*store, http, syncOptions);
    try {
      return client.sync([self](const std::string& phase, size_t done, size_t total) {
        const QString text = phase == "push" ? tr("正在上传 %1/%2").arg(done).arg(total)
                                             : tr("正在下载 %1 条更新").arg(done);
        const double fraction = phase == "push" ? (total ? 0.5 * done / total : 0.5) : 0.75;
        QMetaObject::invokeMethod(self, [self, text, fraction] {
          if (self) self->setProgress(text, fraction);
        }, Qt::QueuedConnection);
      });
    } catch (const std::exception& e) {
      // Rethrown by result() on the GUI thread, an exception would end the app: it is shown instead.
      // Whatever the sync had not finished was rolled back and is sent or fetched again next time.
      synccore::SyncSummary failed;
      failed.ok = false;
      failed.errorCode = "sync_error";
      failed.messageZh = std::string("同步中断,已保存的数据不会丢失,请稍后重试(") + e.what() + ")";
      failed.messageEn = std::string("Sync stopped; nothing saved is lost. Try again later (") + e.what() + ")";
      return failed;
    }
  }));
}

void SyncController::finishSync() {
  const synccore::SyncSummary summary = m_watcher.result();
  if (summary.ok) {
    m_state = Idle;
    m_lastSyncAt = QDateTime::currentDateTime();
    m_session.store().setSetting(kLastSync, m_lastSyncAt.toString(Qt::ISODate).toStdString());
    m_lastResult = tr("已上传 %1 条,下载 %2 条").arg(summary.pushed).arg(summary.pulled);
    if (const size_t refused = summary.rejected - summary.forwarded; summary.conflicts > 0 && refused > 0)
      m_lastResult += tr(";%1 条冲突、%2 条被退回,请查看标记的住户").arg(summary.conflicts).arg(refused);
    else if (summary.conflicts > 0)
      m_lastResult += tr(";%n 条冲突,请查看标记的住户", "", static_cast<int>(summary.conflicts));
    else if (refused > 0)
      m_lastResult += tr(";%n 条被退回,请查看标记的住户", "", static_cast<int>(refused));
    if (summary.forwarded > 0)
      m_lastResult += tr(";%n 条修改不在您的网格内,已转交社区审核", "", static_cast<int>(summary.forwarded));
    if (const size_t removed = summary.removed + m_session.takeRemovedAtSignIn(); removed > 0)
      m_lastResult += tr(";%1 户已不在您负责的网格内,已从本机移除").arg(removed);
    if (const auto [zh, en] = summary.clockNote(); !zh.empty())
      m_lastResult += tr(";%1").arg(DisplayFormat::chosen(zh, en));
    if (summary.clockOffsetMs) {
      const auto [zh, en] = summary.clockOffsetNote();
      m_clockWarning = zh.empty() ? QString() : DisplayFormat::chosen(zh, en);
    }
    setProgress({}, 1);
    if (!m_networkKnown && !m_online) {
      m_online = true;
      emit onlineChanged();
    }
  } else {
    m_state = Failed;
    m_errorCode = QString::fromStdString(summary.errorCode);
    m_errorString = DisplayFormat::chosen(summary.messageZh, summary.messageEn);
    m_lastResult.clear();
    if (summary.errorCode == "unreachable" && !m_networkKnown) {
      m_online = false;
      emit onlineChanged();
    }
  }
  emit stateChanged();
  refreshPending();
  m_session.notifyDataChanged();
  if (summary.errorCode == "token_invalid") {
    // A refused token is forgotten: after a restart the tablet asks for an online sign-in, not the password.
    m_session.store().setSetting("token", "");
    m_session.requireSignIn();
  }
  emit finished(summary.ok, summary.ok ? m_lastResult : m_errorString);
}

}  // namespace anju
