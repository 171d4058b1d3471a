import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// HouseholdListPane: the counts, search by name / ID number / address, and the filter chips.
Item {
    id: root
    width: 460
    height: 900

    TestCase {
        id: testCase
        name: "HouseholdListPane"
        when: windowShown

        Component {
            id: paneComponent
            HouseholdListPane { width: 460; height: 900 }
        }

        function openPane() {
            const pane = createTemporaryObject(paneComponent, root)
            waitForRendering(pane)
            return pane
        }

        function shown(pane) { return findChild(pane, "householdListView").count }

        function search(pane, text) {
            findChild(pane, "searchField").text = text
            tryCompare(pane.model, "search", text)  // after the typing pause
        }

        function test_countsAndTheWholeList() {
            const pane = openPane()
            compare(shown(pane), 5)
            compare(findChild(pane, "resultCount").text, "共 5 户")
            compare(findChild(findChild(pane, "householdCount"), "value").text, "5")
            compare(findChild(findChild(pane, "peopleCount"), "value").text, "2")
            compare(findChild(findChild(pane, "visitedCount"), "value").text, "2")
            compare(findChild(pane, "filterDue").text, "本月待回访 2")
            compare(findChild(pane, "filterAttention").text, "冲突或退回 1")
        }

        function test_searchByNameIdNumberAndAddress() {
            const pane = openPane()
            search(pane, "李四")
            compare(shown(pane), 1)
            compare(findChild(pane, "resultCount").text, "共 1 户")
            search(pane, "金凤小区")
            compare(shown(pane), 3)
            search(pane, "")
            compare(shown(pane), 5)

            // An ID number typed on the keyboard.
            const field = findChild(pane, "searchField")
            mouseClick(field)
            for (let i = 0; i < TestData.liIdNumber.length; ++i) keyClick(TestData.liIdNumber[i])
            tryCompare(pane.model, "search", TestData.liIdNumber)
            compare(shown(pane), 1)
            search(pane, "没有这个人")
            compare(shown(pane), 0)
        }

        function test_filterChipsChangeTheList() {
            const pane = openPane()
            mouseClick(findChild(pane, "filterDue"))
            compare(pane.model.filter, HouseholdListModel.DueRevisit)
            verify(findChild(pane, "filterDue").checked)
            verify(!findChild(pane, "filterAll").checked)
            compare(shown(pane), 2)
            mouseClick(findChild(pane, "filterMonitored"))
            compare(shown(pane), 2)
            mouseClick(findChild(pane, "filterAttention"))
            compare(shown(pane), 1)
            mouseClick(findChild(pane, "filterAll"))
            compare(shown(pane), 5)
            compare(findChild(pane, "resultCount").text, "共 5 户")
        }

        function test_monitoringCategoryChips() {
            const pane = openPane()
            mouseClick(findChild(pane, "filterMonitored"))
            waitForRendering(pane)
            const marginal = findChild(pane, "category_marginal")
            verify(marginal !== null)
            verify(marginal.visible)
            mouseClick(marginal)
            compare(pane.model.monitoringCategory, "marginal")
            compare(shown(pane), 1)
            mouseClick(findChild(pane, "category_sudden_hardship"))
            compare(shown(pane), 0)
            mouseClick(findChild(pane, "category_"))
            compare(shown(pane), 2)
            // Search and filter together.
            search(pane, "金凤")
            compare(shown(pane), 1)
        }
    }
}
