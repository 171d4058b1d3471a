import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// The supervisor's inbox with a worker's edits passed to the community (qml_role_tests, signed in as sun,
// scenario "forwarded": wang's visit and phone correction of a household whose grid was taken from him meanwhile): the
// kind's labels, one side only for a record the server never held, and the visit taken whole with one
// decision while the phone correction stays open.
Item {
    id: root
    width: 1280
    height: 900

    TestCase {
        name: "ForwardedInbox"
        when: windowShown

        Component { id: pageComponent; ConflictInboxPage { width: 1280; height: 900 } }

        function init() {
            if (typeof RoleData === "undefined") skip("runs in qml_role_tests")
        }

        function texts(item, out) {
            out = out || []
            if (!item || !item.visible) return out
            if (typeof item.text === "string" && item.text.length > 0) out.push(item.text)
            for (let i = 0; i < item.children.length; ++i) texts(item.children[i], out)
            return out
        }

        function test_takesTheVisitWholeAndLeavesThePhoneOpen() {
            const page = createTemporaryObject(pageComponent, root)
            waitForRendering(page)
            const list = findChild(page, "conflictList")
            tryCompare(list, "count", 7, 10000)  // the two of the community, the five passed on
            const combo = findChild(page, "kindFilter")
            combo.currentIndex = 5
            combo.activated(5)
            tryCompare(list, "count", 5, 10000)

            let visitRow = -1
            for (let i = 0; i < list.count; ++i)
                if (list.itemAtIndex(i).conflict.recordType === "visit" && visitRow < 0) visitRow = i
            verify(visitRow >= 0)
            mouseClick(list.itemAtIndex(visitRow))
            const conflict = page.current
            compare(conflict.kind, "out_of_scope")
            compare(conflict.kindLabel, "网格外的修改(上报人已不负责该网格)")
            compare(conflict.provisional, "(空)")
            const row = texts(list.itemAtIndex(visitRow))
            verify(row.indexOf("wang 上报 · 0 天前") >= 0, row)
            const shown = texts(findChild(page, "conflictDetail"))
            verify(shown.indexOf("服务器上") >= 0, shown)
            verify(shown.indexOf("网格外上报") >= 0, shown)
            compare(findChild(page, "takeServer").text, "不采用")
            compare(findChild(page, "takeIncoming").text, "采用网格外上报的修改")
            const whole = findChild(page, "wholeRecord")
            verify(whole.visible)
            verify(whole.checked)
            compare(whole.text, "同时处理这条记录的其余 3 项网格外修改")

            findChild(page, "reasonField").text = "已与新网格员核实,走访属实"
            mouseClick(findChild(page, "takeIncoming"))
            tryCompare(findChild(page, "decisionMessage"), "text", "已处理,决定会同步到相关平板", 10000)
            tryCompare(list, "count", 1, 10000)  // the phone correction is another record's: still open
            compare(list.itemAtIndex(0).conflict.recordType, "household")
            verify(!findChild(page, "wholeRecord").visible)
            const resolved = RoleData.serverConflicts("resolved").filter(c => c.kind === "out_of_scope")
            compare(resolved.length, 4)
            for (const c of resolved) {
                compare(c.decision.take, "incoming")
                compare(c.decision.by, "sun")
            }
        }
    }
}
