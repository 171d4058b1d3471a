import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// The supervisor's conflict inbox against a real server (qml_role_tests, signed in as sun): the open
// address conflict with base and both sides, a refused decision without a reason, a decision that the
// server records, the status filter, and merging the duplicate person. The steps run in name order.
Item {
    id: root
    width: 1280
    height: 900

    TestCase {
        name: "ConflictInbox"
        when: windowShown

        Component { id: pageComponent; ConflictInboxPage { width: 1280; height: 900 } }

        function init() {
            // qml_tests scans tests/qml too; this file needs qml_role_tests' server and supervisor.
            if (typeof RoleData === "undefined") skip("runs in qml_role_tests")
        }

        function openPage() {
            const page = createTemporaryObject(pageComponent, root)
            waitForRendering(page)
            return page
        }

        // The visible texts under an item, in tree order.
        function texts(item, out) {
            out = out || []
            if (!item || !item.visible) return out
            if (typeof item.text === "string" && item.text.length > 0) out.push(item.text)
            for (let i = 0; i < item.children.length; ++i) texts(item.children[i], out)
            return out
        }

        function chooseKind(page, index) {
            const combo = findChild(page, "kindFilter")
            combo.currentIndex = index  // 1 concurrent_edit, 4 duplicate_person
            combo.activated(index)
        }

        function select(list, index) {
            const item = list.itemAtIndex(index)
            verify(item !== null)
            mouseClick(item)
            return item.conflict
        }

        function test_a_listsTheOpenConflictsWithBothSides() {
            const page = openPage()
            const list = findChild(page, "conflictList")
            tryCompare(list, "count", 2, 10000)  // the address and the duplicate person
            verify(texts(page).indexOf("共 2 条") >= 0)
            chooseKind(page, 1)
            tryCompare(list, "count", 1, 10000)
            const conflict = list.itemAtIndex(0).conflict
            compare(conflict.kind, "concurrent_edit")
            compare(conflict.kindLabel, "同一项被两人修改")
            compare(conflict.field, "住址")
            compare(conflict.status, "open")
            compare(conflict.policy, "review")
            compare(conflict.grid, "G01")
            compare(conflict.gridName, "玉泉家园一区1号楼网格")  // named on the server (qml_role_main.cpp)
            // The grid filter lists names and asks the server by code: the G01 conflict stays listed.
            const gridFilter = findChild(page, "gridFilter")
            compare(gridFilter.model[1], "玉泉家园一区1号楼网格")
            gridFilter.currentIndex = 1
            gridFilter.activated(1)
            const inbox = findChild(page, "conflictInbox")
            compare(inbox.grid, "G01")
            tryCompare(inbox, "busy", false, 10000)
            compare(inbox.errorString, "")
            compare(list.count, 1)
            compare(list.itemAtIndex(0).conflict.grid, "G01")
            verify(conflict.household.indexOf("甲地址") >= 0, conflict.household)  // the provisional value stands
            const row = texts(list.itemAtIndex(0))
            verify(row.indexOf("住址") >= 0, row)
            verify(row.indexOf("同一项被两人修改") >= 0, row)
            verify(row.indexOf("wang 与 li · 0 天前") >= 0, row)

            verify(!findChild(page, "conflictDetail").visible)
            select(list, 0)
            const detail = findChild(page, "conflictDetail")
            verify(detail.visible)
            const shown = texts(detail)
            // Each side's card: title, value, who.
            const base = shown.indexOf("修改前")
            verify(base >= 0, shown)
            compare(shown[base + 1], "玉泉家园王五号")
            const server = shown.indexOf("服务器上(先到)")
            verify(server >= 0, shown)
            compare(shown.slice(server + 1, server + 3), ["甲地址", "网格员 wang"])
            const incoming = shown.indexOf("本次上报(后到)")
            verify(incoming >= 0, shown)
            compare(shown.slice(incoming + 1, incoming + 3), ["乙地址", "网格员 li"])
            verify(findChild(page, "takeIncoming").visible)
            compare(findChild(page, "takeIncoming").text, "采用本次上报的值")
        }

        function test_b_decisionNeedsAReasonThenReachesTheServer() {
            const page = openPage()
            const list = findChild(page, "conflictList")
            tryCompare(list, "count", 2, 10000)
            chooseKind(page, 1)
            tryCompare(list, "count", 1, 10000)
            const id = select(list, 0).id
            const message = findChild(page, "decisionMessage")
            compare(findChild(page, "reasonField").text, "")

            // Without a reason: an error, the conflict stays selected and open, on the server too.
            mouseClick(findChild(page, "takeIncoming"))
            tryCompare(message, "text", "请填写处理理由")
            verify(message.visible)
            verify(Qt.colorEqual(message.color, Theme.error))
            verify(findChild(page, "conflictDetail").visible)
            compare(list.count, 1)
            const stillOpen = RoleData.serverConflicts("open")
            compare(stillOpen.length, 2)
            compare(RoleData.serverConflicts("resolved").length, 0)

            findChild(page, "reasonField").text = "电话核实为乙地址"
            mouseClick(findChild(page, "takeIncoming"))
            tryCompare(message, "text", "已处理,决定会同步到相关平板", 10000)
            verify(Qt.colorEqual(message.color, Theme.success))
            verify(!findChild(page, "conflictDetail").visible)
            tryCompare(list, "count", 0, 10000)  // the inbox reloads: nothing open of this kind

            const resolved = RoleData.serverConflicts("resolved")
            compare(resolved.length, 1)
            compare(resolved[0].id, id)
            compare(resolved[0].decision.take, "incoming")
            compare(resolved[0].decision.final_value, "乙地址")
            compare(resolved[0].decision.reason, "电话核实为乙地址")
            compare(resolved[0].decision.by, "sun")
            compare(RoleData.serverConflicts("open").length, 1)

            // The status filter shows it among the decided ones.
            mouseClick(findChild(page, "status_resolved"))
            verify(findChild(page, "status_resolved").checked)
            tryCompare(list, "count", 1, 10000)
            const decided = list.itemAtIndex(0).conflict
            compare(decided.id, id)
            compare(decided.status, "resolved")
            compare(decided.statusLabel, "已裁决")
            compare(decided.field, "住址")
            mouseClick(findChild(page, "status_open"))
            tryCompare(list, "count", 0, 10000)
        }

        function test_c_mergesTheDuplicatePerson() {
            const page = openPage()
            const list = findChild(page, "conflictList")
            tryCompare(list, "count", 1, 10000)  // only the duplicate is left open
            chooseKind(page, 4)
            tryCompare(list, "count", 1, 10000)
            const conflict = select(list, 0)
            compare(conflict.kind, "duplicate_person")
            compare(conflict.kindLabel, "重复人员(身份证号相同)")
            const mergeButton = findChild(page, "mergeKeepLocal")
            verify(mergeButton.visible)
            verify(!findChild(page, "takeIncoming").visible)

            findChild(page, "reasonField").text = "同一人重复登记"
            mouseClick(mergeButton)
            tryCompare(findChild(page, "decisionMessage"), "text", "已处理,决定会同步到相关平板", 10000)
            tryCompare(list, "count", 0, 10000)
            compare(RoleData.serverConflicts("open").length, 0)
            const resolved = RoleData.serverConflicts("resolved")
            compare(resolved.length, 2)
            const merged = resolved.filter(c => c.kind === "duplicate_person")
            compare(merged.length, 1)
            compare(merged[0].decision.take, "merge")
            compare(merged[0].decision.reason, "同一人重复登记")
        }
    }
}
