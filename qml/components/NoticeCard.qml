import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Ui

// What the server said about one change: a conflict for the supervisor, an edit outside the worker's
// grids passed to the community (forwarded), or a refusal to fix.
Rectangle {
    id: card
    required property int id
    required property var ids  // every notice this card shows (a record's edits passed on together)
    required property string kind
    required property string record
    required property string field
    required property string value
    required property bool sensitive
    required property string message
    signal dismissed(var ids)

    implicitHeight: column.implicitHeight + 2 * Theme.gap
    radius: Theme.radius
    // Conflicts and forwarded edits wait for the community (amber); only a refusal needs the worker (red).
    readonly property bool withCommunity: kind === "conflict" || kind === "forwarded"
    color: withCommunity ? Theme.warningLight : Theme.errorLight
    border.color: withCommunity ? Theme.warning : Theme.error

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.gap
        ColumnLayout {
            id: column
            Layout.fillWidth: true
            spacing: 4
            Label {
                text: card.kind === "conflict"
                      ? qsTr("冲突:%1的「%2」与其他人的修改不一致,已记录,由社区核实").arg(card.record).arg(card.field)
                      : card.kind === "forwarded"
                        ? qsTr("已转交社区:%1的「%2」").arg(card.record).arg(card.field)
                        : qsTr("被退回:%1的「%2」未被服务器接受").arg(card.record).arg(card.field)
                font.bold: true
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            RowLayout {
                visible: card.value.length > 0
                Layout.fillWidth: true
                Label { text: qsTr("您填写的值:"); Layout.alignment: Qt.AlignTop }
                // A record's several edits make a long line: it wraps beside the button.
                MaskedText {
                    value: card.value
                    masked: card.sensitive
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    Layout.preferredWidth: 0
                }
            }
            Label {
                visible: card.message.length > 0
                text: card.message
                color: Theme.secondaryText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
        TouchButton {
            text: qsTr("知道了")
            onClicked: card.dismissed(card.ids)
        }
    }
}
