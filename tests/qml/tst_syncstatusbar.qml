import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// SyncStatusBar: pending changes, online / offline, syncing and a failed sync in plain words.
// The tablet's server address points at a closed port, so every sync fails as "unreachable".
Item {
    id: root
    width: 1280
    height: 120

    TestCase {
        id: testCase
        name: "SyncStatusBar"
        when: windowShown

        Component {
            id: barComponent
            SyncStatusBar { width: 1280 }
        }
        Component {
            id: formComponent
            RecordForm {}
        }

        function openBar() {
            const bar = createTemporaryObject(barComponent, root)
            tryVerify(() => Sync.state !== Sync.Syncing, 120000)
            return bar
        }

        function test_pendingChanges() {
            const bar = openBar()
            const pending = Sync.pendingChanges
            verify(pending > 0)  // the seeded households were never synced
            compare(findChild(bar, "pendingLabel").text, pending + " 条修改待同步")

            // Saving an answer adds one pending change, and the bar says so at once.
            const form = createTemporaryObject(formComponent, root)
            form.recordType = "household"
            form.uuid = TestData.headHousehold
            form.setText("remarks", "独居老人,每周电话联系")
            verify(form.save().length > 0)
            compare(Sync.pendingChanges, pending + 1)
            compare(findChild(bar, "pendingLabel").text, (pending + 1) + " 条修改待同步")
        }

        function test_onlineAndOffline() {
            const bar = openBar()
            Sync.setOnline(true)
            compare(findChild(bar, "networkLabel").text, "在线")
            Sync.setOnline(false)
            compare(findChild(bar, "networkLabel").text, "离线")
            tryVerify(() => Sync.state !== Sync.Syncing, 120000)  // the sync going online started
        }

        function test_syncingThenFailed() {
            const bar = openBar()
            const pending = Sync.pendingChanges
            const button = findChild(bar, "syncButton")
            compare(button.text, "立即同步")
            verify(button.enabled)
            mouseClick(button)
            compare(Sync.state, Sync.Syncing)
            compare(button.text, "同步中…")
            verify(!button.enabled)
            verify(findChild(bar, "syncProgress").visible)
            verify(!findChild(bar, "syncError").visible)

            tryCompare(Sync, "state", Sync.Failed, 120000)
            compare(Sync.errorCode, "unreachable")
            const error = findChild(bar, "syncError")
            verify(error.visible)
            compare(error.text, Sync.errorString)
            verify(error.text.indexOf("未同步的数据仍保存在本机") >= 0, error.text)
            verify(!findChild(bar, "syncProgress").visible)
            compare(button.text, "立即同步")
            verify(button.enabled)
            compare(Sync.pendingChanges, pending)  // nothing lost
            compare(findChild(bar, "pendingLabel").text, pending + " 条修改待同步")
        }
    }
}
