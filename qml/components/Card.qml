import QtQuick
import Anju.Ui

// A white rounded panel on the grey background.
Rectangle {
    color: Theme.card
    radius: Theme.radius
    border.color: Theme.border
}
