import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Ui

// One figure with its label, for the counts above the list.
Card {
    id: tile
    property string label
    property int value
    implicitHeight: column.implicitHeight + Theme.gap
    color: Theme.primaryLight
    border.color: "transparent"
    ColumnLayout {
        id: column
        anchors.centerIn: parent
        spacing: 0
        Label {
            objectName: "value"
            text: tile.value
            font.pixelSize: Theme.titleFont
            font.bold: true
            color: Theme.primaryDark
            Layout.alignment: Qt.AlignHCenter
        }
        Label {
            text: tile.label
            font.pixelSize: Theme.smallFont
            color: Theme.secondaryText
            Layout.alignment: Qt.AlignHCenter
        }
    }
}
