import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// A form generated from the survey definition for one household section, member or visit.
Page {
    id: page
    property alias form: recordForm
    signal done(string saved)

    RecordForm { id: recordForm }
    // Sized by the StackView; a fixed implicit size keeps the scrolling content from sizing the page.
    implicitWidth: 800
    implicitHeight: 600
    background: Rectangle { color: Theme.background }

    header: ToolBar {
        height: Theme.touch + 16
        background: Rectangle { color: Theme.card; border.color: Theme.border }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.gap
            anchors.rightMargin: Theme.gap
            TouchButton {
                objectName: "cancelButton"
                text: qsTr("取消")
                flat: true
                onClicked: recordForm.dirty ? discardDialog.open() : page.done("")
            }
            Label {
                objectName: "formTitle"
                text: recordForm.title
                font.pixelSize: Theme.titleFont
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
                Layout.fillWidth: true
            }
            TouchButton {
                objectName: "saveButton"
                text: qsTr("保存")
                primary: true
                enabled: recordForm.movedToGrid.length === 0
                onClicked: {
                    const saved = recordForm.save()
                    if (saved.length > 0) page.done(saved)
                    else if (firstError() >= 0) questions.positionViewAtIndex(firstError(), ListView.Beginning)
                }
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            objectName: "movedAwayNotice"
            visible: recordForm.movedToGrid.length > 0 && recordForm.formError.length === 0
            Layout.fillWidth: true
            implicitHeight: movedAwayLabel.implicitHeight + Theme.gap
            color: Theme.warningLight
            Label {
                id: movedAwayLabel
                anchors.fill: parent
                anchors.margins: Theme.gap / 2
                text: qsTr("此户所在的网格 %1 已不由您负责:只能查看,不能保存修改。").arg(recordForm.movedToGrid)
                color: Theme.warning
                wrapMode: Text.WordWrap
            }
        }

        Rectangle {
            objectName: "formError"
            visible: recordForm.formError.length > 0
            Layout.fillWidth: true
            implicitHeight: formErrorLabel.implicitHeight + Theme.gap
            color: Theme.errorLight
            Label {
                id: formErrorLabel
                anchors.fill: parent
                anchors.margins: Theme.gap / 2
                text: recordForm.formError
                color: Theme.error
                wrapMode: Text.WordWrap
            }
        }

        ListView {
            id: questions
            objectName: "questionList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: recordForm
            spacing: 4
            cacheBuffer: 4000
            section.property: "sectionLabel"
            section.delegate: Label {
                required property string section
                width: questions.width
                text: section
                font.bold: true
                color: Theme.primaryDark
                topPadding: Theme.gap
                leftPadding: Theme.gap
                bottomPadding: 4
                // One section's form needs no section title.
                height: recordForm.section.length === 0 ? implicitHeight : 0
                clip: true
            }
            delegate: QuestionDelegate {
                width: questions.width
                form: recordForm
            }
            ScrollBar.vertical: ScrollBar {}
            footer: Item { height: Theme.touch * 3 }
        }
    }

    Dialog {
        id: discardDialog
        anchors.centerIn: parent
        modal: true
        title: qsTr("放弃修改?")
        Label { text: qsTr("填写的内容还没有保存。") }
        standardButtons: Dialog.Discard | Dialog.Cancel
        onDiscarded: { discardDialog.close(); page.done("") }
    }

    function firstError() {
        for (let row = 0; row < questions.count; ++row) {
            const item = questions.itemAtIndex(row)
            if (item && item.error && item.error.length > 0) return row
        }
        return -1
    }
}
