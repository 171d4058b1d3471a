import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// The worker's side of "return to worker" against a real server (qml_role_tests, signed in as wang):
// the supervisor returned 周八's household after this tablet's first sync; the next sync brings it into
// the list and the household file with the comment, and resubmitting reaches the server. The steps
// run in name order.
Item {
    id: root
    width: 1000
    height: 900

    TestCase {
        name: "ReturnFlowOnline"
        when: windowShown

        Component { id: paneComponent; HouseholdListPane { width: 460; height: 900 } }
        Component { id: pageComponent; HouseholdPage { width: 1000; height: 900 } }
        Component { id: fileComponent; HouseholdFile {} }

        function init() {
            // qml_tests scans tests/qml too; this file needs qml_role_tests' server and worker.
            if (typeof RoleData === "undefined") skip("runs in qml_role_tests")
        }

        function texts(item, out) {
            out = out || []
            if (!item || !item.visible) return out
            if (typeof item.text === "string" && item.text.length > 0) out.push(item.text)
            for (let i = 0; i < item.children.length; ++i) texts(item.children[i], out)
            return out
        }

        function syncAndWait() {
            Sync.syncNow()
            compare(Sync.state, Sync.Syncing)
            tryVerify(() => Sync.state !== Sync.Syncing, 30000)
            compare(Sync.state, Sync.Idle, Sync.errorString)
            compare(Sync.errorCode, "")
        }

        function test_a_returnArrivesWithTheNextSync() {
            compare(RoleData.user, "wang")
            const pane = createTemporaryObject(paneComponent, root)
            waitForRendering(pane)
            const attention = findChild(pane, "filterAttention")
            compare(attention.text, "冲突或退回 0")  // returned on the server, not known here yet
            compare(RoleData.serverReview(RoleData.returnedHousehold).review.state, "returned")

            syncAndWait()
            tryCompare(attention, "text", "冲突或退回 1")
            mouseClick(attention)
            const list = findChild(pane, "householdListView")
            tryCompare(list, "count", 1)
            compare(pane.model.data(pane.model.index(0, 0), 257), RoleData.returnedHousehold)  // UuidRole
            const row = list.itemAtIndex(0)
            verify(texts(row).some(t => t.indexOf("周八") >= 0), texts(row))
            const badge = findChild(row, "returnedBadge")
            verify(badge !== null)
            verify(badge.visible)
            verify(badge.text.indexOf("已退回") === 0, badge.text)
        }

        function test_b_commentShownThenResubmitReachesTheServer() {
            const file = createTemporaryObject(fileComponent, root, { uuid: RoleData.returnedHousehold })
            compare(file.reviewState, "returned")
            compare(file.reviewNote, "请本周内核实")
            verify(!file.resubmitPending)

            const page = createTemporaryObject(pageComponent, root, { householdUuid: RoleData.returnedHousehold })
            waitForRendering(page)
            const comment = findChild(page, "reviewComment")
            verify(comment !== null)
            compare(comment.text, "• 本户「住址」:门牌号与实际不符")
            verify(texts(page).indexOf("请本周内核实") >= 0)
            const button = findChild(page, "resubmitButton")
            verify(button.visible)
            compare(button.text, "已修改,重新提交")
            findChild(page, "resubmitNote").text = "门牌已核实"

            // Tapping marks it at once and starts a sync, which sends it.
            mouseClick(button)
            compare(button.text, "已标记,下次同步提交")
            verify(!button.enabled)
            verify(file.resubmitPending)
            compare(Sync.state, Sync.Syncing)
            tryVerify(() => Sync.state !== Sync.Syncing, 30000)
            compare(Sync.state, Sync.Idle, Sync.errorString)
            tryCompare(file, "reviewState", "resubmitted")
            verify(!file.resubmitPending)
            verify(!button.visible)  // the returned card is gone
            verify(texts(page).indexOf("已重新提交,等待社区审核") >= 0, texts(page))

            const server = RoleData.serverReview(RoleData.returnedHousehold)
            compare(server.review.state, "resubmitted")
            const last = server.history[server.history.length - 1]
            compare(last.action, "resubmit")
            compare(last.by, "wang")
            compare(last.note, "门牌已核实")
        }
    }
}
