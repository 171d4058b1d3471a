import QtQuick
import QtTest
import Anju.Ui

// Toast: a message over the lower part of the window that leaves the bottom action button visible
// (the sync result used to cover "+ 新增住户"), wraps on a narrow tablet and goes after five seconds.
Item {
    id: root
    width: 800
    height: 1280

    TouchButton {
        id: bottomButton
        text: "+ 新增住户"
        primary: true
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: Theme.gap }
    }

    TestCase {
        name: "Toast"
        when: windowShown

        Component { id: toastComponent; Toast {} }

        function boxOf(item) {
            const p = item.mapToItem(root, 0, 0)
            return { top: p.y, bottom: p.y + item.height, left: p.x, right: p.x + item.width }
        }

        function test_clearOfTheBottomButtonAndWithinTheWindow() {
            const toast = createTemporaryObject(toastComponent, root)
            toast.show("已上传 6 条,下载 2 条;1 条冲突、1 条被退回,请查看标记的住户。" +
                       "Uploaded 6, downloaded 2; 1 conflict and 1 refused: see the marked households.")
            tryCompare(toast, "opened", true)
            const box = boxOf(toast.contentItem.parent)
            const button = boxOf(bottomButton)
            verify(box.bottom <= button.top, "toast bottom " + box.bottom + " over the button's top " + button.top)
            verify(box.left >= 0 && box.right <= root.width, "toast " + box.left + ".." + box.right)
            // Too long for one line on a portrait tablet: it wraps instead of running off the window.
            verify(toast.contentItem.lineCount > 1)
        }

        function test_aNewMessageReplacesTheShownOneAndItGoesAfterFiveSeconds() {
            const toast = createTemporaryObject(toastComponent, root)
            toast.show("第一条")
            tryCompare(toast, "opened", true)
            toast.show("第二条")
            tryCompare(toast, "opened", true)
            compare(toast.text, "第二条")
            tryCompare(toast, "opened", false, 8000)
        }
    }
}
