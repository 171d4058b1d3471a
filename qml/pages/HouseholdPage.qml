import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// One household's file: summary, members, visits and survey sections, with the server's notices on top.
Page {
    id: page
    property alias householdUuid: file.uuid
    signal back()
    signal editRequested(string type, string uuid, string parent, string section)

    HouseholdFile { id: file }
    // A household gone from the tablet while its file is open (deleted, or no longer the worker's after
    // a sync) leaves nothing to show: back to the list.
    property bool shown: false
    Component.onCompleted: shown = file.exists
    Connections {
        target: file
        function onLoaded() {
            if (file.exists) page.shown = true
            else if (page.shown) page.back()
        }
    }
    // Sized by the StackView; a fixed implicit size keeps the scrolling content from sizing the page.
    implicitWidth: 800
    implicitHeight: 600
    background: Rectangle { color: Theme.background }

    header: ToolBar {
        height: Theme.touch + 24
        background: Rectangle { color: Theme.card; border.color: Theme.border }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.gap / 2
            anchors.rightMargin: Theme.gap
            ToolButton {
                text: "‹"
                font.pixelSize: Theme.bigFont
                implicitWidth: Theme.touch
                implicitHeight: Theme.touch
                Accessible.name: qsTr("返回")
                onClicked: page.back()
            }
            ColumnLayout {
                spacing: 0
                Layout.fillWidth: true
                Label {
                    objectName: "householdTitle"
                    text: qsTr("%1户").arg(file.headName)
                    font.pixelSize: Theme.titleFont
                    font.bold: true
                }
                Label { text: file.address; color: Theme.secondaryText; elide: Text.ElideRight; Layout.fillWidth: true }
            }
            TouchButton {
                objectName: "logVisitButton"
                text: qsTr("记录走访")
                primary: true
                enabled: !file.movedAway
                onClicked: page.editRequested("visit", "", file.uuid, "")
            }
        }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: scroll.availableWidth
            spacing: Theme.gap

            Item { height: 1 }
            Rectangle {
                objectName: "movedAwayBanner"
                visible: file.movedAway
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
                implicitHeight: movedAwayText.implicitHeight + Theme.gap
                radius: Theme.radius
                color: Theme.warningLight
                border.color: Theme.warning
                Label {
                    id: movedAwayText
                    anchors.fill: parent
                    anchors.margins: Theme.gap / 2
                    text: qsTr("此户所在的网格 %1 已不由您负责(此户移交到了该网格,或社区调整了您的网格)。本机只能查看,不能再修改或记录走访;如需更正,请联系社区。").arg(file.gridName)
                    color: Theme.warning
                    wrapMode: Text.WordWrap
                }
            }
            ReviewCard {
                file: file
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
            }
            Label {
                visible: file.reviewState === "approved" || file.reviewState === "resubmitted"
                text: file.reviewState === "approved" ? qsTr("社区已审核通过") : qsTr("已重新提交,等待社区审核")
                color: file.reviewState === "approved" ? Theme.success : Theme.secondaryText
                Layout.leftMargin: Theme.gap
            }
            SupervisorReviewPanel {
                household: file.uuid
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
            }
            Repeater {
                model: file.notices
                delegate: NoticeCard {
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.gap
                    Layout.rightMargin: Theme.gap
                    onDismissed: (ids) => file.dismissNotices(ids)
                }
            }

            TabBar {
                id: tabs
                objectName: "householdTabs"
                palette.window: Theme.card
                palette.dark: Theme.primaryLight
                palette.windowText: Theme.primaryDark
                palette.brightText: Theme.secondaryText
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
                TabButton { text: qsTr("概况"); implicitHeight: Theme.touch }
                TabButton { text: qsTr("成员 %1").arg(file.members.count); implicitHeight: Theme.touch }
                TabButton { text: qsTr("走访 %1").arg(file.visits.count); implicitHeight: Theme.touch }
                TabButton { text: qsTr("调查内容"); implicitHeight: Theme.touch }
            }

            // Summary
            Card {
                visible: tabs.currentIndex === 0
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
                implicitHeight: facts.implicitHeight + 2 * Theme.gap
                GridLayout {
                    id: facts
                    anchors.fill: parent
                    anchors.margins: Theme.gap
                    columns: page.width > 700 ? 4 : 2
                    columnSpacing: Theme.gap * 2
                    rowSpacing: Theme.gap
                    Repeater {
                        model: file.facts
                        delegate: ColumnLayout {
                            required property var modelData
                            spacing: 2
                            Layout.fillWidth: true
                            Label { text: modelData.label; color: Theme.secondaryText; font.pixelSize: Theme.smallFont }
                            MaskedText {
                                value: modelData.text.length > 0 ? modelData.text : "—"
                                masked: modelData.sensitive && modelData.text.length > 0
                            }
                        }
                    }
                }
            }

            // Members
            ColumnLayout {
                visible: tabs.currentIndex === 1
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
                spacing: 8
                Repeater {
                    model: file.members
                    delegate: Card {
                        id: member
                        required property string uuid
                        required property string name
                        required property string relation
                        required property bool isHead
                        required property string sex
                        required property var age
                        required property string idNumber
                        required property string labour
                        required property string work
                        required property int notices
                        Layout.fillWidth: true
                        implicitHeight: memberRow.implicitHeight + 2 * Theme.gap
                        RowLayout {
                            id: memberRow
                            anchors.fill: parent
                            anchors.margins: Theme.gap
                            ColumnLayout {
                                Layout.fillWidth: true
                                spacing: 4
                                RowLayout {
                                    Label { text: member.name; font.bold: true; font.pixelSize: Theme.baseFont + 1 }
                                    Badge { text: member.relation; tint: member.isHead ? Theme.primary : Theme.secondaryText }
                                    Label {
                                        text: [member.sex, member.age !== undefined ? qsTr("%1 岁").arg(member.age) : ""]
                                              .filter(s => s.length > 0).join(" · ")
                                        color: Theme.secondaryText
                                    }
                                    Badge { visible: member.notices > 0; text: qsTr("有冲突"); tint: Theme.error }
                                }
                                MaskedText { visible: member.idNumber.length > 0; value: member.idNumber; masked: true }
                                Label {
                                    text: [member.labour, member.work].filter(s => s.length > 0).join(" · ")
                                    color: Theme.secondaryText
                                    visible: text.length > 0
                                }
                            }
                            TouchButton {
                                text: qsTr("编辑")
                                enabled: !file.movedAway
                                onClicked: page.editRequested("person", member.uuid, file.uuid, "")
                            }
                        }
                    }
                }
                TouchButton {
                    objectName: "addMemberButton"
                    text: qsTr("+ 添加成员")
                    Layout.fillWidth: true
                    enabled: !file.movedAway
                    onClicked: page.editRequested("person", "", file.uuid, "")
                }
            }

            // Visits
            ColumnLayout {
                visible: tabs.currentIndex === 2
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
                spacing: 8
                Label {
                    visible: file.visits.count === 0
                    text: qsTr("还没有走访记录")
                    color: Theme.secondaryText
                }
                Repeater {
                    model: file.visits
                    delegate: Card {
                        id: visit
                        required property string date
                        required property string kind
                        required property string met
                        required property string notes
                        required property string problems
                        required property string followUp
                        Layout.fillWidth: true
                        implicitHeight: visitColumn.implicitHeight + 2 * Theme.gap
                        ColumnLayout {
                            id: visitColumn
                            anchors.fill: parent
                            anchors.margins: Theme.gap
                            spacing: 4
                            RowLayout {
                                Label { text: visit.date; font.bold: true }
                                Badge { text: visit.kind }
                                Label { text: visit.met.length > 0 ? qsTr("见到:%1").arg(visit.met) : ""; color: Theme.secondaryText }
                            }
                            Label { visible: visit.notes.length > 0; text: visit.notes; wrapMode: Text.WordWrap; Layout.fillWidth: true }
                            Label {
                                visible: visit.problems.length > 0
                                text: qsTr("诉求:%1").arg(visit.problems)
                                color: Theme.warning
                                wrapMode: Text.WordWrap
                                Layout.fillWidth: true
                            }
                            Label {
                                visible: visit.followUp.length > 0
                                text: qsTr("跟进:%1").arg(visit.followUp)
                                wrapMode: Text.WordWrap
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
            }

            // Survey sections
            ColumnLayout {
                visible: tabs.currentIndex === 3
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap
                Layout.rightMargin: Theme.gap
                spacing: 8
                Repeater {
                    model: file.sections
                    delegate: ItemDelegate {
                        id: section
                        required property string key
                        required property string label
                        required property int answered
                        required property int total
                        Layout.fillWidth: true
                        implicitHeight: Theme.touch + 8
                        background: Rectangle { color: Theme.card; radius: Theme.radius; border.color: Theme.border }
                        contentItem: RowLayout {
                            Label { text: section.label; font.pixelSize: Theme.baseFont; Layout.fillWidth: true }
                            Label {
                                text: qsTr("已填 %1/%2").arg(section.answered).arg(section.total)
                                color: section.answered === section.total ? Theme.success : Theme.secondaryText
                            }
                            Label { text: "›"; font.pixelSize: Theme.titleFont; color: Theme.secondaryText }
                        }
                        onClicked: page.editRequested("household", file.uuid, "", section.key)
                    }
                }
            }
            Item { height: Theme.gap }
        }
    }
}
