import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// After sign-in: the sections this role may use (the server enforces the same rules).
Item {
    id: home
    readonly property bool isWorker: Session.role === "worker" || Session.role === ""
    readonly property bool isSupervisor: Session.role === "supervisor"
    readonly property bool isAuditor: Session.role === "auditor" || Session.role === "admin"

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        TabBar {
            id: sections
            objectName: "roleTabs"
            visible: !home.isWorker
            Layout.fillWidth: true
            palette.window: Theme.card
            palette.dark: Theme.primaryLight
            palette.windowText: Theme.primaryDark
            palette.brightText: Theme.secondaryText
            Repeater {
                model: home.isSupervisor ? [qsTr("住户"), qsTr("冲突审核"), qsTr("统计"), qsTr("网格分配")]
                     : home.isAuditor ? [qsTr("审计日志")] : []
                delegate: TabButton {
                    required property string modelData
                    text: modelData
                    implicitHeight: Theme.touch
                }
            }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            // Pages by index: 0 households, 1 conflicts, 2 dashboard, 3 audit log, 4 grid assignment.
            currentIndex: home.isAuditor ? 3 : home.isWorker ? 0
                        : sections.currentIndex === 3 ? 4 : Math.max(0, sections.currentIndex)
            WorkspacePage { objectName: "workspace" }
            Loader { active: home.isSupervisor; sourceComponent: ConflictInboxPage {} }
            Loader { active: home.isSupervisor && sections.currentIndex === 2; sourceComponent: DashboardPage {} }
            Loader { active: home.isAuditor; sourceComponent: AuditPage {} }
            Loader { active: home.isSupervisor && sections.currentIndex === 3; sourceComponent: GridAssignmentPage {} }
        }
    }
}
