import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// A household the supervisor returned: their comments per field, and sending it back once fixed.
Rectangle {
    id: card
    property HouseholdFile file
    visible: file && file.reviewState === "returned"
    implicitHeight: visible ? column.implicitHeight + 2 * Theme.gap : 0
    radius: Theme.radius
    color: Theme.errorLight
    border.color: Theme.error

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.gap
        spacing: 6
        Label {
            text: qsTr("社区退回:请按意见修改后重新提交")
            font.bold: true
            color: Theme.error
        }
        Label {
            visible: card.file && card.file.reviewNote.length > 0
            text: card.file ? card.file.reviewNote : ""
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Repeater {
            model: card.file ? card.file.reviewComments : null
            delegate: Label {
                objectName: "reviewComment"
                required property string record
                required property string field
                required property string comment
                text: qsTr("• %1「%2」:%3").arg(record).arg(field).arg(comment)
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: note
                objectName: "resubmitNote"
                Layout.fillWidth: true
                implicitHeight: Theme.touch
                placeholderText: qsTr("说明改了什么(可选)")
                enabled: card.file && !card.file.resubmitPending
            }
            TouchButton {
                objectName: "resubmitButton"
                primary: true
                text: card.file && card.file.resubmitPending ? qsTr("已标记,下次同步提交") : qsTr("已修改,重新提交")
                enabled: card.file && !card.file.resubmitPending
                onClicked: if (card.file.resubmit(note.text)) Sync.syncNow()
            }
        }
    }
}
