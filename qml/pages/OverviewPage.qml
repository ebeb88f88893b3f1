pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Health of the attached backend. Only what the backend reports; nothing is invented.
Flickable {
    id: page
    readonly property BackendConnection connection: Console.connection
    readonly property var info: connection.systemInfo
    readonly property bool connected: connection.state === BackendConnection.Connected
    property double now: Date.now()

    objectName: "overviewPage"
    contentHeight: column.implicitHeight + 2 * Theme.spacing
    clip: true

    function formatUptime(startedAt) {
        const started = Date.parse(startedAt)
        if (isNaN(started))
            return "–"
        let s = Math.max(0, Math.floor((page.now - started) / 1000))
        const d = Math.floor(s / 86400); s -= d * 86400
        const h = Math.floor(s / 3600); s -= h * 3600
        const m = Math.floor(s / 60); s -= m * 60
        return d > 0 ? qsTr("%1 d %2 h %3 min").arg(d).arg(h).arg(m)
                     : h > 0 ? qsTr("%1 h %2 min").arg(h).arg(m) : qsTr("%1 min %2 s").arg(m).arg(s)
    }

    Timer {
        interval: 1000
        running: page.connected && page.visible
        repeat: true
        onTriggered: page.now = Date.now()
    }

    ColumnLayout {
        id: column
        x: Theme.spacing * 2
        y: Theme.spacing * 2
        width: page.width - Theme.spacing * 4
        spacing: Theme.spacing

        PageHeader {
            title: qsTr("Overview")
            subtitle: Console.localMode ? qsTr("Local stack on this machine") : qsTr("Remote backend")
        }

        Card {
            Layout.fillWidth: true
            title: qsTr("Connection")

            RowLayout {
                spacing: 8
                Rectangle {
                    width: 10
                    height: 10
                    radius: 5
                    color: StateText.connectionColor(page.connection.state)
                }
                Label {
                    objectName: "connectionState"
                    text: StateText.connection(page.connection.state)
                    color: Theme.text
                    font.bold: true
                }
                Label {
                    text: String(page.connection.url)
                    color: Theme.mutedText
                }
            }
            Label {
                visible: page.connection.state === BackendConnection.Reconnecting
                text: qsTr("%1 Retrying in %2 s.").arg(page.connection.errorString).arg(page.connection.retryInSeconds)
                color: Theme.critical
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            Label {
                visible: Console.localMode && Console.localStack.state === LocalStack.Failed
                text: Console.localStack.errorString
                color: Theme.critical
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            RowLayout {
                Button {
                    visible: page.connection.state === BackendConnection.Reconnecting
                    text: qsTr("Retry now")
                    onClicked: page.connection.retryNow()
                }
                Button {
                    visible: Console.localMode && Console.localStack.state === LocalStack.Failed
                    text: qsTr("Start the local stack again")
                    onClicked: Console.localStack.start()
                }
            }
        }

        Card {
            Layout.fillWidth: true
            title: qsTr("Backend")
            visible: page.connected

            InfoRow {
                label: qsTr("Version")
                value: page.info.version ?? ""
            }
            InfoRow {
                label: qsTr("Mode")
                value: page.info.mode === "local" ? qsTr("Local (SQLite, one process)") : (page.info.mode ?? "")
            }
            InfoRow {
                label: qsTr("Node")
                value: page.info.nodeId ?? ""
                monospace: true
            }
            InfoRow {
                label: qsTr("Up for")
                value: page.formatUptime(page.info.startedAt)
            }
            InfoRow {
                label: qsTr("Data directory")
                value: page.info.dataDir ?? ""
                monospace: true
            }
        }

        Card {
            Layout.fillWidth: true
            title: qsTr("Platform health")
            visible: page.connected

            Label {
                text: qsTr("Services, gateway traffic, error rate, p95 latency, event rate and running builds will "
                           + "appear here once this backend provides the registry, gateway, events and deployments "
                           + "services. Nothing is shown until then.")
                color: Theme.mutedText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
    }
}
