import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// Always-visible sync status: online or not, pending changes, last sync, progress, and what to do on failure.
ToolBar {
    id: bar
    signal settingsRequested()
    height: Theme.touch + 8
    background: Rectangle { color: Sync.state === Sync.Failed ? Theme.warningLight : Theme.primaryDark }

    readonly property color ink: Sync.state === Sync.Failed ? Theme.text : "white"
    // Auditors and administrators keep no household files on the tablet: nothing to sync.
    readonly property bool holdsFiles: Session.role !== "auditor" && Session.role !== "admin"

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.gap
        anchors.rightMargin: Theme.gap / 2
        spacing: Theme.gap

        Label {
            text: qsTr("安居")
            font.pixelSize: Theme.titleFont
            font.bold: true
            color: bar.ink
        }
        Rectangle {
            Layout.preferredWidth: 10
            Layout.preferredHeight: 10
            radius: 5
            color: Sync.online ? "#66BB6A" : "#BDBDBD"
        }
        Label {
            objectName: "networkLabel"
            text: Sync.online ? qsTr("在线") : qsTr("离线")
            color: bar.ink
        }
        Label {
            objectName: "pendingLabel"
            visible: bar.holdsFiles
            text: Sync.pendingChanges > 0 ? qsTr("%n 条修改待同步", "", Sync.pendingChanges) : qsTr("全部已同步")
            color: bar.ink
        }
        Label {
            text: Sync.lastSyncAt.getTime() > 0
                  ? qsTr("上次同步 %1").arg(Qt.formatDateTime(Sync.lastSyncAt, "MM-dd hh:mm"))
                  : qsTr("尚未同步")
            color: bar.ink
            opacity: 0.85
            visible: bar.width > 700
        }
        Item { Layout.fillWidth: true }

        ColumnLayout {
            visible: Sync.state === Sync.Syncing
            spacing: 2
            Label { objectName: "phaseLabel"; text: Sync.phase; color: bar.ink; font.pixelSize: Theme.smallFont }
            ProgressBar {
                objectName: "syncProgress"
                Layout.preferredWidth: 180
                value: Sync.progress
                indeterminate: Sync.progress <= 0
            }
        }
        Label {
            // A clock found more than 5 minutes off the server's: stays until a sync finds it right.
            objectName: "clockWarning"
            visible: Sync.clockWarning !== "" && Sync.state !== Sync.Failed
            text: "⚠ " + Sync.clockWarning
            color: "#FFD54F"
            elide: Text.ElideRight
            Layout.maximumWidth: bar.width * 0.4
        }
        Label {
            objectName: "syncError"
            visible: Sync.state === Sync.Failed
            text: Sync.errorString
            color: Theme.error
            elide: Text.ElideRight
            Layout.maximumWidth: bar.width * 0.45
        }
        Button {
            objectName: "syncButton"
            visible: bar.holdsFiles
            text: Sync.state === Sync.Syncing ? qsTr("同步中…") : qsTr("立即同步")
            enabled: Sync.state !== Sync.Syncing && Session.state === Session.Unlocked
            implicitHeight: Theme.touch
            onClicked: Sync.syncNow()
        }
        ToolButton {
            text: "⚙"
            font.pixelSize: Theme.titleFont
            implicitWidth: Theme.touch
            implicitHeight: Theme.touch
            Accessible.name: qsTr("设置")
            onClicked: bar.settingsRequested()
            palette.buttonText: bar.ink
        }
    }
}
