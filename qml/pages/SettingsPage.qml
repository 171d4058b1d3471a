import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// Settings: language, who is signed in to which server, lock.
Page {
    id: page
    signal closeRequested()
    background: Rectangle { color: Theme.background }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.gap * 2
        spacing: Theme.gap

        Label { text: qsTr("设置"); font.pixelSize: Theme.bigFont; font.bold: true }

        Label { text: qsTr("语言 / Language"); font.bold: true }
        RowLayout {
            FilterChip {
                objectName: "languageZh"
                text: "中文"
                checked: Language.code === "zh_CN"
                onClicked: Language.code = "zh_CN"
            }
            FilterChip {
                objectName: "languageEn"
                text: "English"
                checked: Language.code === "en"
                onClicked: Language.code = "en"
            }
        }

        Label { text: qsTr("账号"); font.bold: true; visible: Session.userName.length > 0 }
        Label {
            visible: Session.userName.length > 0
            text: qsTr("%1(%2)· 网格 %3").arg(Session.userName).arg(Session.role).arg(Session.gridNames.join("、"))
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Label { text: qsTr("服务器"); font.bold: true }
        Label { text: Session.serverUrl; wrapMode: Text.WrapAnywhere; Layout.fillWidth: true; color: Theme.secondaryText }

        TouchButton {
            visible: Session.state === Session.Unlocked
            text: qsTr("锁定")
            Layout.fillWidth: true
            onClicked: { Session.lock(); page.closeRequested() }
        }
        Item { Layout.fillHeight: true }
        Label {
            text: qsTr("所有数据先保存在本机,联网后自动同步。")
            color: Theme.secondaryText
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
    }
}
