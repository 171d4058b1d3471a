import QtQuick
import QtQuick.Controls
import Anju.Ui

// A button at least 48 px high; `primary` fills it with the main colour.
Button {
    id: control
    property bool primary: false
    property color tint: Theme.primary
    implicitHeight: Math.max(Theme.touch, contentItem.implicitHeight + 16)
    padding: 12
    contentItem: Text {
        text: control.text
        font.pixelSize: Theme.baseFont
        font.bold: control.primary
        color: !control.enabled ? Theme.secondaryText : control.primary ? "white" : control.tint
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        radius: Theme.radius
        color: !control.enabled ? "#E0E4EA" : control.primary ? (control.down ? Qt.darker(control.tint, 1.2) : control.tint)
             : control.flat ? (control.down ? Theme.primaryLight : "transparent")
             : (control.down ? Theme.primaryLight : Theme.card)
        border.color: control.primary || control.flat ? "transparent" : control.tint
    }
}
