import QtQuick
import QtQuick.Controls
import Anju.Ui

// A multiple choice: every option a toggle.
Flow {
    id: input
    property var options: []
    property var current: []
    signal toggled(string code)
    spacing: 8
    Repeater {
        model: input.options
        delegate: FilterChip {
            required property var modelData
            text: (checked ? "✓ " : "") + modelData.label
            checked: input.current.indexOf(modelData.code) >= 0
            onClicked: input.toggled(modelData.code)
        }
    }
}
