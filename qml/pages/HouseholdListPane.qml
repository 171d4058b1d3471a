import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// My households: counts on top, search by name / ID number / address, filters, the list.
Item {
    id: pane
    property string selectedUuid: ""
    property alias model: households
    signal householdChosen(string uuid)
    signal addHousehold()

    HouseholdListModel { id: households }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.gap
        spacing: Theme.gap

        RowLayout {
            spacing: Theme.gap / 2
            Layout.fillWidth: true
            CountTile { objectName: "householdCount"; label: qsTr("户数"); value: households.households; Layout.fillWidth: true }
            CountTile { objectName: "peopleCount"; label: qsTr("人数"); value: households.people; Layout.fillWidth: true }
            CountTile {
                objectName: "visitedCount"
                label: qsTr("本月已走访")
                value: households.visitedThisMonth
                Layout.fillWidth: true
            }
        }

        TextField {
            id: search
            objectName: "searchField"
            Layout.fillWidth: true
            implicitHeight: Theme.touch
            placeholderText: qsTr("搜索姓名、身份证号或住址")
            inputMethodHints: Qt.ImhNoPredictiveText
            onTextChanged: searchDelay.restart()
            Timer { id: searchDelay; interval: 250; onTriggered: households.search = search.text }
        }

        Flow {
            Layout.fillWidth: true
            spacing: Theme.gap / 2
            FilterChip {
                objectName: "filterAll"
                text: qsTr("全部")
                checked: households.filter === HouseholdListModel.All
                onClicked: households.filter = HouseholdListModel.All
            }
            FilterChip {
                objectName: "filterDue"
                text: qsTr("本月待回访 %1").arg(households.dueThisMonth)
                checked: households.filter === HouseholdListModel.DueRevisit
                onClicked: households.filter = HouseholdListModel.DueRevisit
            }
            FilterChip {
                objectName: "filterMonitored"
                text: qsTr("监测户")
                checked: households.filter === HouseholdListModel.Monitored
                onClicked: households.filter = HouseholdListModel.Monitored
            }
            FilterChip {
                objectName: "filterAttention"
                text: qsTr("冲突或退回 %1").arg(households.needingAttention)
                checked: households.filter === HouseholdListModel.NeedsAttention
                onClicked: households.filter = HouseholdListModel.NeedsAttention
            }
        }
        Flow {
            visible: households.filter === HouseholdListModel.Monitored
            Layout.fillWidth: true
            spacing: Theme.gap / 2
            Repeater {
                model: [
                    { code: "", label: qsTr("全部监测类别") },
                    { code: "unstable", label: qsTr("脱贫不稳定户") },
                    { code: "marginal", label: qsTr("边缘易致贫户") },
                    { code: "sudden_hardship", label: qsTr("突发严重困难户") }
                ]
                delegate: FilterChip {
                    required property var modelData
                    objectName: "category_" + modelData.code
                    text: modelData.label
                    small: true
                    checked: households.monitoringCategory === modelData.code
                    onClicked: households.monitoringCategory = modelData.code
                }
            }
        }

        Label {
            objectName: "resultCount"
            text: qsTr("共 %n 户", "", households.count)
            color: Theme.secondaryText
            font.pixelSize: Theme.smallFont
        }

        ListView {
            id: listView
            objectName: "householdListView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: households
            spacing: 6
            reuseItems: true
            delegate: HouseholdDelegate {
                width: listView.width
                selected: uuid === pane.selectedUuid
                onClicked: pane.householdChosen(uuid)
            }
            ScrollBar.vertical: ScrollBar {}
            Label {
                anchors.centerIn: parent
                visible: listView.count === 0
                text: search.text.length > 0 ? qsTr("没有找到符合条件的住户") : qsTr("还没有住户。联网同步,或新增一户。")
                color: Theme.secondaryText
                wrapMode: Text.WordWrap
                width: parent.width * 0.8
                horizontalAlignment: Text.AlignHCenter
            }
        }

        TouchButton {
            objectName: "addHouseholdButton"
            text: qsTr("+ 新增住户")
            primary: true
            Layout.fillWidth: true
            onClicked: pane.addHousehold()
        }
    }
}
