import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// The supervisor assigns the community's grids to grid workers: a worker per row with the grids they
// hold here; choosing one opens the grids as check boxes. The server checks every rule again.
Item {
    id: page
    objectName: "gridAssignmentPage"
    property string editing: ""       // the worker whose grids are being chosen
    property var chosen: []           // the codes ticked for them

    GridAssignmentModel {
        id: assignments
        objectName: "gridAssignments"
        Component.onCompleted: reload()
        onAssigned: (ok, message) => {
            outcome.text = message
            outcome.color = ok ? Theme.success : Theme.error
            if (ok) page.editing = ""
        }
    }

    function edit(name, grids) {
        editing = name
        chosen = grids.slice()
        outcome.text = ""
    }
    function toggle(code, on) {
        const next = chosen.filter(c => c !== code)
        if (on) next.push(code)
        chosen = next
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.gap
        spacing: Theme.gap

        Label {
            text: qsTr("网格分配:为本社区的网格员分配负责的网格。调整后,网格员的平板在下次同步时按新的网格收发数据。")
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
            color: Theme.secondaryText
            font.pixelSize: Theme.baseFont
        }
        Label {
            objectName: "assignMessage"
            id: outcome
            visible: text.length > 0
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
            font.bold: true
            font.pixelSize: Theme.baseFont
        }
        Label {
            visible: assignments.busy || assignments.errorString.length > 0
            text: assignments.busy ? qsTr("正在读取…") : assignments.errorString
            color: assignments.errorString.length > 0 ? Theme.error : Theme.secondaryText
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Label {
            visible: !assignments.busy && assignments.errorString.length === 0 && assignments.workers.count === 0
            text: qsTr("本社区还没有网格员账号。请管理员先创建账号。")
            color: Theme.secondaryText
        }

        ListView {
            id: list
            objectName: "workerList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.gap / 2
            model: assignments.workers
            delegate: Card {
                id: row
                required property string name
                required property var grids
                required property string gridsText
                required property int otherGrids
                readonly property bool open: page.editing === name
                width: list.width
                implicitHeight: column.implicitHeight + 2 * Theme.gap

                ColumnLayout {
                    id: column
                    anchors.fill: parent
                    anchors.margins: Theme.gap
                    spacing: Theme.gap / 2
                    RowLayout {
                        Layout.fillWidth: true
                        ColumnLayout {
                            Layout.fillWidth: true
                            spacing: 2
                            Label { text: row.name; font.bold: true; font.pixelSize: Theme.titleFont }
                            Label {
                                objectName: "grids_" + row.name
                                text: qsTr("负责网格:%1").arg(row.gridsText)
                                font.pixelSize: Theme.baseFont
                                wrapMode: Text.WordWrap
                                Layout.fillWidth: true
                            }
                            Label {
                                visible: row.otherGrids > 0
                                text: qsTr("另有 %1 个其他社区的网格(不在此调整)").arg(row.otherGrids)
                                color: Theme.secondaryText
                                font.pixelSize: Theme.smallFont
                            }
                        }
                        TouchButton {
                            objectName: "edit_" + row.name
                            visible: !row.open
                            text: qsTr("调整网格")
                            onClicked: page.edit(row.name, row.grids)
                        }
                    }
                    Flow {
                        visible: row.open
                        Layout.fillWidth: true
                        spacing: Theme.gap
                        Repeater {
                            model: row.open ? assignments.grids : []
                            delegate: CheckBox {
                                required property var modelData
                                objectName: "grid_" + modelData.code
                                text: modelData.name === modelData.code ? modelData.code
                                      : qsTr("%1(%2)").arg(modelData.name).arg(modelData.code)
                                font.pixelSize: Theme.baseFont
                                implicitHeight: Theme.touch
                                checked: page.chosen.indexOf(modelData.code) >= 0
                                onToggled: page.toggle(modelData.code, checked)
                            }
                        }
                    }
                    RowLayout {
                        visible: row.open
                        spacing: Theme.gap
                        TouchButton {
                            objectName: "saveGrids"
                            primary: true
                            enabled: !assignments.busy
                            text: qsTr("保存")
                            onClicked: assignments.assign(row.name, page.chosen)
                        }
                        TouchButton {
                            text: qsTr("取消")
                            onClicked: page.editing = ""
                        }
                    }
                }
            }
        }
    }
}
