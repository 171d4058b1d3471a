import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// For supervisors on a household file: return it to the worker with comments per field, or approve it.
Rectangle {
    id: panel
    property string household
    visible: Session.role === "supervisor"
    implicitHeight: visible ? column.implicitHeight + 2 * Theme.gap : 0
    radius: Theme.radius
    color: Theme.card
    border.color: Theme.border

    ReviewController {
        id: review
        household: panel.household
        onFinished: (ok, message) => {
            result.text = message
            result.color = ok ? Theme.success : Theme.error
            if (ok) { comments.clear(); note.text = "" }
        }
    }
    ListModel { id: comments }

    function stateLabel(s) {
        return s === "returned" ? qsTr("已退回,等待网格员修改") : s === "resubmitted" ? qsTr("网格员已重新提交,待审核")
             : s === "approved" ? qsTr("已审核通过") : qsTr("尚未审核")
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.gap
        spacing: 6
        RowLayout {
            Label { text: qsTr("社区审核"); font.bold: true }
            Badge { objectName: "reviewState"; text: panel.stateLabel(review.state); tint: review.state === "approved" ? Theme.success : Theme.warning }
            Item { Layout.fillWidth: true }
            TouchButton {
                objectName: "approveButton"
                visible: review.state === "resubmitted"
                primary: true
                text: qsTr("审核通过")
                onClicked: review.approve(note.text)
            }
        }
        Repeater {
            model: review.history
            delegate: Label {
                required property var modelData
                text: qsTr("%1 %2 %3 %4").arg(modelData.at).arg(modelData.by).arg(modelData.action).arg(modelData.note)
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFont
            }
        }
        Repeater {
            model: comments
            delegate: Label {
                required property string label
                required property string comment
                text: qsTr("• 「%1」:%2").arg(label).arg(comment)
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
        RowLayout {
            visible: review.state !== "returned"
            Layout.fillWidth: true
            ComboBox {
                id: field
                objectName: "commentField"
                implicitHeight: Theme.touch
                Layout.preferredWidth: 200
                textRole: "label"
                valueRole: "key"
                model: review.fields()
            }
            TextField {
                id: comment
                objectName: "commentText"
                Layout.fillWidth: true
                implicitHeight: Theme.touch
                placeholderText: qsTr("修改意见,如 门牌号与实际不符")
            }
            TouchButton {
                text: qsTr("添加")
                enabled: comment.text.trim().length > 0
                onClicked: {
                    comments.append({ field: field.currentValue, label: field.currentText, comment: comment.text.trim() })
                    comment.text = ""
                }
            }
        }
        RowLayout {
            visible: review.state !== "returned"
            Layout.fillWidth: true
            TextField {
                id: note
                Layout.fillWidth: true
                implicitHeight: Theme.touch
                placeholderText: qsTr("说明(可选)")
            }
            TouchButton {
                objectName: "returnButton"
                text: qsTr("退回给网格员")
                enabled: comments.count > 0 && !review.busy
                onClicked: {
                    const list = []
                    for (let i = 0; i < comments.count; ++i)
                        list.push({ field: comments.get(i).field, comment: comments.get(i).comment })
                    review.returnToWorker(list, note.text)
                }
            }
        }
        Label { id: result; visible: text.length > 0; wrapMode: Text.WordWrap; Layout.fillWidth: true }
    }
}
