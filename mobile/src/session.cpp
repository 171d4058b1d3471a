#include "session.h"

#include "display_format.h"

#include "synccore/http_client.h"
#include "synccore/password_hash.h"
#include "synccore/sync_client.h"

#include <QQmlEngine>
#include <QtConcurrent>

#include <utility>

namespace anju {

namespace {
Session* g_instance = nullptr;
constexpr const char* kVerifier = "unlock_verifier";
constexpr const char* kFailedUnlocks = "failed_unlocks";
}  // namespace

/// What a sign-in attempt on the worker thread produced.
struct Session::SignInResult {
  bool ok = false;
  size_t removed = 0;  // households outside the new user's grids taken off the tablet
  std::string messageZh, messageEn;
};

Session::Session(const QString& dbPath, const QString& defaultServer, QObject* parent,
                 synccore::DeviceStore::Options storeOptions)
    : QObject(parent),
      m_store(std::make_unique<synccore::DeviceStore>(dbPath.toStdString(), synccore::SurveyDefinition::builtin(),
                                                      std::move(storeOptions))),
      m_defaultServer(defaultServer) {
  g_instance = this;
  const bool canUnlock = !m_store->setting(kVerifier).empty() && !m_store->setting("token").empty();
  m_state = canUnlock ? Locked : SignInNeeded;
  m_gridNames = synccore::gridNames(*m_store);
  connect(&m_signInWatcher, &QFutureWatcherBase::finished, this, &Session::finishSignIn);
}

Session::~Session() {
  m_signInWatcher.waitForFinished();
  if (g_instance == this) g_instance = nullptr;
}

Session* Session::create(QQmlEngine*, QJSEngine*) {
  QQmlEngine::setObjectOwnership(g_instance, QQmlEngine::CppOwnership);
  return g_instance;
}

Session* Session::instance() { return g_instance; }

QString Session::userName() const { return QString::fromStdString(m_store->setting("user")); }

QString Session::serverUrl() const {
  const std::string saved = m_store->setting("server_url");
  return saved.empty() ? m_defaultServer : QString::fromStdString(saved);
}

QString Session::role() const { return QString::fromStdString(m_store->setting("role")); }

QStringList Session::grids() const {
  QStringList out;
  for (const auto& g : synccore::signedInGrids(*m_store)) out << QString::fromStdString(g);
  return out;
}

QStringList Session::gridNames() const {
  QStringList out;
  for (const QString& code : grids()) out << gridName(code);
  return out;
}

QString Session::gridName(const QString& code) const {
  const auto name = m_gridNames.find(code.toStdString());
  return name == m_gridNames.end() ? code : QString::fromStdString(name->second);
}

void Session::reloadGridNames() {
  m_gridNames = synccore::gridNames(*m_store);
  emit gridsChanged();
}

void Session::notifyDataChanged() {
  reloadGridNames();  // a sync may bring renamed grids
  emit dataChanged();
}

QString Session::movedAwayGrid(const synccore::RecordValues& household) const {
  const auto grid = household.find("grid");
  if (grid == household.end() || !grid->second.is_string()) return {};
  const QString code = QString::fromStdString(grid->second.get<std::string>());
  return scope().contains(code.toStdString()) ? QString() : code;
}

void Session::signIn(const QString& server, const QString& user, const QString& password) {
  if (m_busy) return;
  const QString url = server.trimmed();
  if (!url.startsWith(QLatin1String("http://")) && !url.startsWith(QLatin1String("https://"))) {
    setError(tr("服务器地址应以 https:// 或 http:// 开头"));
    return;
  }
  if (user.trimmed().isEmpty() || password.isEmpty()) {
    setError(tr("请输入用户名和密码"));
    return;
  }
  // Said before any network attempt (SyncClient::login would refuse it too).
  if (const auto refused = synccore::handOverRefusal(*m_store, user.trimmed().toStdString())) {
    setError(DisplayFormat::chosen(refused->messageZh, refused->messageEn));
    return;
  }
  setError({});
  setBusy(true);
  synccore::DeviceStore* store = m_store.get();
  m_signInWatcher.setFuture(QtConcurrent::run([store, url, name = user.trimmed(), password] {
    auto result = std::make_shared<SignInResult>();
    synccore::HttpOptions options;
    options.caFile = store->setting("ca_file");
    synccore::HttpClient http(url.toStdString(), options);
    synccore::SyncClient::Options syncOptions;
    syncOptions.maxAttempts = 2;
    synccore::SyncClient client(*store, http, syncOptions);
    const auto summary = client.login(name.toStdString(), password.toStdString());
    if (!summary.ok) {
      result->messageZh = summary.messageZh;
      result->messageEn = summary.messageEn;
      return result;
    }
    store->setSetting("server_url", url.toStdString());
    store->setSetting(kVerifier, synccore::hashPassword(password.toStdString()), true);
    store->setSetting(kFailedUnlocks, "0");
    result->ok = true;
    result->removed = summary.removed;
    return result;
  }));
}

void Session::finishSignIn() {
  setBusy(false);
  const auto result = m_signInWatcher.result();
  if (!result->ok) {
    setError(DisplayFormat::chosen(result->messageZh, result->messageEn));
    return;
  }
  m_removedAtSignIn = result->removed;
  setState(Unlocked);
  emit signedIn();
  emit dataChanged();
}

size_t Session::takeRemovedAtSignIn() {
  return std::exchange(m_removedAtSignIn, 0);
}

bool Session::unlock(const QString& password) {
  if (m_state != Locked) return false;
  if (synccore::verifyPassword(password.toStdString(), m_store->setting(kVerifier))) {
    m_store->setSetting(kFailedUnlocks, "0");
    setError({});
    setState(Unlocked);
    emit dataChanged();
    return true;
  }
  const int failed = std::atoi(m_store->setting(kFailedUnlocks).c_str()) + 1;
  m_store->setSetting(kFailedUnlocks, std::to_string(failed));
  if (failed >= kMaxUnlockAttempts) {
    m_store->setSetting(kVerifier, "");
    setError(tr("密码错误次数过多,请联网重新登录"));
    setState(SignInNeeded);
  } else {
    setError(tr("密码错误,还可以再试 %1 次").arg(kMaxUnlockAttempts - failed));
  }
  return false;
}

void Session::lock() {
  if (m_state == Unlocked) setState(Locked);
}

void Session::requireSignIn() {
  setError(tr("登录已过期,请联网后重新登录;未同步的数据仍保存在本机"));
  setState(SignInNeeded);
}

void Session::switchAccount() {
  setError({});
  setState(SignInNeeded);
}

void Session::setState(State state) {
  if (state == m_state) return;
  m_state = state;
  emit stateChanged();
  reloadGridNames();
}

void Session::setBusy(bool busy) {
  if (busy == m_busy) return;
  m_busy = busy;
  emit busyChanged();
}

void Session::setError(const QString& message) {
  if (message == m_errorString) return;
  m_errorString = message;
  emit errorStringChanged();
}

}  // namespace anju
