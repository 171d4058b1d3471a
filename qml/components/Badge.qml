import QtQuick
import QtQuick.Controls
import Anju.Ui

// A small coloured tag ("监测户", "待回访", "有冲突").
Rectangle {
    property alias text: label.text
    property color tint: Theme.primary
    implicitWidth: label.implicitWidth + 14
    implicitHeight: label.implicitHeight + 6
    radius: height / 2
    color: Qt.rgba(tint.r, tint.g, tint.b, 0.12)
    Label {
        id: label
        anchors.centerIn: parent
        color: parent.tint
        font.pixelSize: Theme.smallFont
    }
}
