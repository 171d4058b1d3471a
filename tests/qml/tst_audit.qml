import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// The auditor's log against a real server (qml_role_tests, signed in as qian): administrators' changes
// (the community's accounts, added with `syncserver user add`, and the name given to G01) are listed
// with who made them and a line saying what changed; the kind filter offers them.
Item {
    id: root
    width: 1280
    height: 900

    TestCase {
        name: "AuditLog"
        when: windowShown

        Component { id: pageComponent; AuditPage { width: 1280; height: 900 } }

        function init() {
            // qml_tests scans tests/qml too; this file needs qml_role_tests' server and auditor.
            if (typeof RoleData === "undefined") skip("runs in qml_role_tests")
        }

        // The visible texts under an item, in tree order.
        function texts(item, out) {
            out = out || []
            if (!item || !item.visible) return out
            if (typeof item.text === "string" && item.text.length > 0) out.push(item.text)
            for (let i = 0; i < item.children.length; ++i) texts(item.children[i], out)
            return out
        }

        function openWithKind(kind) {
            const page = createTemporaryObject(pageComponent, root)
            const log = findChild(page, "auditLog")
            tryCompare(log, "busy", false, 10000)
            log.kind = kind
            tryCompare(log, "busy", false, 10000)
            compare(log.errorString, "")
            return page
        }

        function test_accountChangesSayWhoGotWhichGrids() {
            const page = openWithKind("user")
            const list = findChild(page, "auditList")
            tryCompare(list, "count", 5, 10000)  // newest first: qian, sun, zhao, li, wang
            const newest = list.itemAtIndex(0).entry
            compare(newest.kind, "user")
            compare(newest.kindLabel, "账号变更")
            verify(newest.actor.indexOf("admin-cli:") === 0, newest.actor)
            compare(newest.detail, "新增账号 qian(审计员)· 网格:全部")
            compare(list.itemAtIndex(4).entry.detail, "新增账号 wang(网格员)· 网格:G01")
            verify(texts(page).indexOf("新增账号 zhao(网格员)· 网格:G02") >= 0)
        }

        function test_gridNamingIsListedWithTheName() {
            const page = openWithKind("grid")
            const list = findChild(page, "auditList")
            tryCompare(list, "count", 1, 10000)
            const entry = list.itemAtIndex(0).entry
            compare(entry.kindLabel, "网格命名")
            compare(entry.detail, "网格 G01 命名为「" + RoleData.gridName + "」")
            verify(texts(page).indexOf(entry.detail) >= 0)
        }

        function test_theKindFilterOffersAdministratorsChanges() {
            const page = openWithKind("")
            const labels = []
            const combo = findChild(page, "kindFilter")
            for (let i = 0; i < combo.model.length; ++i) labels.push(combo.model[i].label)
            verify(labels.indexOf("账号变更") >= 0, labels)
            verify(labels.indexOf("网格命名") >= 0, labels)
        }
    }
}
