import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Theme

// A titled panel.
Rectangle {
    id: card
    property string title
    default property alias content: body.data

    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius
    implicitHeight: column.implicitHeight + 2 * Theme.spacing

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing / 2

        Label {
            text: card.title
            visible: card.title.length > 0
            font.bold: true
            color: Theme.text
        }
        ColumnLayout {
            id: body
            Layout.fillWidth: true
            spacing: 6
        }
    }
}
