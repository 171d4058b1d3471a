// Session: offline unlock with the password of the last online sign-in, lock-out, and who may sign in.
#include "app_fixture.h"
#include "test_suites.h"

#include <QSignalSpy>
#include <QtTest>

using anju::Session;

/// Each test starts with a tablet wang signed in on earlier, now locked.
class SessionTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    apptest::TempTablet::Options options;
    options.unlock = false;
    m_tablet = std::make_unique<apptest::TempTablet>(options);
  }
  void cleanup() { m_tablet.reset(); }

  void freshTabletNeedsOnlineSignIn() {
    apptest::TempTablet::Options options;
    options.signedIn = false;
    apptest::TempTablet fresh(options);
    QCOMPARE(fresh.session().state(), Session::SignInNeeded);
    QVERIFY(!fresh.session().unlock(QStringLiteral("password-wang")));
    QCOMPARE(fresh.session().serverUrl(), QStringLiteral("http://127.0.0.1:1"));
  }

  void unlocksOfflineWithTheRightPassword() {
    Session& session = m_tablet->session();
    QCOMPARE(session.state(), Session::Locked);
    QCOMPARE(session.userName(), QStringLiteral("wang"));
    QCOMPARE(session.grids(), QStringList{QStringLiteral("G01")});
    QSignalSpy stateChanged(&session, &Session::stateChanged);
    QVERIFY(!session.unlock(QStringLiteral("password-li")));
    QCOMPARE(session.state(), Session::Locked);
    QCOMPARE(session.errorString(), QStringLiteral("密码错误,还可以再试 4 次"));
    QVERIFY(session.unlock(QStringLiteral("password-wang")));
    QCOMPARE(session.state(), Session::Unlocked);
    QCOMPARE(session.errorString(), QString());
    QCOMPARE(stateChanged.count(), 1);
    session.lock();
    QCOMPARE(session.state(), Session::Locked);
  }

  void fiveWrongPasswordsRequireOnlineSignIn() {
    Session& session = m_tablet->session();
    for (int i = 0; i < 3; ++i) QVERIFY(!session.unlock(QStringLiteral("guess")));
    // The count survives a restart of the app.
    m_tablet->restart();
    QCOMPARE(m_tablet->session().state(), Session::Locked);
    QVERIFY(!m_tablet->session().unlock(QStringLiteral("guess")));
    QCOMPARE(m_tablet->session().errorString(), QStringLiteral("密码错误,还可以再试 1 次"));
    QVERIFY(!m_tablet->session().unlock(QStringLiteral("guess")));
    QCOMPARE(m_tablet->session().state(), Session::SignInNeeded);
    QCOMPARE(m_tablet->session().errorString(), QStringLiteral("密码错误次数过多,请联网重新登录"));
    // Now even the right password does not open the tablet, also after a restart.
    QVERIFY(!m_tablet->session().unlock(QStringLiteral("password-wang")));
    m_tablet->restart();
    QCOMPARE(m_tablet->session().state(), Session::SignInNeeded);
    QVERIFY(!m_tablet->session().unlock(QStringLiteral("password-wang")));
  }

  void anotherUserCannotSignInOverPendingChanges() {
    Session& session = m_tablet->session();
    QVERIFY(session.unlock(QStringLiteral("password-wang")));
    m_tablet->addHousehold("马文明", "玉泉家园1号楼101");
    const size_t pending = m_tablet->store().outboxSize();
    QVERIFY(pending > 0);
    session.signIn(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("li"), QStringLiteral("password-li"));
    QVERIFY(!session.busy());  // refused before any network attempt
    QCOMPARE(session.errorString(),
             QStringLiteral("本机还有 %1 条 wang 的修改未同步,请先由 wang 登录并同步").arg(pending));
    QCOMPARE(session.userName(), QStringLiteral("wang"));
    QCOMPARE(m_tablet->store().outboxSize(), pending);
  }

  void anotherUserCannotSignInOverUnreadNotices() {
    Session& session = m_tablet->session();
    QVERIFY(session.unlock(QStringLiteral("password-wang")));
    m_tablet->addHousehold("马文明", "玉泉家园1号楼101");
    // The server refused the save: its values wait as a notice for wang, not in the outbox.
    auto& store = m_tablet->store();
    const synccore::PushBatch batch = store.nextPushBatch(100);
    synccore::Json refused = synccore::Json::array();
    for (const auto& e : batch.entries)
      refused.push_back({{"change_id", e.changeId}, {"code", "out_of_scope"}, {"message", "not yours"}, {"message_zh", "不在范围内"}});
    QCOMPARE(store.rejectChanges(batch, refused).moved, batch.entries.size());
    QCOMPARE(store.outboxSize(), size_t{0});
    const size_t unread = store.notices().size();
    session.signIn(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("li"), QStringLiteral("password-li"));
    QVERIFY(!session.busy());  // refused before any network attempt
    QCOMPARE(session.errorString(),
             QStringLiteral("本机还有 %1 条给 wang 的通知(冲突或被退回的修改)未处理,请先由 wang 登录查看").arg(unread));
    QCOMPARE(session.userName(), QStringLiteral("wang"));
    QCOMPARE(store.notices().size(), unread);
  }

  void signInChecksItsInputAndReportsAnUnreachableServer() {
    Session& session = m_tablet->session();
    session.signIn(QStringLiteral("ftp://example"), QStringLiteral("wang"), QStringLiteral("x"));
    QCOMPARE(session.errorString(), QStringLiteral("服务器地址应以 https:// 或 http:// 开头"));
    session.signIn(QStringLiteral("http://127.0.0.1:1"), QStringLiteral(" "), QStringLiteral("x"));
    QCOMPARE(session.errorString(), QStringLiteral("请输入用户名和密码"));

    // The same user may sign in again; nothing listens on port 1, so it fails in plain words.
    QSignalSpy busy(&session, &Session::busyChanged);
    session.signIn(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("wang"), QStringLiteral("password-wang"));
    QVERIFY(session.busy());
    while (session.busy()) busy.wait(1000);
    QCOMPARE(session.state(), Session::Locked);
    QVERIFY(!session.errorString().isEmpty());
    QVERIFY(session.errorString() != QStringLiteral("请输入用户名和密码"));
  }

 private:
  std::unique_ptr<apptest::TempTablet> m_tablet;
};

int runSessionTests(int argc, char** argv) {
  SessionTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_session.moc"
