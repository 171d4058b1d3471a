import QtQuick
import QtQuick.Controls
import Anju.Ui

// A filter button that shows whether it is on.
AbstractButton {
    id: chip
    property bool small: false
    checkable: false
    implicitHeight: Theme.touch
    implicitWidth: label.implicitWidth + 28
    contentItem: Label {
        id: label
        text: chip.text
        color: chip.checked ? "white" : Theme.primaryDark
        font.pixelSize: chip.small ? Theme.smallFont : Theme.baseFont
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        radius: height / 2
        color: chip.checked ? Theme.primary : Theme.card
        border.color: chip.checked ? Theme.primary : Theme.border
    }
}
