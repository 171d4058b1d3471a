import QtQuick
import QtQuick.Controls
import Anju.Ui

// A single choice: buttons for a few options (one tap), a list to pick from for many.
Item {
    id: input
    property var options: []
    property string current: ""
    signal chosen(string code)
    implicitHeight: options.length <= 6 ? flow.implicitHeight : Theme.touch

    Flow {
        id: flow
        visible: input.options.length <= 6
        width: parent.width
        spacing: 8
        Repeater {
            model: input.options.length <= 6 ? input.options : []
            delegate: FilterChip {
                required property var modelData
                text: modelData.label
                checked: input.current === modelData.code
                onClicked: input.chosen(checked ? "" : modelData.code)
            }
        }
    }
    ComboBox {
        visible: input.options.length > 6
        width: parent.width
        implicitHeight: Theme.touch
        model: input.options.length > 6 ? [{ code: "", label: qsTr("请选择") }].concat(input.options) : []
        textRole: "label"
        valueRole: "code"
        currentIndex: Math.max(0, indexOfValue(input.current))
        onActivated: input.chosen(currentValue)
    }
}
