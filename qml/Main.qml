import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Anju.Backend
import Anju.Ui

// The window: the sync status bar on top, then sign-in, unlock or the workspace.
ApplicationWindow {
    id: window
    width: 1280
    height: 800
    visible: true
    title: qsTr("安居 · 一户一档")
    color: Theme.background
    font.pixelSize: Theme.baseFont

    header: SyncStatusBar {
        onSettingsRequested: settingsDrawer.open()
    }

    Loader {
        id: content
        anchors.fill: parent
        sourceComponent: Session.state === Session.Unlocked ? workspace
                       : Session.state === Session.Locked ? unlock : signIn
    }

    Component { id: signIn; SignInPage {} }
    Component { id: unlock; UnlockPage {} }
    Component { id: workspace; HomePage {} }

    Drawer {
        id: settingsDrawer
        edge: Qt.RightEdge
        width: Math.min(window.width * 0.8, 420)
        height: window.height
        SettingsPage { anchors.fill: parent; onCloseRequested: settingsDrawer.close() }
    }

    Toast { id: toast }

    Connections {
        target: Sync
        function onFinished(ok, message) {
            if (message.length > 0) toast.show(message)
        }
    }

    /// Shows a short message at the bottom of the window.
    function notify(message) { toast.show(message) }
}
