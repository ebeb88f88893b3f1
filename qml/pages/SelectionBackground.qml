import QtQuick
import Meshdeck.Theme

// A list row's background: the selection colour, and a focus ring while the keyboard is on it.
Rectangle {
    property bool selected
    property bool focused

    color: selected ? Theme.selection : "transparent"
    border.color: focused ? Theme.accent : "transparent"
    border.width: 2
    radius: 3
}
