import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// First start (or expired sign-in): server address, user and password, checked online.
Item {
    id: page

    Card {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.gap, 480)
        height: form.implicitHeight + 2 * Theme.gap * 2

        ColumnLayout {
            id: form
            anchors.fill: parent
            anchors.margins: Theme.gap * 2
            spacing: Theme.gap

            Label {
                text: qsTr("登录安居")
                font.pixelSize: Theme.bigFont
                font.bold: true
                color: Theme.primaryDark
            }
            Label {
                text: qsTr("第一次使用需要联网登录;之后没有信号也可以用密码解锁。")
                wrapMode: Text.WordWrap
                color: Theme.secondaryText
                Layout.fillWidth: true
            }
            Label { text: qsTr("服务器地址") }
            TextField {
                id: server
                objectName: "serverField"
                text: Session.serverUrl
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                Layout.fillWidth: true
                implicitHeight: Theme.touch
            }
            Label { text: qsTr("用户名") }
            TextField {
                id: user
                objectName: "userField"
                text: Session.userName
                inputMethodHints: Qt.ImhNoAutoUppercase
                Layout.fillWidth: true
                implicitHeight: Theme.touch
            }
            Label { text: qsTr("密码") }
            TextField {
                id: password
                objectName: "passwordField"
                echoMode: TextInput.Password
                Layout.fillWidth: true
                implicitHeight: Theme.touch
                onAccepted: signInButton.clicked()
            }
            Label {
                objectName: "signInError"
                visible: Session.errorString.length > 0
                text: Session.errorString
                color: Theme.error
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            TouchButton {
                id: signInButton
                objectName: "signInButton"
                text: Session.busy ? qsTr("正在登录…") : qsTr("登录")
                enabled: !Session.busy
                primary: true
                Layout.fillWidth: true
                onClicked: Session.signIn(server.text, user.text, password.text)
            }
            BusyIndicator { running: Session.busy; visible: running; Layout.alignment: Qt.AlignHCenter }
        }
    }
}
