import QtQuick
import QtQuick.Controls
import Anju.Backend
import Anju.Ui

// A sensitive value shown with all but its last 4 characters hidden until tapped.
Label {
    id: label
    property string value
    property bool masked: false
    property bool revealed: false
    text: masked && !revealed ? maskText(value) : value
    font.letterSpacing: masked && !revealed ? 1 : 0
    color: Theme.text
    Accessible.name: masked && !revealed ? qsTr("已隐藏,点按显示") : value

    function maskText(v) { return v.length <= 4 ? v : "•".repeat(v.length - 4) + v.slice(-4) }

    TapHandler {
        enabled: label.masked
        onTapped: label.revealed = !label.revealed
    }
}
