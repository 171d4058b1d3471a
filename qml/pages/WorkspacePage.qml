import QtQuick
import QtQuick.Controls
import Anju.Backend
import Anju.Ui

// The signed-in workspace: list and detail side by side in landscape, one at a time in portrait.
Item {
    id: workspace
    readonly property bool wide: width > height && width >= 900
    property string selectedHousehold: ""

    HouseholdListPane {
        id: list
        objectName: "householdList"
        width: workspace.wide ? Math.min(460, workspace.width * 0.38) : workspace.width
        height: workspace.height
        visible: workspace.wide || detail.depth === 0
        selectedUuid: workspace.selectedHousehold
        onHouseholdChosen: (uuid) => workspace.openHousehold(uuid)
        onAddHousehold: workspace.openForm("household", "", "", "")
    }

    Rectangle {
        visible: workspace.wide
        x: list.width
        width: 1
        height: workspace.height
        color: Theme.border
    }

    StackView {
        id: detail
        objectName: "detailStack"
        x: workspace.wide ? list.width + 1 : 0
        width: workspace.width - x
        height: workspace.height
        visible: workspace.wide || depth > 0
        clip: true
    }

    Label {
        visible: workspace.wide && detail.depth === 0
        anchors.centerIn: detail
        text: qsTr("从左侧选择一户,查看一户一档")
        color: Theme.secondaryText
        font.pixelSize: Theme.titleFont
    }

    Component {
        id: householdPage
        HouseholdPage {
            onBack: detail.pop(null) && (workspace.selectedHousehold = "")
            onEditRequested: (type, uuid, parent, section) => workspace.openForm(type, uuid, parent, section)
        }
    }
    Component {
        id: formPage
        FormPage {
            onDone: (saved) => {
                detail.pop()
                if (saved.length > 0 && form.recordType === "household" && detail.depth === 0)
                    workspace.openHousehold(saved)
            }
        }
    }

    function openHousehold(uuid) {
        selectedHousehold = uuid
        detail.clear()
        detail.push(householdPage, { householdUuid: uuid })
    }

    function showList() {
        selectedHousehold = ""
        detail.clear()
    }

    function openForm(type, uuid, parent, section) {
        const page = detail.push(formPage)
        page.form.section = section
        page.form.recordType = type
        page.form.parentUuid = parent
        page.form.uuid = uuid
        return page
    }
}
