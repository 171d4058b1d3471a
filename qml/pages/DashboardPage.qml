import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Anju.Backend
import Anju.Ui

// The supervisor's dashboard: the two indicators every plan tracks, per grid, plus the table and export.
Item {
    id: page

    DashboardModel {
        id: dashboard
        Component.onCompleted: reload()
        onLoaded: {
            const grids = dashboard.column("grid")
            axis.categories = grids
            visitedSet.values = dashboard.column("visitedPct").map(v => v === undefined || v === null ? 0 : v)
            stableSet.values = dashboard.column("stableWorkPct").map(v => v === undefined || v === null ? 0 : v)
        }
        onExported: (ok, message) => exportMessage.text = ok ? qsTr("已导出到 %1").arg(message) : message
    }

    function pct(v) { return v === undefined || v === null ? "—" : v.toFixed(1) + "%" }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: page.width
            spacing: Theme.gap

            RowLayout {
                Layout.fillWidth: true
                Layout.margins: Theme.gap
                spacing: Theme.gap / 2
                CountTile { objectName: "tileHouseholds"; label: qsTr("户数"); value: dashboard.community.households || 0; Layout.fillWidth: true }
                CountTile { objectName: "tilePeople"; label: qsTr("人数"); value: dashboard.community.people || 0; Layout.fillWidth: true }
                CountTile { objectName: "tileVisited"; label: qsTr("本月已走访户"); value: dashboard.community.visited || 0; Layout.fillWidth: true }
                CountTile { objectName: "tileOverdue"; label: qsTr("监测户逾期未回访"); value: dashboard.community.overdue || 0; Layout.fillWidth: true }
                CountTile { objectName: "tileConflicts"; label: qsTr("待处理冲突"); value: dashboard.community.openConflicts || 0; Layout.fillWidth: true }
            }
            Label {
                Layout.leftMargin: Theme.gap
                text: dashboard.busy ? qsTr("正在读取…") : dashboard.errorString.length > 0 ? dashboard.errorString
                    : qsTr("%1 月 · 全社区走访率 %2 · 有劳动力户中稳定就业 %3")
                          .arg(dashboard.month).arg(page.pct(dashboard.community.visitedPct))
                          .arg(page.pct(dashboard.community.stableWorkPct))
                color: dashboard.errorString.length > 0 ? Theme.error : Theme.text
                font.bold: true
            }

            ChartView {
                objectName: "dashboardChart"
                Layout.fillWidth: true
                Layout.preferredHeight: 340
                antialiasing: true
                legend.alignment: Qt.AlignBottom
                title: qsTr("各网格本月走访率与稳定就业率(%)")
                BarSeries {
                    axisX: BarCategoryAxis { id: axis }
                    axisY: ValueAxis { min: 0; max: 100; tickCount: 6; labelFormat: "%d" }
                    BarSet { id: visitedSet; label: qsTr("本月走访率"); color: Theme.primary }
                    BarSet { id: stableSet; label: qsTr("稳定就业率"); color: Theme.success }
                }
            }

            // The table a supervisor can check against the chart.
            ColumnLayout {
                Layout.fillWidth: true
                Layout.margins: Theme.gap
                spacing: 2
                RowLayout {
                    Layout.fillWidth: true
                    Repeater {
                        model: [qsTr("网格"), qsTr("户数"), qsTr("人数"), qsTr("走访率"), qsTr("监测户"), qsTr("逾期"),
                                qsTr("稳定就业"), qsTr("冲突")]
                        // The grid's name takes three shares of the width (its column elides); figures one each.
                        delegate: Label {
                            required property string modelData
                            required property int index
                            text: modelData
                            font.bold: true
                            Layout.fillWidth: true
                            Layout.preferredWidth: index === 0 ? 3 : 1
                        }
                    }
                }
                Repeater {
                    model: dashboard.grids
                    delegate: RowLayout {
                        required property string grid
                        required property string gridName
                        required property var households
                        required property var people
                        required property var visitedPct
                        required property var monitored
                        required property var overdue
                        required property var stableWorkPct
                        required property var openConflicts
                        Layout.fillWidth: true
                        Repeater {
                            // The code ties the row to the chart's bar; the name says which grid it is.
                            model: [gridName === grid ? grid : grid + " " + gridName, households, people, page.pct(visitedPct), monitored, overdue,
                                    page.pct(stableWorkPct), openConflicts]
                            delegate: Label {
                                required property var modelData
                                required property int index
                                text: modelData === undefined || modelData === null ? "—" : modelData
                                color: index === 5 && modelData > 0 ? Theme.error : Theme.text
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                                Layout.preferredWidth: index === 0 ? 3 : 1
                            }
                        }
                    }
                }
            }
            RowLayout {
                Layout.margins: Theme.gap
                TouchButton { text: qsTr("刷新"); onClicked: dashboard.reload() }
                TouchButton { objectName: "exportCsv"; text: qsTr("导出 CSV"); onClicked: dashboard.exportAs("csv") }
                TouchButton { objectName: "exportXlsx"; text: qsTr("导出 Excel"); onClicked: dashboard.exportAs("xlsx") }
                Label { id: exportMessage; objectName: "exportMessage"; color: Theme.secondaryText; wrapMode: Text.WrapAnywhere; Layout.fillWidth: true }
            }
        }
    }
}
