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
    readonly property RegistryController registry: Console.registry
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
            objectName: "healthCard"
            Layout.fillWidth: true
            title: qsTr("Services")
            visible: page.connected

            RowLayout {
                visible: page.registry.loaded
                spacing: Theme.spacing * 2
                Repeater {
                    model: [
                        { status: "passing", count: page.registry.passing },
                        { status: "warning", count: page.registry.warning },
                        { status: "critical", count: page.registry.critical },
                        { status: "draining", count: page.registry.draining }
                    ]
                    delegate: ColumnLayout {
                        id: tile
                        required property var modelData
                        spacing: 0
                        Label {
                            objectName: "count_" + tile.modelData.status
                            text: tile.modelData.count
                            font.pixelSize: 26
                            font.bold: true
                            color: tile.modelData.count > 0 ? StateText.healthColor(tile.modelData.status) : Theme.mutedText
                        }
                        Label {
                            text: StateText.health(tile.modelData.status)
                            color: Theme.mutedText
                        }
                    }
                }
            }
            Label {
                visible: !page.registry.loaded
                text: qsTr("Waiting for the registry…")
                color: Theme.mutedText
            }
            Label {
                text: qsTr("Latest status changes")
                font.bold: true
                color: Theme.text
                visible: page.registry.recentChanges.length > 0
                Layout.topMargin: 6
            }
            Repeater {
                model: page.registry.recentChanges
                delegate: RowLayout {
                    id: change
                    required property var modelData
                    spacing: 8
                    Layout.fillWidth: true
                    Label {
                        text: Qt.formatDateTime(new Date(change.modelData.time), "hh:mm:ss")
                        color: Theme.mutedText
                        font.family: Theme.monospace
                    }
                    StatusBadge {
                        status: change.modelData.to
                    }
                    Label {
                        text: change.modelData.service + (change.modelData.endpoint.length > 0 ? " " + change.modelData.endpoint : "")
                        color: Theme.text
                    }
                    Label {
                        text: change.modelData.reason
                        color: Theme.mutedText
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }
            }
            Label {
                visible: page.registry.loaded && page.registry.recentChanges.length === 0
                text: qsTr("No status change yet.")
                color: Theme.mutedText
            }
            Label {
                text: qsTr("Gateway traffic, error rate, p95 latency and running builds will appear here once this "
                           + "backend provides the gateway and deployments services.")
                color: Theme.mutedText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
                Layout.topMargin: 6
            }
        }
    }
}
