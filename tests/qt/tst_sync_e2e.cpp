// The app's Session and SyncController against a real syncserver process on 127.0.0.1.
#include "../e2e/harness.h"
#include "app_fixture.h"
#include "household_list_model.h"
#include "record_form.h"

#include <QSignalSpy>
#include <QtTest>

#include <signal.h>

using anju::Session;
using anju::SyncController;

/// One tablet signed in as wang (grid G01) and a surveyctl device as li in the same grid; the
/// steps run in order, as a worker's day would.
class SyncE2eTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    m_community = std::make_unique<e2e::Community>();
    apptest::TempTablet::Options options;
    options.signedIn = false;
    options.server = QString::fromStdString(m_community->process().url());
    m_tablet = std::make_unique<apptest::TempTablet>(options);
    connect(&sync(), &SyncController::stateChanged, this, [this] { m_states << sync().state(); });
    m_list = std::make_unique<anju::HouseholdListModel>();
  }
  void cleanupTestCase() {
    m_list.reset();
    m_tablet.reset();
    m_community.reset();
  }

  void signInOnlineThenSyncsAtOnce() {
    Session& session = m_tablet->session();
    QCOMPARE(session.state(), Session::SignInNeeded);
    QVERIFY(!sync().lastSyncAt().isValid());
    session.signIn(QString::fromStdString(m_community->process().url()), QStringLiteral("wang"),
                   QStringLiteral("password-wang"));
    QVERIFY(session.busy());
    QSignalSpy busy(&session, &Session::busyChanged);
    while (session.busy()) busy.wait(1000);
    QCOMPARE(session.errorString(), QString());
    QCOMPARE(session.state(), Session::Unlocked);
    QCOMPARE(session.userName(), QStringLiteral("wang"));
    QCOMPARE(session.grids(), QStringList{QStringLiteral("G01")});
    // Signing in starts the first sync by itself.
    waitWhileSyncing();
    QCOMPARE(m_states, (QList<SyncController::State>{SyncController::Syncing, SyncController::Idle}));
    QVERIFY(sync().lastSyncAt().isValid());
  }

  void pushesWhatTheWorkerSaved() {
    anju::RecordForm form;
    form.setRecordType(QStringLiteral("household"));
    form.setText(QStringLiteral("address"), QStringLiteral("玉泉家园1号楼101"));
    form.setText(QStringLiteral("head_name"), QStringLiteral("马文明"));
    form.setChoice(QStringLiteral("residence_status"), QStringLiteral("resident"));
    form.setChoice(QStringLiteral("monitoring_category"), QStringLiteral("none"));
    const QString household = form.save();
    QVERIFY2(!household.isEmpty(), qPrintable(form.formError()));
    QCOMPARE(sync().pendingChanges(), 5);  // grid, address, head, residence, monitoring

    const QDateTime before = sync().lastSyncAt();
    QSignalSpy progress(&sync(), &SyncController::progressChanged);
    QStringList phases;
    QObject scope;  // ends the connection with this function
    connect(&sync(), &SyncController::progressChanged, &scope, [&] { phases << sync().phase(); });
    m_states.clear();
    sync().syncNow();
    QCOMPARE(sync().state(), SyncController::Syncing);
    waitWhileSyncing();
    QCOMPARE(m_states, (QList<SyncController::State>{SyncController::Syncing, SyncController::Idle}));
    QCOMPARE(sync().errorCode(), QString());
    QCOMPARE(sync().pendingChanges(), 0);
    QCOMPARE(m_tablet->store().outboxSize(), size_t{0});
    QVERIFY(progress.count() >= 3);
    QVERIFY2(phases.contains(QStringLiteral("正在上传 0/5")), qPrintable(phases.join(u'|')));
    QCOMPARE(sync().progress(), 1.0);
    QVERIFY(sync().lastResult().startsWith(QStringLiteral("已上传 5 条")));
    QVERIFY(sync().lastSyncAt() >= before);
    QVERIFY(sync().online());

    // Another tablet of the grid now has the household.
    e2e::Device li = m_community->device("li", "li");
    QCOMPARE(li.sync()["ok"], true);
    const e2e::Json snapshot = li.snapshot();
    QVERIFY(snapshot.contains(household.toStdString()));
  }

  void pullsAnotherDevicesHousehold() {
    e2e::Device li = m_community->device("li2", "li");
    const std::string added = li.ok(e2e::householdArgs("G01", "李四"));
    QCOMPARE(li.sync()["ok"], true);
    e2e::Device zhao = m_community->device("zhao", "zhao");  // another grid: not this worker's
    zhao.ok(e2e::householdArgs("G02", "赵六"));
    QCOMPARE(zhao.sync()["ok"], true);

    m_list->setSearch(QStringLiteral("李四"));
    QCOMPARE(m_list->rowCount(), 0);
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(sync().state(), SyncController::Idle);
    QCOMPARE(m_list->rowCount(), 1);
    QCOMPARE(m_list->data(m_list->index(0), anju::HouseholdListModel::UuidRole).toString(),
             QString::fromStdString(added));
    m_list->setSearch(QStringLiteral("赵六"));
    QCOMPARE(m_list->rowCount(), 0);
    m_list->setSearch({});
    QCOMPARE(m_list->households(), 2);
  }

  void serverDownKeepsEveryChange() {
    m_port = m_community->process().port();
    m_community->process().kill(SIGKILL);
    m_tablet->addHousehold("孙七", "金凤小区8号");
    const int pending = sync().pendingChanges();
    QCOMPARE(pending, 5);
    m_states.clear();
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(m_states, (QList<SyncController::State>{SyncController::Syncing, SyncController::Failed}));
    QCOMPARE(sync().errorCode(), QStringLiteral("unreachable"));
    QVERIFY2(sync().errorString().contains(QStringLiteral("未同步的数据仍保存在本机")), qPrintable(sync().errorString()));
    QCOMPARE(sync().pendingChanges(), pending);
    QCOMPARE(m_tablet->store().outboxSize(), size_t(pending));
    QCOMPARE(m_list->households(), 3);
    QCOMPARE(m_tablet->session().state(), Session::Unlocked);
  }

  void syncsAgainOnceTheServerIsBack() {
    m_community->process().start(m_port);
    m_states.clear();
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(m_states, (QList<SyncController::State>{SyncController::Syncing, SyncController::Idle}));
    QCOMPARE(sync().errorCode(), QString());
    QCOMPARE(sync().errorString(), QString());
    QCOMPARE(sync().pendingChanges(), 0);
    e2e::Device li = m_community->device("li3", "li");
    QCOMPARE(li.sync()["ok"], true);
    QCOMPARE(li.ok({"list"}).find("孙七") != std::string::npos, true);
  }

  void aFailingTabletFileIsShownNotFatal() {
    e2e::Device li = m_community->device("li4", "li");
    const std::string added = li.ok(e2e::householdArgs("G01", "钱五"));
    QCOMPARE(li.sync()["ok"], true);
    // A trigger stands in for a full or failing tablet storage: SQLite refuses the pulled household.
    synccore::Database(m_tablet->dbPath().toStdString())
        .exec("CREATE TRIGGER failing_write BEFORE INSERT ON household"
              " BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END");
    m_states.clear();
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(m_states, (QList<SyncController::State>{SyncController::Syncing, SyncController::Failed}));
    QCOMPARE(sync().errorCode(), QStringLiteral("device_storage"));
    QVERIFY2(sync().errorString().contains(QStringLiteral("存储空间")), qPrintable(sync().errorString()));
    QCOMPARE(m_tablet->session().state(), Session::Unlocked);
    QVERIFY(!m_tablet->store().load(added));

    synccore::Database(m_tablet->dbPath().toStdString()).exec("DROP TRIGGER failing_write");
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(sync().state(), SyncController::Idle);
    QCOMPARE(sync().errorCode(), QString());
    QVERIFY(m_tablet->store().load(added));
  }

  void handedToAnotherWorkerSaysWhatLeft() {
    // Nothing of wang's waits: zhao (grid G02) may sign in on this tablet. Wang's households leave it at
    // sign-in, and the sync that follows says so.
    QCOMPARE(sync().pendingChanges(), 0);
    const int wangs = static_cast<int>(m_tablet->store().listHouseholds().size());
    QVERIFY(wangs > 0);
    signInAs(QStringLiteral("zhao"));
    QCOMPARE(m_tablet->store().listHouseholds().size(), size_t{1});  // zhao's own household, from G02
    QVERIFY2(sync().lastResult().contains(QStringLiteral(";%1 户已不在您负责的网格内,已从本机移除").arg(wangs)),
             qPrintable(sync().lastResult()));
    // Told once: the next sync removes nothing and says nothing of it.
    sync().syncNow();
    waitWhileSyncing();
    QVERIFY2(!sync().lastResult().contains(QStringLiteral("已从本机移除")), qPrintable(sync().lastResult()));
    // Back to wang for the steps after this one.
    signInAs(QStringLiteral("wang"));
    QCOMPARE(m_tablet->store().listHouseholds().size(), size_t(wangs));
  }

  void aTabletWhoseDateIsWrongSaysSoUntilItIsRight() {
    constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
    m_list.reset();  // the list follows the session being replaced
    m_tablet->restartWithClockOffset(-10 * kDayMs);  // a flat battery put the date back
    QVERIFY(m_tablet->session().unlock(QStringLiteral("password-wang")));
    QCOMPARE(sync().clockWarning(), QString());
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(sync().state(), SyncController::Idle);
    QCOMPARE(sync().clockWarning(), QStringLiteral("本机时间比服务器慢约 10 天,请校正日期和时间"));
    QVERIFY2(sync().lastResult().contains(sync().clockWarning()), qPrintable(sync().lastResult()));
    // The date put right: the next sync finds the clock right and the warning goes.
    m_tablet->restartWithClockOffset(0);
    QVERIFY(m_tablet->session().unlock(QStringLiteral("password-wang")));
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(sync().state(), SyncController::Idle);
    QCOMPARE(sync().clockWarning(), QString());
    QVERIFY2(!sync().lastResult().contains(QStringLiteral("请校正日期和时间")), qPrintable(sync().lastResult()));
  }

  void anEditOutsideTheWorkersGridsIsPassedToTheCommunity() {
    // Wang notes something of a G01 household offline; meanwhile the community takes G01 from him.
    const auto households = m_tablet->store().listHouseholds();
    QVERIFY(!households.empty());
    const std::string household = households.front().uuid;
    QVERIFY(m_tablet->store().save({{"household", household, "", {{"remarks", "门口有台阶"}}}}).ok());
    QCOMPARE(m_community->server({"user", "grids", "--name", "wang", "--grid", "G02"}).exitCode, 0);
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(sync().state(), SyncController::Idle);
    // Said as passed on, not as refused: nothing the worker collected is lost with the notice.
    QVERIFY2(sync().lastResult().contains(QStringLiteral(";1 条修改不在您的网格内,已转交社区审核")),
             qPrintable(sync().lastResult()));
    QVERIFY2(!sync().lastResult().contains(QStringLiteral("被退回")), qPrintable(sync().lastResult()));
    const auto notices = m_tablet->store().notices();
    QCOMPARE(notices.size(), size_t{1});
    QCOMPARE(QString::fromStdString(notices[0].kind), QStringLiteral("forwarded"));
    QVERIFY(!notices[0].conflictId.empty());
    // G01 back to wang for the steps after this one: its households come back with the next sync.
    QVERIFY(m_tablet->store().dismissNotice(notices[0].id));
    QCOMPARE(m_community->server({"user", "grids", "--name", "wang", "--grid", "G01"}).exitCode, 0);
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(m_tablet->store().listHouseholds().size(), households.size());
  }

  void revokedUserMustSignInAgain() {
    QCOMPARE(m_community->server({"user", "revoke", "--name", "wang"}).exitCode, 0);
    m_tablet->addHousehold("周八", "金凤小区9号");
    const int pending = sync().pendingChanges();
    QVERIFY(pending > 0);
    sync().syncNow();
    waitWhileSyncing();
    QCOMPARE(sync().state(), SyncController::Failed);
    QCOMPARE(sync().errorCode(), QStringLiteral("token_invalid"));
    QCOMPARE(m_tablet->session().state(), Session::SignInNeeded);
    QVERIFY(!m_tablet->session().errorString().isEmpty());
    QCOMPARE(sync().pendingChanges(), pending);
    // Nobody is signed in now: a sync request does nothing.
    sync().syncNow();
    QCOMPARE(sync().state(), SyncController::Failed);
    // Restarting the app does not bring back offline unlock for the revoked sign-in; the work stays.
    m_list.reset();
    m_tablet->restart();
    QCOMPARE(m_tablet->session().state(), Session::SignInNeeded);
    QVERIFY(!m_tablet->session().unlock(QStringLiteral("password-wang")));
    QCOMPARE(sync().pendingChanges(), pending);
  }

 private:
  SyncController& sync() { return m_tablet->sync(); }
  /// Signs in online as the user (password "password-<user>") and waits for the sync that follows.
  void signInAs(const QString& user) {
    Session& session = m_tablet->session();
    session.signIn(QString::fromStdString(m_community->process().url()), user, QStringLiteral("password-") + user);
    QSignalSpy busy(&session, &Session::busyChanged);
    while (session.busy()) busy.wait(1000);
    QCOMPARE(session.errorString(), QString());
    QCOMPARE(session.userName(), user);
    waitWhileSyncing();
    QCOMPARE(sync().state(), SyncController::Idle);
  }
  void waitWhileSyncing() {
    QSignalSpy changed(&sync(), &SyncController::stateChanged);
    while (sync().state() == SyncController::Syncing) changed.wait(1000);
  }

  std::unique_ptr<e2e::Community> m_community;
  std::unique_ptr<apptest::TempTablet> m_tablet;
  std::unique_ptr<anju::HouseholdListModel> m_list;
  QList<SyncController::State> m_states;
  int m_port = 0;
};

QTEST_GUILESS_MAIN(SyncE2eTest)

#include "tst_sync_e2e.moc"
