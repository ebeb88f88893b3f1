import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme
import Meshdeck.Pages

// Always visible: which backend the console is attached to and whether it is reachable.
ToolBar {
    id: bar
    readonly property BackendConnection connection: Console.connection

    background: Rectangle {
        color: Theme.surface
        Rectangle {
            width: parent.width
            height: 1
            color: Theme.border
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        spacing: 8

        Rectangle {
            width: 8
            height: 8
            radius: 4
            color: StateText.connectionColor(bar.connection.state)
        }
        Label {
            objectName: "statusConnection"
            text: StateText.connection(bar.connection.state)
            color: Theme.text
        }
        Label {
            text: Console.localMode ? qsTr("Local stack · %1").arg(String(bar.connection.url))
                                    : String(bar.connection.url)
            color: Theme.mutedText
            elide: Text.ElideMiddle
            Layout.fillWidth: true
        }
        Label {
            text: qsTr("Meshdeck %1").arg(Console.version)
            color: Theme.mutedText
        }
    }
}
