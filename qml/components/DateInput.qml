import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Ui

// A date: shown as YYYY-MM-DD, picked with year / month / day wheels.
RowLayout {
    id: input
    property string text: ""
    signal picked(string iso)

    TouchButton {
        objectName: "dateButton"
        text: input.text.length > 0 ? input.text : qsTr("选择日期")
        Layout.fillWidth: true
        onClicked: { dialog.load(input.text); dialog.open() }
    }
    TouchButton {
        text: qsTr("今天")
        flat: true
        onClicked: input.picked(Qt.formatDate(new Date(), "yyyy-MM-dd"))
    }
    TouchButton {
        visible: input.text.length > 0
        text: qsTr("清除")
        flat: true
        onClicked: input.picked("")
    }

    Dialog {
        id: dialog
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("选择日期")
        standardButtons: Dialog.Ok | Dialog.Cancel
        readonly property int firstYear: 1900
        function load(iso) {
            const d = iso.length === 10 ? new Date(iso + "T00:00:00") : new Date()
            year.currentIndex = d.getFullYear() - firstYear
            month.currentIndex = d.getMonth()
            day.currentIndex = d.getDate() - 1
        }
        onAccepted: {
            const pad = (n) => (n < 10 ? "0" : "") + n
            input.picked((firstYear + year.currentIndex) + "-" + pad(month.currentIndex + 1) + "-" + pad(day.currentIndex + 1))
        }
        RowLayout {
            Tumbler { id: year; model: new Date().getFullYear() + 2 - dialog.firstYear; delegate: wheelText; property int offset: dialog.firstYear }
            Tumbler { id: month; model: 12; delegate: wheelText; property int offset: 1 }
            Tumbler {
                id: day
                model: new Date(dialog.firstYear + year.currentIndex, month.currentIndex + 1, 0).getDate()
                delegate: wheelText
                property int offset: 1
            }
        }
        Component {
            id: wheelText
            Label {
                required property int index
                text: index + Tumbler.tumbler.offset
                font.pixelSize: Theme.titleFont
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
                opacity: 1.0 - Math.abs(Tumbler.displacement) / (Tumbler.tumbler.visibleItemCount / 2)
            }
        }
    }
}
