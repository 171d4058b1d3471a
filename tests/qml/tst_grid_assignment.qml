import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// The supervisor's grid assignment against a real server (qml_role_tests, signed in as sun, supervisor
// of G01): wang and li work in G01, zhao in G02 (not sun's community, so not listed).
Item {
    id: root
    width: 1280
    height: 900

    TestCase {
        name: "GridAssignment"
        when: windowShown

        Component { id: pageComponent; GridAssignmentPage { width: 1280; height: 900 } }

        function init() {
            // qml_tests scans tests/qml too; this file needs qml_role_tests' server and supervisor.
            if (typeof RoleData === "undefined") skip("runs in qml_role_tests")
        }

        function openLoaded() {
            const page = createTemporaryObject(pageComponent, root)
            const list = findChild(page, "workerList")
            tryVerify(() => list.count >= 2, 10000)
            waitForRendering(page)
            return page
        }

        function gridsLabel(page, worker) {
            const list = findChild(page, "workerList")
            for (let i = 0; i < list.count; ++i) {
                list.positionViewAtIndex(i, ListView.Contain)
                const label = findChild(list, "grids_" + worker)
                if (label) return label
            }
            return null
        }

        function test_listsTheCommunitysWorkersWithGridNames() {
            const page = openLoaded()
            const model = findChild(page, "gridAssignments")
            const names = []
            for (let i = 0; i < model.workers.count; ++i)
                names.push(findChild(page, "workerList").itemAtIndex(i).name)
            verify(names.indexOf("wang") >= 0, names)
            verify(names.indexOf("li") >= 0, names)
            verify(names.indexOf("zhao") < 0, names)  // another community's worker
            compare(gridsLabel(page, "wang").text, "负责网格:玉泉家园一区1号楼网格(G01)")
        }

        function test_takeAGridAwayAndGiveItBack() {
            const page = openLoaded()
            mouseClick(findChild(page, "edit_li"))
            waitForRendering(page)
            const box = findChild(page, "grid_G01")
            verify(box !== null, "a check box for G01")
            verify(box.checked, "G01 ticked: " + page.chosen)
            mouseClick(box)
            verify(!box.checked)
            mouseClick(findChild(page, "saveGrids"))
            const message = findChild(page, "assignMessage")
            tryCompare(message, "text", "li 的网格已改为:无。下次同步时生效。", 10000)
            // The list is read again from the server.
            tryVerify(() => gridsLabel(page, "li") && gridsLabel(page, "li").text === "负责网格:无", 10000)

            waitForRendering(page)
            mouseClick(findChild(page, "edit_li"))
            waitForRendering(page)
            const again = findChild(page, "grid_G01")
            verify(!again.checked)
            mouseClick(again)
            mouseClick(findChild(page, "saveGrids"))
            tryCompare(message, "text", "li 的网格已改为:玉泉家园一区1号楼网格(G01)。下次同步时生效。", 10000)
            tryVerify(() => gridsLabel(page, "li").text === "负责网格:玉泉家园一区1号楼网格(G01)", 10000)
        }
    }
}
