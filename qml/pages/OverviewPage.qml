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
    readonly property GatewayController gateway: Console.gateway
    readonly property ClusterMembersModel members: Console.clusterMembers
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
            page.gateway.refresh()
            page.members.refresh()
            Console.clusterSummary.refresh()
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
            subtitle: Console.localMode ? qsTr("Local stack on this machine")
                                        : qsTr("Remote backend: %1").arg(Console.targetName)
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
                objectName: "connectionRefused"
                visible: page.connection.state === BackendConnection.Refused || Console.attachError !== ""
                text: Console.attachError !== "" ? Console.attachError : page.connection.errorString
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
                             || page.connection.state === BackendConnection.Refused
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
            objectName: "membersCard"
            Layout.fillWidth: true
            title: qsTr("Cluster members")
            visible: page.connected

            Label {
                visible: page.members.singleNode
                text: qsTr("This backend is a single node (no cluster).")
                color: Theme.mutedText
            }
            ListView {
                id: memberList
                objectName: "memberList"
                model: page.members
                interactive: false
                implicitHeight: contentHeight
                visible: count > 0
                Layout.fillWidth: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Cluster members")
                delegate: RowLayout {
                    id: member
                    required property string nodeId
                    required property string url
                    required property string version
                    required property string state
                    required property string lastSeen
                    required property int connections
                    required property double load
                    width: memberList.width
                    spacing: Theme.spacing
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("Node %1 at %2: %3").arg(member.nodeId).arg(member.url).arg(member.state)
                    Label {
                        text: member.nodeId
                        font.family: Theme.monospace
                        color: Theme.text
                    }
                    Label {
                        text: member.state
                        font.bold: true
                        color: member.state === "serving" ? Theme.passing
                             : member.state === "gone" ? Theme.critical : Theme.warning
                    }
                    Label {
                        text: member.url
                        color: Theme.mutedText
                        elide: Text.ElideMiddle
                        Layout.fillWidth: true
                    }
                    Label {
                        // The channel announces state changes, not each heartbeat: a serving
                        // member is seen every second (it would be gone otherwise), so its last
                        // heartbeat time is shown only once it stopped serving.
                        text: member.state === "serving"
                              ? qsTr("%1 · %2 connections · load %3").arg(member.version).arg(member.connections)
                                .arg(member.load.toFixed(2))
                              : qsTr("%1 · %2 connections · load %3 · seen %4").arg(member.version)
                                .arg(member.connections).arg(member.load.toFixed(2))
                                .arg(StateText.since(member.lastSeen, page.now))
                        color: Theme.mutedText
                    }
                }
            }
            ListStatus {
                objectName: "membersStatus"
                Layout.fillWidth: true
                visible: !page.members.singleNode && (failed || (page.members.loaded && empty))
                loading: page.members.loading
                error: page.members.error
                empty: memberList.count === 0
                emptyText: qsTr("The backend lists no members.")
                retryName: qsTr("Retry loading the cluster members")
                onRetry: page.members.refresh()
            }
        }

        Card {
            objectName: "summaryCard"
            Layout.fillWidth: true
            title: qsTr("All clusters")
            visible: summaryList.count > 0

            ListView {
                id: summaryList
                objectName: "summaryList"
                model: Console.clusterSummary
                interactive: false
                implicitHeight: contentHeight
                Layout.fillWidth: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("All cluster profiles")
                delegate: RowLayout {
                    id: summary
                    required property string name
                    required property string colour
                    required property bool checked
                    required property bool reachable
                    required property int criticalServices
                    required property int nodes
                    required property string problem
                    readonly property string statusText: !summary.checked ? qsTr("not checked yet")
                        : !summary.reachable ? qsTr("unreachable: %1").arg(summary.problem)
                        : qsTr("reachable · %1 critical services · %2 nodes").arg(summary.criticalServices)
                              .arg(summary.nodes < 0 ? "?" : summary.nodes)
                    width: summaryList.width
                    spacing: Theme.spacing
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("%1: %2").arg(summary.name).arg(summary.statusText)
                    Rectangle {
                        width: 12
                        height: 12
                        radius: 6
                        color: summary.colour
                    }
                    Label {
                        text: summary.name
                        font.bold: true
                        color: Theme.text
                    }
                    Label {
                        text: summary.statusText
                        color: summary.checked && !summary.reachable ? Theme.critical
                             : summary.criticalServices > 0 ? Theme.critical : Theme.mutedText
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }
            }
            Button {
                text: qsTr("Check all clusters now")
                Accessible.name: text
                enabled: !Console.clusterSummary.loading
                onClicked: Console.clusterSummary.refresh()
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
                text: qsTr("Running builds will appear here once this backend provides the deployments service.")
                color: Theme.mutedText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
                Layout.topMargin: 6
            }
        }

        Card {
            objectName: "gatewayCard"
            Layout.fillWidth: true
            title: qsTr("Gateway")
            visible: page.connected

            Label {
                objectName: "noGatewayOverview"
                visible: !page.gateway.available
                text: qsTr("This backend has no gateway.")
                color: Theme.mutedText
            }
            RowLayout {
                visible: page.gateway.available && page.gateway.hasTotals
                spacing: Theme.spacing * 2
                Repeater {
                    model: [
                        { name: "gatewayRate", value: page.gateway.totalRateText, label: qsTr("requests"),
                          alarming: false },
                        { name: "gatewayErrors", value: page.gateway.totalErrorText, label: qsTr("errors"),
                          alarming: page.gateway.totalErrorPercent >= 5 },
                        { name: "gatewayP95", value: page.gateway.totalP95Text, label: qsTr("p95 latency"),
                          alarming: false }
                    ]
                    delegate: ColumnLayout {
                        id: gatewayTile
                        required property var modelData
                        spacing: 0
                        Accessible.role: Accessible.StaticText
                        Accessible.name: qsTr("Gateway %1: %2").arg(gatewayTile.modelData.label)
                                         .arg(gatewayTile.modelData.value)
                        Label {
                            objectName: gatewayTile.modelData.name
                            text: gatewayTile.modelData.value
                            font.pixelSize: 26
                            font.bold: true
                            color: gatewayTile.modelData.alarming ? Theme.critical : Theme.text
                        }
                        Label {
                            text: gatewayTile.modelData.label
                            color: Theme.mutedText
                        }
                    }
                }
                Label {
                    text: page.gateway.live ? qsTr("live") : qsTr("refreshed every few seconds")
                    color: Theme.mutedText
                    Layout.alignment: Qt.AlignBottom
                }
            }
            Label {
                visible: page.gateway.available && !page.gateway.hasTotals
                text: page.gateway.error.length > 0 ? page.gateway.error : qsTr("Waiting for the gateway…")
                color: page.gateway.error.length > 0 ? Theme.critical : Theme.mutedText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            Button {
                visible: page.gateway.available
                text: qsTr("Open the Gateway page")
                Accessible.name: text
                onClicked: Console.navigation.currentPage = "gateway"
            }
        }
    }
}
