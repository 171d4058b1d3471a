import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Ui

// One household in the list: head, address, members and what needs doing.
ItemDelegate {
    id: row
    required property string uuid
    required property string headName
    required property string address
    required property string grid
    required property string gridName
    required property string residence
    required property int memberCount
    required property string monitoring
    required property bool monitored
    required property string lastVisit
    required property bool dueRevisit
    required property int pendingChanges
    required property int notices
    required property bool returned
    required property bool movedAway
    property bool selected: false

    implicitHeight: Math.max(Theme.touch + 24, column.implicitHeight + 20)
    background: Rectangle {
        radius: Theme.radius
        color: row.selected ? Theme.primaryLight : row.down ? "#EEF2F6" : Theme.card
        border.color: row.selected ? Theme.primary : Theme.border
    }
    contentItem: ColumnLayout {
        id: column
        spacing: 4
        RowLayout {
            Layout.fillWidth: true
            Label {
                text: row.headName
                font.pixelSize: Theme.baseFont + 1
                font.bold: true
                color: Theme.text
            }
            Label {
                text: qsTr("%n 人", "", row.memberCount)
                color: Theme.secondaryText
            }
            Item { Layout.fillWidth: true }
            Label { text: row.gridName; color: Theme.secondaryText; font.pixelSize: Theme.smallFont }
        }
        Label {
            text: row.address
            color: Theme.secondaryText
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Flow {
            Layout.fillWidth: true
            spacing: 6
            Badge {
                objectName: "movedAwayBadge"
                visible: row.movedAway
                text: qsTr("网格 %1,已不由您负责").arg(row.gridName)
                tint: Theme.secondaryText
            }
            Badge { visible: row.monitored; text: row.monitoring; tint: Theme.warning }
            Badge { visible: row.dueRevisit; text: qsTr("本月待回访"); tint: Theme.primary }
            Badge { objectName: "returnedBadge"; visible: row.returned; text: qsTr("已退回,待修改"); tint: Theme.error }
            Badge { visible: row.notices > 0; text: qsTr("冲突/退回 %1").arg(row.notices); tint: Theme.error }
            Badge { visible: row.pendingChanges > 0; text: qsTr("%n 项未同步", "", row.pendingChanges); tint: Theme.secondaryText }
            Badge { visible: row.lastVisit.length === 0; text: qsTr("尚未走访"); tint: Theme.secondaryText }
            Badge {
                visible: !row.dueRevisit && row.lastVisit.length > 0
                text: qsTr("走访 %1").arg(row.lastVisit)
                tint: Theme.success
            }
        }
    }
}
