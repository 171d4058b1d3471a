import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// The auditor's read-only view: the conflict/audit log with filters, the chain's verification and export.
Item {
    id: page

    AuditLogModel { id: log; objectName: "auditLog"; Component.onCompleted: reload() }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.gap
        spacing: Theme.gap

        Rectangle {
            objectName: "chainStatus"
            Layout.fillWidth: true
            implicitHeight: chain.implicitHeight + Theme.gap
            radius: Theme.radius
            color: log.chainOk ? Theme.successLight : Theme.errorLight
            Label {
                id: chain
                anchors.fill: parent
                anchors.margins: Theme.gap / 2
                text: log.busy ? qsTr("正在校验日志…") : log.errorString.length > 0 ? log.errorString : log.chainText
                color: log.chainOk ? Theme.success : Theme.error
                font.bold: true
                wrapMode: Text.WordWrap
            }
        }

        Flow {
            Layout.fillWidth: true
            spacing: Theme.gap / 2
            TextField { implicitHeight: Theme.touch; placeholderText: qsTr("起始日期 2026-11-01"); onEditingFinished: log.from = text.trim() }
            TextField { implicitHeight: Theme.touch; placeholderText: qsTr("截止日期"); onEditingFinished: log.to = text.trim() }
            TextField { implicitHeight: Theme.touch; placeholderText: qsTr("网格"); onEditingFinished: log.grid = text.trim() }
            TextField { implicitHeight: Theme.touch; placeholderText: qsTr("用户"); onEditingFinished: log.actor = text.trim() }
            TextField { implicitHeight: Theme.touch; placeholderText: qsTr("字段"); onEditingFinished: log.field = text.trim() }
            ComboBox {
                objectName: "kindFilter"
                implicitHeight: Theme.touch
                textRole: "label"
                valueRole: "code"
                model: [{ code: "", label: qsTr("全部类型") }, { code: "conflict", label: qsTr("发现冲突") },
                        { code: "decision", label: qsTr("裁决") }, { code: "return", label: qsTr("退回") },
                        { code: "approve", label: qsTr("审核通过") }, { code: "user", label: qsTr("账号变更") },
                        { code: "grid", label: qsTr("网格命名") }]
                onActivated: log.kind = currentValue
            }
            ComboBox {
                implicitHeight: Theme.touch
                textRole: "label"
                valueRole: "code"
                model: [{ code: "", label: qsTr("全部决定") }, { code: "server", label: qsTr("采用服务器值") },
                        { code: "incoming", label: qsTr("采用上报值") }, { code: "value", label: qsTr("合并值") }]
                onActivated: log.decision = currentValue
            }
            TouchButton {
                text: log.conflict.length > 0 ? qsTr("显示全部") : qsTr("刷新")
                onClicked: log.conflict.length > 0 ? (log.conflict = "") : log.reload()
            }
            TouchButton {
                objectName: "exportButton"
                text: qsTr("导出 CSV")
                onClicked: {
                    const result = log.exportCsv("")
                    exportMessage.text = result.ok ? qsTr("已导出到 %1").arg(result.path) : result.error
                }
            }
        }
        Label { id: exportMessage; visible: text.length > 0; color: Theme.secondaryText }

        ListView {
            id: entries
            objectName: "auditList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 6
            model: log
            delegate: Card {
                required property var entry
                width: entries.width
                implicitHeight: row.implicitHeight + 2 * Theme.gap
                ColumnLayout {
                    id: row
                    anchors.fill: parent
                    anchors.margins: Theme.gap
                    spacing: 2
                    RowLayout {
                        Label { text: "#" + entry.seq; color: Theme.secondaryText }
                        Badge { text: entry.kindLabel; tint: entry.kind === "decision" ? Theme.success : Theme.warning }
                        Label { text: entry.at; color: Theme.secondaryText }
                        Label { text: qsTr("操作人 %1").arg(entry.actor) }
                        Item { Layout.fillWidth: true }
                        Label { text: entry.grid; color: Theme.secondaryText }
                    }
                    Label {
                        visible: entry.field.length > 0
                        text: entry.kind === "decision"
                              ? qsTr("「%1」最终值:%2 · 理由:%3").arg(entry.field).arg(entry.finalValue).arg(entry.reason)
                              : qsTr("「%1」服务器:%2 · 上报:%3").arg(entry.field).arg(entry.serverValue).arg(entry.incomingValue)
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    Label {
                        visible: entry.field.length === 0 && text.length > 0
                        text: entry.reason.length > 0 ? entry.reason : entry.detail
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    TouchButton {
                        visible: entry.conflictId.length > 0 && log.conflict.length === 0
                        text: qsTr("查看此冲突的全部记录")
                        flat: true
                        onClicked: log.conflict = entry.conflictId
                    }
                }
            }
        }
    }
}
