pragma Singleton
import QtQuick

// Colours, spacing and type sizes of the app; text sizes follow the system font size.
QtObject {
    readonly property int baseFont: Math.max(15, Qt.application.font.pixelSize > 0 ? Qt.application.font.pixelSize : 16)
    readonly property int smallFont: Math.round(baseFont * 0.85)
    readonly property int titleFont: Math.round(baseFont * 1.35)
    readonly property int bigFont: Math.round(baseFont * 1.9)
    readonly property int touch: 48
    readonly property int gap: 12
    readonly property int radius: 8

    readonly property color primary: "#1565C0"
    readonly property color primaryDark: "#0D47A1"
    readonly property color primaryLight: "#E3F0FF"
    readonly property color background: "#F3F5F8"
    readonly property color card: "#FFFFFF"
    readonly property color text: "#1F2933"
    readonly property color secondaryText: "#5F6B7A"
    readonly property color border: "#D5DCE4"
    readonly property color error: "#C62828"
    readonly property color errorLight: "#FDECEC"
    readonly property color warning: "#B45309"
    readonly property color warningLight: "#FFF4E0"
    readonly property color success: "#2E7D32"
    readonly property color successLight: "#E8F5E9"
}
