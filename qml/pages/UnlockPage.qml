import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// Later starts: unlock offline with the password of the last online sign-in.
Item {
    Card {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.gap, 440)
        height: form.implicitHeight + 4 * Theme.gap

        ColumnLayout {
            id: form
            anchors.fill: parent
            anchors.margins: Theme.gap * 2
            spacing: Theme.gap
            Label {
                text: qsTr("您好,%1").arg(Session.userName)
                font.pixelSize: Theme.bigFont
                font.bold: true
                color: Theme.primaryDark
            }
            Label {
                text: qsTr("输入密码解锁。无需联网,数据都在本机。")
                color: Theme.secondaryText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            TextField {
                id: password
                objectName: "unlockPassword"
                echoMode: TextInput.Password
                placeholderText: qsTr("密码")
                Layout.fillWidth: true
                implicitHeight: Theme.touch
                focus: true
                onAccepted: unlockButton.clicked()
            }
            Label {
                visible: Session.errorString.length > 0
                text: Session.errorString
                color: Theme.error
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            TouchButton {
                id: unlockButton
                objectName: "unlockButton"
                text: qsTr("解锁")
                primary: true
                Layout.fillWidth: true
                onClicked: if (!Session.unlock(password.text)) password.selectAll()
            }
            TouchButton {
                text: qsTr("换一个账号联网登录")
                flat: true
                Layout.fillWidth: true
                onClicked: Session.switchAccount()
            }
        }
    }
}
