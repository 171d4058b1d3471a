import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// The supervisor's conflict inbox: filters, the list, and one conflict side by side with its decision.
Item {
    id: page
    objectName: "conflictInbox"
    property var current: null
    // An edit from a worker whose grids no longer hold the record: taken or left, nothing merged.
    readonly property bool forwarded: current !== null && current.kind === "out_of_scope"

    ConflictInboxModel {
        id: inbox
        objectName: "conflictInbox"
        Component.onCompleted: reload()
        onResolved: (ok, message) => {
            decisionMessage.text = message
            decisionMessage.color = ok ? Theme.success : Theme.error
            if (ok) { page.current = null; reason.text = ""; merged.text = "" }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        ColumnLayout {
            Layout.preferredWidth: Math.min(460, page.width * 0.4)
            Layout.maximumWidth: Math.min(460, page.width * 0.4)
            Layout.fillWidth: false
            Layout.fillHeight: true
            Layout.margins: Theme.gap
            spacing: Theme.gap

            RowLayout {
                spacing: 6
                Repeater {
                    model: [{ code: "open", label: qsTr("待处理") }, { code: "auto_resolved", label: qsTr("已自动处理") },
                            { code: "resolved", label: qsTr("已裁决") }]
                    delegate: FilterChip {
                        required property var modelData
                        objectName: "status_" + modelData.code
                        text: modelData.label
                        checked: inbox.status === modelData.code
                        onClicked: inbox.status = modelData.code
                    }
                }
            }
            RowLayout {
                Layout.fillWidth: true
                ComboBox {
                    objectName: "gridFilter"
                    Layout.fillWidth: true
                    implicitHeight: Theme.touch
                    model: [qsTr("全部网格")].concat(Session.gridNames)
                    onActivated: inbox.grid = currentIndex === 0 ? "" : Session.grids[currentIndex - 1]
                }
                ComboBox {
                    objectName: "kindFilter"
                    Layout.fillWidth: true
                    implicitHeight: Theme.touch
                    textRole: "label"
                    valueRole: "code"
                    model: [{ code: "", label: qsTr("全部类型") }, { code: "concurrent_edit", label: qsTr("同时修改") },
                            { code: "edit_vs_delete", label: qsTr("修改与删除") }, { code: "delete_vs_edit", label: qsTr("删除与修改") },
                            { code: "duplicate_person", label: qsTr("重复人员") }, { code: "out_of_scope", label: qsTr("网格外的修改") }]
                    onActivated: inbox.kind = currentValue
                }
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    Layout.fillWidth: true
                    implicitHeight: Theme.touch
                    placeholderText: qsTr("字段,如 phone")
                    onEditingFinished: inbox.field = text.trim()
                }
                ComboBox {
                    implicitHeight: Theme.touch
                    textRole: "label"
                    valueRole: "days"
                    model: [{ days: 0, label: qsTr("任何时间") }, { days: 3, label: qsTr("超过 3 天") }, { days: 7, label: qsTr("超过 7 天") }]
                    onActivated: inbox.olderThanDays = currentValue
                }
            }
            Label {
                text: inbox.busy ? qsTr("正在读取…") : inbox.errorString.length > 0 ? inbox.errorString : qsTr("共 %n 条", "", inbox.count)
                color: inbox.errorString.length > 0 ? Theme.error : Theme.secondaryText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            ListView {
                id: list
                objectName: "conflictList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 6
                model: inbox
                delegate: ItemDelegate {
                    required property var conflict
                    width: list.width
                    implicitHeight: column.implicitHeight + 20
                    background: Rectangle {
                        radius: Theme.radius
                        color: page.current && page.current.id === conflict.id ? Theme.primaryLight : Theme.card
                        border.color: Theme.border
                    }
                    contentItem: ColumnLayout {
                        id: column
                        spacing: 2
                        RowLayout {
                            Label { text: conflict.field; font.bold: true }
                            Badge { text: conflict.kindLabel; tint: Theme.warning }
                            Item { Layout.fillWidth: true }
                            Label { text: conflict.gridName; color: Theme.secondaryText }
                        }
                        Label { text: conflict.household; color: Theme.secondaryText; elide: Text.ElideRight; Layout.fillWidth: true }
                        Label {
                            // A field no one set on the server (a record the worker created) has one side only.
                            text: conflict.server.user.length > 0
                                  ? qsTr("%1 与 %2 · %3 天前").arg(conflict.server.user).arg(conflict.incoming.user).arg(conflict.ageDays)
                                  : qsTr("%1 上报 · %2 天前").arg(conflict.incoming.user).arg(conflict.ageDays)
                            color: Theme.secondaryText
                            font.pixelSize: Theme.smallFont
                        }
                    }
                    onClicked: { page.current = conflict; decisionMessage.text = "" }
                }
            }
        }

        Rectangle { Layout.fillHeight: true; Layout.preferredWidth: 1; color: Theme.border }

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            ColumnLayout {
                width: parent.width
                spacing: Theme.gap
                Label {
                    visible: page.current === null
                    text: decisionMessage.text.length > 0 ? "" : qsTr("从左侧选择一条冲突")
                    color: Theme.secondaryText
                    font.pixelSize: Theme.titleFont
                    Layout.alignment: Qt.AlignHCenter
                    Layout.topMargin: 120
                }
                Label {
                    id: decisionMessage
                    objectName: "decisionMessage"
                    visible: text.length > 0
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                    Layout.margins: Theme.gap
                }
                ColumnLayout {
                    objectName: "conflictDetail"
                    visible: page.current !== null
                    Layout.fillWidth: true
                    Layout.margins: Theme.gap
                    spacing: Theme.gap
                    Label {
                        text: page.current ? qsTr("%1 · %2").arg(page.current.household).arg(page.current.field) : ""
                        font.pixelSize: Theme.titleFont
                        font.bold: true
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    Label {
                        text: page.current ? qsTr("%1 · 规则:%2 · 发现于 %3 · 当前暂用值:%4")
                                             .arg(page.current.kindLabel)
                                             .arg(page.current.policy === "review" ? qsTr("需审核") : qsTr("较新者优先"))
                                             .arg(page.current.createdAt).arg(page.current.provisional) : ""
                        color: Theme.secondaryText
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.gap
                        Repeater {
                            model: page.current ? [
                                { title: qsTr("修改前"), value: page.current.base, who: "", when: "" },
                                { title: page.forwarded ? qsTr("服务器上") : qsTr("服务器上(先到)"), value: page.current.server.value,
                                  who: page.current.server.user, when: page.current.server.device.length > 0
                                                                       ? qsTr("设备 %1").arg(page.current.server.device) : "" },
                                { title: page.forwarded ? qsTr("网格外上报") : qsTr("本次上报(后到)"), value: page.current.incoming.value,
                                  who: page.current.incoming.user,
                                  when: qsTr("设备 %1 · %2").arg(page.current.incoming.device).arg(page.current.incoming.time) }] : []
                            delegate: Card {
                                required property var modelData
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                                Layout.minimumWidth: 0
                                Layout.alignment: Qt.AlignTop
                                implicitHeight: sideColumn.implicitHeight + 2 * Theme.gap
                                ColumnLayout {
                                    id: sideColumn
                                    anchors.fill: parent
                                    anchors.margins: Theme.gap
                                    Label { text: modelData.title; color: Theme.secondaryText; elide: Text.ElideRight; Layout.fillWidth: true }
                                    Label { text: modelData.value; font.pixelSize: Theme.titleFont; wrapMode: Text.WrapAnywhere; Layout.fillWidth: true }
                                    Label {
                                        visible: modelData.who.length > 0
                                        text: qsTr("网格员 %1").arg(modelData.who)
                                        elide: Text.ElideRight
                                        Layout.fillWidth: true
                                    }
                                    Label {
                                        visible: modelData.when.length > 0
                                        text: modelData.when
                                        color: Theme.secondaryText
                                        font.pixelSize: Theme.smallFont
                                        wrapMode: Text.WrapAnywhere
                                        Layout.fillWidth: true
                                    }
                                }
                            }
                        }
                    }
                    ColumnLayout {
                        visible: page.current !== null && page.current.status === "open"
                        Layout.fillWidth: true
                        spacing: Theme.gap
                        Label { text: qsTr("处理理由(必填)"); font.bold: true }
                        TextArea {
                            id: reason
                            objectName: "reasonField"
                            Layout.fillWidth: true
                            implicitHeight: Theme.touch * 2
                            wrapMode: TextEdit.Wrap
                            placeholderText: qsTr("例如:已电话核实户主,以新号码为准")
                            background: Rectangle { color: Theme.card; border.color: Theme.border; radius: 4 }
                        }
                        ColumnLayout {
                            visible: page.current && page.current.kind === "duplicate_person"
                            Layout.fillWidth: true
                            Label {
                                text: qsTr("同一身份证号登记了两个人:合并为一人,空白项由另一条补齐,走访记录都保留。")
                                wrapMode: Text.WordWrap
                                Layout.fillWidth: true
                            }
                            CheckBox {
                                id: joinHouseholds
                                text: qsTr("两人在不同户时,把重复登记的那一户并入保留的户")
                                implicitHeight: Theme.touch
                            }
                            Flow {
                                Layout.fillWidth: true
                                spacing: Theme.gap
                                TouchButton {
                                    objectName: "mergeKeepLocal"
                                    text: qsTr("保留先登记的人员并合并")
                                    onClicked: inbox.merge(page.current.id, "local", joinHouseholds.checked, reason.text)
                                }
                                TouchButton {
                                    text: qsTr("保留新登记的人员并合并")
                                    onClicked: inbox.merge(page.current.id, "remote", joinHouseholds.checked, reason.text)
                                }
                            }
                        }
                        CheckBox {
                            id: wholeRecord
                            objectName: "wholeRecord"
                            // The other fields of the same record passed on with it (a visit recorded offline).
                            readonly property int others: page.forwarded && inbox.count > 0 ? inbox.otherForwardedOfRecord(page.current.id) : 0
                            visible: others > 0
                            checked: true
                            text: qsTr("同时处理这条记录的其余 %n 项网格外修改", "", others)
                            implicitHeight: Theme.touch
                        }
                        Flow {
                            Layout.fillWidth: true
                            spacing: Theme.gap
                            visible: page.current && page.current.kind !== "duplicate_person"
                            // Takes or leaves the selected conflict (with the rest of its record when ticked).
                            function decide(take) {
                                if (wholeRecord.visible && wholeRecord.checked)
                                    inbox.resolveWholeRecord(page.current.id, take, reason.text)
                                else
                                    inbox.resolve(page.current.id, take, "", reason.text)
                            }
                            TouchButton {
                                objectName: "takeServer"
                                readonly property bool deleteKind: page.current && page.current.kind.indexOf("delete") >= 0
                                text: deleteKind ? qsTr("恢复记录") : page.forwarded ? qsTr("不采用") : qsTr("采用服务器上的值")
                                onClicked: parent.decide(deleteKind ? "restore" : "local")
                            }
                            TouchButton {
                                objectName: "takeIncoming"
                                readonly property bool deleteKind: page.current && page.current.kind.indexOf("delete") >= 0
                                text: deleteKind ? qsTr("确认删除") : page.forwarded ? qsTr("采用网格外上报的修改") : qsTr("采用本次上报的值")
                                onClicked: parent.decide(deleteKind ? "confirm_delete" : "remote")
                            }
                        }
                        RowLayout {
                            visible: page.current && page.current.kind === "concurrent_edit"
                            Layout.fillWidth: true
                            TextField {
                                id: merged
                                objectName: "mergedValue"
                                Layout.fillWidth: true
                                implicitHeight: Theme.touch
                                placeholderText: qsTr("或填写合并后的值")
                            }
                            TouchButton {
                                text: qsTr("采用合并值")
                                enabled: merged.text.trim().length > 0
                                onClicked: inbox.resolve(page.current.id, "", merged.text, reason.text)
                            }
                        }
                    }
                }
            }
        }
    }
}
