import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui
import AnjuTest

// The worker's side of "return to worker": the returned household is flagged in the list, its file
// shows the supervisor's comments, and resubmitting marks it for the next sync.
Item {
    id: root
    width: 1000
    height: 900

    TestCase {
        name: "ReturnFlow"
        when: windowShown

        Component { id: paneComponent; HouseholdListPane { width: 460; height: 900 } }
        Component { id: pageComponent; HouseholdPage { width: 1000; height: 900 } }
        Component { id: spyComponent; SignalSpy {} }

        function test_returnedHouseholdIsFlaggedInTheList() {
            const pane = createTemporaryObject(paneComponent, root)
            waitForRendering(pane)
            mouseClick(findChild(pane, "filterAttention"))
            tryCompare(findChild(pane, "householdListView"), "count", 1)
            compare(pane.model.data(pane.model.index(0, 0), 257), TestData.returnedHousehold)  // UuidRole
            verify(pane.model.data(pane.model.index(0, 0), 270))                            // ReturnedRole
        }

        function test_pageGoesBackWhenItsHouseholdLeavesTheTablet() {
            const household = TestData.addHousehold("吴九")
            const page = createTemporaryObject(pageComponent, root, { householdUuid: household })
            const back = createTemporaryObject(spyComponent, root, { target: page, signalName: "back" })
            waitForRendering(page)
            compare(findChild(page, "householdTitle").text, "吴九户")
            compare(back.count, 0)
            TestData.removeHousehold(household)
            tryCompare(back, "count", 1)
        }

        function test_commentsShownAndResubmit() {
            const page = createTemporaryObject(pageComponent, root, { householdUuid: TestData.returnedHousehold })
            waitForRendering(page)
            const comment = findChild(page, "reviewComment")
            verify(comment !== null)
            compare(comment.text, "• 本户「住址」:门牌号与实际不符")
            const button = findChild(page, "resubmitButton")
            verify(button.visible)
            compare(button.text, "已修改,重新提交")
            const note = findChild(page, "resubmitNote")
            note.text = "门牌已核实改正"
            mouseClick(button)
            tryCompare(button, "text", "已标记,下次同步提交")
            verify(!button.enabled)
        }
    }
}
