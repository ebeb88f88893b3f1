pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The gateway's access log (the gateway.access topic: every error and a sample of the rest),
// newest first and live, filtered by route, status and request id. Each entry leads to the events
// with its request id and to the instance that answered it.
ColumnLayout {
    id: tab
    required property GatewayController gateway
    readonly property AccessLogModel log: gateway.accessLog
    // "Any route" and the routes' names, for the route filter.
    readonly property var routeNames: {
        const names = [""]
        for (let row = 0; row < gateway.routes.count; ++row)
            names.push(String(gateway.routes.valueAt(row, "name") ?? ""))
        return names
    }

    function focusSearch() {
        requestIdField.forceActiveFocus()
    }

    spacing: 8
    onVisibleChanged: {
        if (visible)
            gateway.followAccessLog()
    }
    Component.onCompleted: {
        if (visible)
            gateway.followAccessLog()
    }

    RowLayout {
        spacing: 8
        Layout.fillWidth: true
        ComboBox {
            id: routeFilter
            objectName: "accessRouteFilter"
            Accessible.name: qsTr("Filter the access log by route")
            implicitContentWidthPolicy: ComboBox.WidestText
            model: tab.routeNames
            displayText: currentIndex <= 0 ? qsTr("Any route") : currentText
            delegate: ItemDelegate {
                required property string modelData
                required property int index
                width: routeFilter.width
                text: index === 0 ? qsTr("Any route") : modelData
                Accessible.name: text
                highlighted: routeFilter.highlightedIndex === index
            }
            onActivated: tab.log.routeFilter = currentIndex <= 0 ? "" : currentText
        }
        ComboBox {
            objectName: "accessStatusFilter"
            Accessible.name: qsTr("Filter the access log by status")
            implicitContentWidthPolicy: ComboBox.WidestText
            textRole: "label"
            valueRole: "value"
            model: tab.gateway.statusChoices
            onActivated: tab.log.statusFilter = currentValue
        }
        TextField {
            id: requestIdField
            objectName: "accessRequestIdFilter"
            placeholderText: qsTr("Request id")
            Accessible.name: qsTr("Filter the access log by request id")
            font.family: Theme.monospace
            Layout.fillWidth: true
            text: tab.log.requestIdFilter
            onTextEdited: tab.log.requestIdFilter = text
        }
        Label {
            text: qsTr("%1 of %2 entries").arg(tab.log.count).arg(tab.log.total)
            color: Theme.mutedText
        }
    }

    Rectangle {
        Layout.fillWidth: true
        Layout.fillHeight: true
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius

        ColumnLayout {
            anchors.fill: parent
            anchors.margins: 8
            spacing: 2

            ListView {
                id: entryList
                objectName: "accessLogList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: tab.log
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Gateway access log")

                delegate: ItemDelegate {
                    id: entry
                    required property string time
                    required property string requestId
                    required property string route
                    required property string method
                    required property string path
                    required property int status
                    required property string timingText
                    required property string instanceId
                    required property string client
                    required property string consumer
                    required property string cause
                    required property string summary

                    width: entryList.width
                    leftPadding: 0
                    rightPadding: 0
                    Accessible.name: qsTr("%1, request %2").arg(summary).arg(requestId)
                    background: SelectionBackground {
                        selected: false
                        focused: entry.ListView.isCurrentItem && entryList.activeFocus
                    }
                    contentItem: RowLayout {
                        spacing: 8
                        Label {
                            text: entry.time
                            color: Theme.mutedText
                            font.family: Theme.monospace
                            font.pixelSize: 11
                            Layout.preferredWidth: 96
                        }
                        Label {
                            text: entry.status
                            font.bold: true
                            color: entry.status >= 500 ? Theme.critical : entry.status >= 400 ? Theme.warning
                                                                                              : Theme.passing
                            Layout.preferredWidth: 36
                        }
                        Label {
                            text: entry.method + " " + entry.path
                            color: Theme.text
                            font.family: Theme.monospace
                            elide: Text.ElideMiddle
                            Layout.fillWidth: true
                        }
                        Label {
                            text: entry.route
                            color: Theme.text
                            elide: Text.ElideRight
                            Layout.preferredWidth: 100
                        }
                        Label {
                            text: entry.cause.length > 0 ? qsTr("%1 · %2").arg(entry.cause).arg(entry.timingText)
                                                         : entry.timingText
                            color: entry.cause.length > 0 ? Theme.warning : Theme.mutedText
                            font.pixelSize: 11
                            elide: Text.ElideRight
                            Layout.preferredWidth: 260
                        }
                        Label {
                            text: entry.consumer.length > 0 ? entry.consumer : entry.client
                            color: Theme.mutedText
                            font.pixelSize: 11
                            elide: Text.ElideRight
                            Layout.preferredWidth: 110
                        }
                        Button {
                            text: qsTr("Events")
                            flat: true
                            Accessible.name: qsTr("Events with request id %1").arg(entry.requestId)
                            onClicked: {
                                // The Events page opens on the access topic, filtered by this request id.
                                Console.events.selectedTopic = "gateway.access"
                                Console.events.tail.filterText = entry.requestId
                                Console.navigation.currentPage = "events"
                            }
                        }
                        Button {
                            text: qsTr("Instance")
                            flat: true
                            enabled: entry.instanceId.length > 0
                            Accessible.name: qsTr("Show the instance that answered request %1 on the Services page")
                                             .arg(entry.requestId)
                            onClicked: {
                                Console.registry.selectInstance(entry.instanceId)
                                Console.navigation.currentPage = "services"
                            }
                        }
                    }
                }
            }
            ListStatus {
                objectName: "accessLogStatus"
                Layout.fillWidth: true
                loading: tab.log.loading
                error: tab.log.error
                empty: entryList.count === 0
                emptyText: tab.log.total > 0 ? qsTr("No entry matches the filter.")
                                             : qsTr("No request logged yet. The gateway logs every error and a sample "
                                                    + "of the other requests here.")
                retryName: qsTr("Retry reading the access log")
                onRetry: tab.gateway.followAccessLog()
            }
        }
    }
}
