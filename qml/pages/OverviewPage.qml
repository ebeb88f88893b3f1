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

    // F5 (asked by the window): try the backend again now, and reload the latest status changes.
    Connections {
        target: Console
        function onRefreshRequested() {
            if (page.connection.state === BackendConnection.Reconnecting)
                page.connection.retryNow()
            page.registry.refreshRecentChanges()
        }
    }
    contentHeight: column.implicitHeight + 2 * Theme.spacing
    clip: true

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
                    Accessible.name: qsTr("Retry connecting now")
                    onClicked: page.connection.retryNow()
                }
                Button {
                    visible: Console.localMode && Console.localStack.state === LocalStack.Failed
                    text: qsTr("Start the local stack again")
                    Accessible.name: text
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
                value: StateText.since(page.info.startedAt ?? "", page.now)
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
                    model: page.registry.counts
                    delegate: ColumnLayout {
                        id: tile
                        required property string status
                        required property int count
                        spacing: 0
                        Accessible.role: Accessible.StaticText
                        Accessible.name: qsTr("%1: %2").arg(StateText.health(tile.status)).arg(tile.count)
                        Label {
                            objectName: "count_" + tile.status
                            text: tile.count
                            font.pixelSize: 26
                            font.bold: true
                            color: tile.count > 0 ? StateText.healthColor(tile.status) : Theme.mutedText
                        }
                        Label {
                            text: StateText.health(tile.status)
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
                visible: changeList.count > 0
                Layout.topMargin: 6
            }
            ListView {
                id: changeList
                objectName: "recentChangesList"
                model: page.registry.recentChanges
                interactive: false
                implicitHeight: contentHeight
                Layout.fillWidth: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Latest status changes")
                delegate: RowLayout {
                    id: change
                    required property string timeText
                    required property string to
                    required property string subject
                    required property string reason
                    width: changeList.width
                    spacing: 8
                    Label {
                        text: change.timeText
                        color: Theme.mutedText
                        font.family: Theme.monospace
                    }
                    StatusBadge {
                        status: change.to
                    }
                    Label {
                        text: change.subject
                        color: Theme.text
                    }
                    Label {
                        text: change.reason
                        color: Theme.mutedText
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }
            }
            ListStatus {
                objectName: "recentChangesStatus"
                Layout.fillWidth: true
                visible: page.registry.loaded && (failed || empty)
                loading: page.registry.recentChanges.loading
                error: page.registry.recentChanges.error
                empty: changeList.count === 0
                emptyText: qsTr("No status change yet.")
                retryName: qsTr("Retry loading the latest status changes")
                onRetry: page.registry.refreshRecentChanges()
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
