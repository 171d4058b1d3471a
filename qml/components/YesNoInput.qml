import QtQuick
import QtQuick.Controls
import Anju.Ui

// A yes/no question: two buttons; tapping the chosen one again clears the answer.
Row {
    id: input
    property var current
    signal answered(var answer)
    spacing: 8
    FilterChip {
        text: qsTr("是")
        implicitWidth: 96
        checked: input.current === true
        onClicked: input.answered(checked ? undefined : true)
    }
    FilterChip {
        text: qsTr("否")
        implicitWidth: 96
        checked: input.current === false
        onClicked: input.answered(checked ? undefined : false)
    }
}
