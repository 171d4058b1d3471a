import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// One question of a generated form: its label, the input for its type, and its inline message.
Item {
    id: question
    required property string key
    required property string label
    required property string hint
    required property string type
    required property string unit
    required property var options
    required property var value
    required property string text
    required property bool relevant
    required property string error
    required property bool required
    required property bool sensitive
    required property bool autoFilled
    property RecordForm form

    implicitHeight: relevant ? card.implicitHeight + 4 : 0
    visible: relevant

    Card {
        id: card
        x: Theme.gap
        width: parent.width - 2 * Theme.gap
        implicitHeight: column.implicitHeight + 2 * Theme.gap
        border.color: question.error.length > 0 ? Theme.error : Theme.border

        ColumnLayout {
            id: column
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.margins: Theme.gap
            spacing: 6

            RowLayout {
                Layout.fillWidth: true
                Label {
                    text: question.label + (question.required ? " *" : "")
                    font.bold: true
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
                Badge { visible: question.autoFilled; text: qsTr("已按身份证号填写"); tint: Theme.success }
            }

            Loader {
                Layout.fillWidth: true
                sourceComponent: question.type === "single_choice" ? choice
                               : question.type === "multiple_choice" ? multiChoice
                               : question.type === "yes_no" ? yesNo
                               : question.type === "date" ? date : typed
            }

            Label {
                objectName: "error_" + question.key
                visible: question.error.length > 0
                text: question.error
                color: Theme.error
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            Label {
                visible: question.error.length === 0 && question.hint.length > 0
                text: question.hint
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFont
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
    }

    Component {
        id: typed
        RowLayout {
            TextField {
                id: field
                objectName: "input_" + question.key
                Layout.fillWidth: true
                implicitHeight: Theme.touch
                property bool revealed: !question.sensitive || activeFocus
                text: revealed ? question.text : maskText(question.text)
                inputMethodHints: question.type === "integer" ? Qt.ImhDigitsOnly
                                : question.type === "decimal" ? Qt.ImhFormattedNumbersOnly
                                : question.key === "id_number" ? Qt.ImhPreferNumbers | Qt.ImhPreferUppercase
                                : Qt.ImhNone
                onTextEdited: question.form.setText(question.key, text)
                function maskText(v) { return v.length <= 4 ? v : "•".repeat(v.length - 4) + v.slice(-4) }
            }
            Label { visible: question.unit.length > 0; text: question.unit; color: Theme.secondaryText }
        }
    }
    Component {
        id: choice
        ChoiceInput {
            objectName: "input_" + question.key
            options: question.options
            current: question.value === undefined ? "" : question.value
            onChosen: (code) => question.form.setChoice(question.key, code)
        }
    }
    Component {
        id: multiChoice
        MultiChoiceInput {
            objectName: "input_" + question.key
            options: question.options
            current: question.value === undefined ? [] : question.value
            onToggled: (code) => question.form.toggleChoice(question.key, code)
        }
    }
    Component {
        id: yesNo
        YesNoInput {
            objectName: "input_" + question.key
            current: question.value
            onAnswered: (answer) => question.form.setYesNo(question.key, answer)
        }
    }
    Component {
        id: date
        DateInput {
            objectName: "input_" + question.key
            text: question.text
            onPicked: (iso) => question.form.setText(question.key, iso)
        }
    }
}
