import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// The supervisor's dashboard against a real server (qml_role_tests, signed in as sun). The community
// holds 3 households in G01 (王五 visited today, 周八 monitored and never visited, 李四) with 2 people
// and 2 open conflicts.
Item {
    id: root
    width: 1280
    height: 1000

    TestCase {
        name: "Dashboard"
        when: windowShown

        Component { id: pageComponent; DashboardPage { width: 1280; height: 1000 } }

        function init() {
            // qml_tests scans tests/qml too; this file needs qml_role_tests' server and supervisor.
            if (typeof RoleData === "undefined") skip("runs in qml_role_tests")
        }

        function tile(page, name) { return findChild(findChild(page, name), "value") }

        function openLoaded() {
            const page = createTemporaryObject(pageComponent, root)
            waitForRendering(page)
            tryCompare(tile(page, "tileHouseholds"), "text", "3", 10000)
            return page
        }

        function test_figuresAndChart() {
            const page = openLoaded()
            compare(tile(page, "tilePeople").text, "2")
            compare(tile(page, "tileVisited").text, "1")
            compare(tile(page, "tileOverdue").text, "1")
            compare(tile(page, "tileConflicts").text, "2")

            const chart = findChild(page, "dashboardChart")
            compare(chart.count, 1)
            const series = chart.series(0)
            compare(chart.axisX(series).categories, ["G01"])
            compare(series.count, 2)
            compare(series.at(0).values.length, 1)
            fuzzyCompare(series.at(0).values[0], 33.3, 0.01)  // 1 of 3 households visited this month
        }

        function test_exportCsvIntoTheDocumentsFolder() {
            const page = openLoaded()
            const message = findChild(page, "exportMessage")
            compare(message.text, "")
            mouseClick(findChild(page, "exportCsv"))
            tryVerify(() => message.text.length > 0, 10000)
            const prefix = "已导出到 "
            verify(message.text.indexOf(prefix) === 0, message.text)
            const path = message.text.substring(prefix.length)
            verify(path.indexOf(RoleData.documentsDir + "/") === 0, path)  // never the real home
            verify(path.endsWith(".csv"), path)

            const file = RoleData.readFile(path)
            verify(file.exists, path)
            verify(file.bom)
            const lines = file.text.split(/\r?\n/).filter(l => l.length > 0)
            compare(lines.length, 3, file.text)  // header, G01, total
            verify(lines[0].indexOf("网格 grid,网格名称 grid_name,户数 households,人数 people,") === 0, lines[0])
            verify(lines[1].indexOf("G01,玉泉家园一区1号楼网格,3,2,1,33.3,1,1,") === 0, lines[1])
            verify(lines[1].endsWith(",2"), lines[1])
            verify(lines[2].indexOf("合计 total,合计,3,2,") === 0, lines[2])
        }
    }
}
