import QtQuick
import QtQuick.Controls
import Anju.Ui

// A short message over the window's lower part, clear of the bottom action buttons, for five seconds.
Popup {
    id: toast
    property alias text: label.text
    /// Space kept free at the bottom of the window: a page's bottom buttons and their margins.
    property int bottomClearance: Theme.touch + 3 * Theme.gap

    parent: Overlay.overlay
    x: Math.round((parent.width - width) / 2)
    y: parent.height - height - bottomClearance
    width: Math.min(label.implicitWidth + 2 * padding, parent.width - 4 * Theme.gap)
    padding: Theme.gap
    closePolicy: Popup.CloseOnPressOutside | Popup.CloseOnEscape
    modal: false
    focus: false

    background: Rectangle {
        radius: Theme.radius
        color: Theme.text
        opacity: 0.92
    }

    contentItem: Text {
        id: label
        objectName: "toastText"
        color: "white"
        font.pixelSize: Theme.baseFont
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
    }

    Timer {
        running: toast.opened
        interval: 5000
        onTriggered: toast.close()
    }

    /// Shows `message`, replacing one still showing (its five seconds start again).
    function show(message) {
        text = message
        if (opened) close()
        open()
    }
}
