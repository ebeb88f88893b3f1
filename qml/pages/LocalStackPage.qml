pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The bundled meshdeckd: its state, controls and live log.
ColumnLayout {
    id: page
    readonly property LocalStack stack: Console.localStack
    readonly property bool busy: stack.state === LocalStack.Starting || stack.state === LocalStack.Stopping

    objectName: "localStackPage"
    spacing: Theme.spacing

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Local stack")
        subtitle: Console.localMode ? qsTr("meshdeckd running on this machine, started by the console")
                                    : qsTr("The console is attached to a remote backend; the local stack is not in use.")
    }

    Card {
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
        visible: Console.localMode

        RowLayout {
            spacing: 8
            Rectangle {
                width: 10
                height: 10
                radius: 5
                color: StateText.stackColor(page.stack.state)
            }
            Label {
                text: StateText.stack(page.stack.state)
                font.bold: true
                color: Theme.text
            }
            Item {
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Start")
                Accessible.name: qsTr("Start the local stack")
                enabled: !page.busy && page.stack.state !== LocalStack.Running
                onClicked: page.stack.start()
            }
            Button {
                text: qsTr("Stop")
                Accessible.name: qsTr("Stop the local stack")
                enabled: page.stack.state === LocalStack.Running || page.stack.state === LocalStack.Starting
                onClicked: page.stack.stop()
            }
            Button {
                text: qsTr("Restart")
                Accessible.name: qsTr("Restart the local stack")
                enabled: page.stack.state === LocalStack.Running
                onClicked: page.stack.restart()
            }
        }
        Label {
            visible: page.stack.state === LocalStack.Failed
            text: page.stack.errorString
            color: Theme.critical
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        InfoRow {
            label: qsTr("Address")
            value: String(page.stack.url)
            monospace: true
        }
        InfoRow {
            label: qsTr("Process")
            value: page.stack.pid > 0 ? qsTr("pid %1").arg(page.stack.pid) : "–"
        }
        InfoRow {
            label: qsTr("Program")
            value: page.stack.program
            monospace: true
        }
        InfoRow {
            label: qsTr("Data directory")
            value: page.stack.dataDir
            monospace: true
        }
    }

    Rectangle {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius
        visible: Console.localMode

        ListView {
            id: logView
            property bool follow: true

            anchors.fill: parent
            anchors.margins: 8
            clip: true
            model: page.stack.log
            activeFocusOnTab: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("meshdeckd log")
            onCountChanged: if (follow) positionViewAtEnd()
            onMovementEnded: follow = atYEnd
            ScrollBar.vertical: ScrollBar {}

            delegate: Text {
                required property string line
                required property string level
                width: logView.width
                font.family: Theme.monospace
                font.pixelSize: 12
                wrapMode: Text.WrapAnywhere
                color: level === "error" || level === "fatal" ? Theme.critical
                                                               : level === "warning" ? Theme.warning : Theme.text
                // Log text is shown as text, never as markup.
                textFormat: Text.PlainText
                text: line
            }
        }
        Label {
            anchors.centerIn: parent
            visible: logView.count === 0
            text: qsTr("No log lines yet. Start the local stack to see meshdeckd's log here.")
            color: Theme.mutedText
        }
    }
}
