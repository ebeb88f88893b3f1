pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The routes with their live numbers (sortable), and the selected route: its charts over a range,
// its instances with their circuit breakers, and the breaker reset.
ColumnLayout {
    id: tab
    required property GatewayController gateway
    readonly property GatewayRoutesModel routes: gateway.routes
    readonly property bool hasSelection: gateway.selectedRoute.length > 0
    // Resetting breakers (and editing routes) changes the gateway: offered only to who may.
    readonly property Permission mayConfigure: Permission {
        name: "gateway.write"
    }

    function focusSearch() {
        routeList.forceActiveFocus()
    }

    spacing: 8

    RowLayout {
        spacing: 8
        Layout.fillWidth: true
        Label {
            text: qsTr("%n route(s)", "", tab.routes.count)
            color: Theme.mutedText
            Layout.fillWidth: true
        }
        Button {
            objectName: "newRouteButton"
            text: qsTr("New route…")
            Accessible.name: qsTr("Create a route")
            visible: tab.mayConfigure.allowed
            onClicked: {
                tab.gateway.editor.createNew()
                editorDialog.open()
            }
        }
        Button {
            text: qsTr("Refresh")
            Accessible.name: qsTr("Refresh the gateway")
            onClicked: {
                tab.gateway.refresh()
                tab.gateway.refreshMetrics()
            }
        }
    }

    // The routes
    Rectangle {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.minimumHeight: 150
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius

        ColumnLayout {
            anchors.fill: parent
            anchors.margins: 8
            spacing: 2

            RowLayout {
                spacing: 8
                Layout.fillWidth: true
                GatewaySortHeader {
                    model: tab.routes
                    key: "name"
                    text: qsTr("Route")
                    Layout.preferredWidth: 130
                }
                ColumnHeader {
                    text: qsTr("Match")
                    Layout.fillWidth: true
                    Layout.minimumWidth: 120
                }
                GatewaySortHeader {
                    model: tab.routes
                    key: "service"
                    text: qsTr("Service")
                    Layout.preferredWidth: 100
                }
                GatewaySortHeader {
                    model: tab.routes
                    key: "rate"
                    text: qsTr("Rate")
                    Layout.preferredWidth: 64
                }
                GatewaySortHeader {
                    model: tab.routes
                    key: "errorPercent"
                    text: qsTr("Errors")
                    Layout.preferredWidth: 56
                }
                GatewaySortHeader {
                    model: tab.routes
                    key: "p99"
                    text: qsTr("p50 / p95 / p99")
                    Layout.preferredWidth: 190
                }
                GatewaySortHeader {
                    model: tab.routes
                    key: "gatewayP99"
                    text: qsTr("Gateway p99")
                    Layout.preferredWidth: 80
                }
                GatewaySortHeader {
                    model: tab.routes
                    key: "rateLimited"
                    text: qsTr("Limited (5 min)")
                    Layout.preferredWidth: 90
                }
                ColumnHeader {
                    text: qsTr("Busiest consumer")
                    Layout.preferredWidth: 170
                }
                ColumnHeader {
                    text: qsTr("Breakers")
                    Layout.preferredWidth: 120
                }
            }

            ListView {
                id: routeList
                objectName: "routeList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: tab.routes
                currentIndex: tab.routes.rowOf(tab.gateway.selectedRoute)
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Gateway routes")
                Keys.onReturnPressed: tab.gateway.selectedRoute = String(tab.routes.valueAt(currentIndex, "routeId") ?? "")
                Keys.onEnterPressed: tab.gateway.selectedRoute = String(tab.routes.valueAt(currentIndex, "routeId") ?? "")

                delegate: ItemDelegate {
                    id: row
                    required property string routeId
                    required property string name
                    required property string match
                    required property string service
                    required property string rateText
                    required property string errorText
                    required property double errorPercent
                    required property string latencyText
                    required property string gatewayP99Text
                    required property int rateLimited
                    required property string busiestConsumer
                    required property string breakers
                    required property int openBreakers

                    width: routeList.width
                    highlighted: tab.gateway.selectedRoute === routeId
                    Accessible.name: qsTr("Route %1 to %2: %3, %4 errors, p50/p95/p99 %5, breakers %6")
                                     .arg(name).arg(service).arg(rateText).arg(errorText).arg(latencyText)
                                     .arg(breakers.length > 0 ? breakers : qsTr("unknown"))
                    onClicked: tab.gateway.selectedRoute = routeId
                    background: SelectionBackground {
                        selected: row.highlighted
                        focused: row.ListView.isCurrentItem && routeList.activeFocus
                    }
                    leftPadding: 0
                    rightPadding: 0
                    contentItem: RowLayout {
                        spacing: 8
                        Label {
                            text: row.name
                            color: Theme.text
                            font.bold: row.highlighted
                            elide: Text.ElideRight
                            Layout.preferredWidth: 130
                        }
                        Label {
                            text: row.match
                            color: Theme.mutedText
                            font.family: Theme.monospace
                            elide: Text.ElideMiddle
                            Layout.fillWidth: true
                            Layout.minimumWidth: 120
                        }
                        Label {
                            text: row.service
                            color: Theme.text
                            elide: Text.ElideRight
                            Layout.preferredWidth: 100
                        }
                        Label {
                            objectName: "rate_" + row.name
                            text: row.rateText
                            color: Theme.text
                            Layout.preferredWidth: 64
                        }
                        Label {
                            objectName: "errors_" + row.name
                            text: row.errorText
                            color: row.errorPercent >= 5 ? Theme.critical : row.errorPercent > 0 ? Theme.warning
                                                                                                 : Theme.text
                            Layout.preferredWidth: 56
                        }
                        Label {
                            objectName: "latency_" + row.name
                            text: row.latencyText
                            color: Theme.text
                            elide: Text.ElideRight
                            Layout.preferredWidth: 190
                            Layout.maximumWidth: 190
                        }
                        Label {
                            text: row.gatewayP99Text
                            color: Theme.text
                            Layout.preferredWidth: 80
                        }
                        Label {
                            text: row.rateLimited
                            color: row.rateLimited > 0 ? Theme.warning : Theme.mutedText
                            Layout.preferredWidth: 90
                        }
                        Label {
                            text: row.busiestConsumer.length > 0 ? row.busiestConsumer : qsTr("—")
                            color: Theme.mutedText
                            elide: Text.ElideRight
                            Layout.preferredWidth: 170
                        }
                        Label {
                            objectName: "breakers_" + row.name
                            text: row.breakers
                            color: row.openBreakers > 0 ? Theme.critical : Theme.mutedText
                            elide: Text.ElideRight
                            Layout.preferredWidth: 120
                        }
                    }
                }
            }
            ListStatus {
                objectName: "routesStatus"
                Layout.fillWidth: true
                loading: tab.routes.loading
                error: tab.routes.error
                empty: routeList.count === 0
                emptyText: qsTr("No route yet. A route sends the gateway's traffic for a path prefix (and "
                                + "optionally a host and methods) to a service of the registry.")
                retryName: qsTr("Retry loading the gateway's routes")
                onRetry: tab.gateway.refresh()
            }
        }
    }

    // The selected route
    Rectangle {
        objectName: "routeDetail"
        visible: tab.hasSelection
        Layout.fillWidth: true
        Layout.preferredHeight: 440
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius

        ColumnLayout {
            anchors.fill: parent
            anchors.margins: Theme.spacing
            spacing: 6

            RowLayout {
                spacing: 8
                Layout.fillWidth: true
                Label {
                    text: tab.gateway.selectedRouteName
                    font.bold: true
                    color: Theme.text
                }
                Label {
                    text: String(tab.routes.valueAt(tab.routes.rowOf(tab.gateway.selectedRoute), "match") ?? "")
                          + "  →  " + String(tab.routes.valueAt(tab.routes.rowOf(tab.gateway.selectedRoute), "service") ?? "")
                    color: Theme.mutedText
                    font.family: Theme.monospace
                    elide: Text.ElideMiddle
                    Layout.fillWidth: true
                }
                Button {
                    objectName: "editRouteButton"
                    text: qsTr("Edit…")
                    Accessible.name: qsTr("Edit route %1").arg(tab.gateway.selectedRouteName)
                    visible: tab.mayConfigure.allowed
                    onClicked: {
                        tab.gateway.editor.edit(tab.gateway.selectedRoute)
                        editorDialog.open()
                    }
                }
                Button {
                    objectName: "routeHistoryButton"
                    text: qsTr("History…")
                    Accessible.name: qsTr("History of route %1").arg(tab.gateway.selectedRouteName)
                    onClicked: historyDialog.show(tab.gateway.selectedRoute, tab.gateway.selectedRouteName)
                }
                Button {
                    objectName: "deleteRouteButton"
                    text: qsTr("Delete…")
                    Accessible.name: qsTr("Delete route %1").arg(tab.gateway.selectedRouteName)
                    visible: tab.mayConfigure.allowed
                    onClicked: deleteConfirm.ask()
                }
                Label {
                    text: qsTr("Range")
                    color: Theme.mutedText
                }
                ComboBox {
                    id: rangePicker
                    objectName: "rangePicker"
                    Accessible.name: qsTr("Chart range")
                    textRole: "label"
                    valueRole: "value"
                    model: tab.gateway.rangeChoices
                    currentIndex: tab.gateway.rangeChoices.indexOf(tab.gateway.range)
                    onActivated: tab.gateway.range = currentValue
                }
            }

            RowLayout {
                spacing: Theme.spacing
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: 180
                GatewayChart {
                    objectName: "rateChart"
                    metrics: tab.gateway.metrics
                    title: qsTr("Requests per second")
                    scale: "rate"
                    series: [{ key: "rate", name: qsTr("requests/s"), colour: Theme.accent }]
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }
                GatewayChart {
                    objectName: "errorChart"
                    metrics: tab.gateway.metrics
                    title: qsTr("Errors (%)")
                    scale: "errorPercent"
                    series: [{ key: "errorPercent", name: qsTr("errors %"), colour: Theme.critical }]
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }
                GatewayChart {
                    objectName: "latencyChart"
                    metrics: tab.gateway.metrics
                    title: qsTr("Latency (ms)")
                    scale: "latency"
                    series: [{ key: "p50", name: qsTr("p50"), colour: Theme.passing },
                             { key: "p95", name: qsTr("p95"), colour: Theme.warning },
                             { key: "p99", name: qsTr("p99"), colour: Theme.critical },
                             { key: "gatewayP99", name: qsTr("gateway p99"), colour: Theme.accent }]
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }
            }

            Label {
                text: qsTr("Instances and their circuit breakers")
                font.bold: true
                color: Theme.text
            }
            ListView {
                id: instanceList
                objectName: "breakerList"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(contentHeight, 120)
                clip: true
                model: tab.gateway.breakers
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Instances of %1").arg(tab.gateway.selectedRouteName)
                delegate: RowLayout {
                    id: instance
                    required property string routeId
                    required property string instanceId
                    required property string endpoint
                    required property string state
                    required property string stateText
                    required property int inFlight
                    required property int consecutiveFailures
                    required property string openedAt
                    required property string lastTrip
                    width: instanceList.width
                    spacing: 8
                    Label {
                        text: instance.endpoint
                        font.family: Theme.monospace
                        color: Theme.text
                        Layout.preferredWidth: 170
                    }
                    Label {
                        objectName: "breakerState_" + instance.endpoint
                        text: instance.state === "open" && instance.openedAt.length > 0
                              ? qsTr("%1 since %2").arg(instance.stateText).arg(instance.openedAt) : instance.stateText
                        color: instance.state === "open" ? Theme.critical
                               : instance.state === "half_open" ? Theme.warning : Theme.passing
                        font.bold: instance.state !== "closed"
                        elide: Text.ElideRight
                        Layout.preferredWidth: 190
                        Layout.maximumWidth: 190
                        Accessible.role: Accessible.StaticText
                        Accessible.name: qsTr("Breaker of %1: %2").arg(instance.endpoint).arg(text)
                    }
                    Label {
                        text: qsTr("%1 in flight · %2 failures in a row").arg(instance.inFlight)
                              .arg(instance.consecutiveFailures)
                        color: Theme.mutedText
                        elide: Text.ElideRight
                        Layout.preferredWidth: 200
                        Layout.maximumWidth: 200
                    }
                    Label {
                        text: instance.lastTrip
                        color: Theme.mutedText
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Button {
                        text: qsTr("Show in Services")
                        Accessible.name: qsTr("Show %1 on the Services page").arg(instance.endpoint)
                        flat: true
                        onClicked: {
                            Console.registry.selectInstance(instance.instanceId)
                            Console.navigation.currentPage = "services"
                        }
                    }
                    Button {
                        text: qsTr("Reset…")
                        visible: tab.mayConfigure.allowed
                        enabled: instance.state !== "closed"
                        Accessible.name: qsTr("Reset the breaker of %1").arg(instance.endpoint)
                        onClicked: resetConfirm.ask(instance.routeId, instance.instanceId, instance.endpoint)
                    }
                }
            }
            ListStatus {
                objectName: "breakersStatus"
                Layout.fillWidth: true
                loading: tab.gateway.breakers.loading
                error: tab.gateway.breakers.error
                empty: instanceList.count === 0
                emptyText: qsTr("The gateway has no instance of this route's service to send requests to.")
                retryName: qsTr("Retry loading the breakers")
                onRetry: tab.gateway.refresh()
            }
        }
    }

    GatewayRouteEditor {
        id: editorDialog
        editor: tab.gateway.editor
    }
    GatewayRouteHistory {
        id: historyDialog
        editor: tab.gateway.editor
    }

    // A deletion says exactly what happens before it is done.
    ConfirmDialog {
        id: deleteConfirm
        objectName: "deleteRouteDialog"
        property string routeId
        property string routeName
        property int version
        function ask() {
            const row = tab.routes.rowOf(tab.gateway.selectedRoute)
            routeId = tab.gateway.selectedRoute
            routeName = tab.gateway.selectedRouteName
            version = Number(tab.routes.valueAt(row, "version") ?? 0)
            title = qsTr("Delete route %1?").arg(routeName)
            text = qsTr("The gateway stops routing %1 at once: its requests go to a less specific route, or get "
                        + "404 when none matches. Its numbers stop. The deletion is recorded as version %2 in "
                        + "its history, from where it can be restored.")
                   .arg(String(tab.routes.valueAt(row, "match") ?? "")).arg(version + 1)
            open()
        }
        confirmText: qsTr("Delete")
        onAccepted: tab.gateway.editor.remove(routeId, version)
    }

    // A reset says exactly what happens before it is done.
    ConfirmDialog {
        id: resetConfirm
        objectName: "resetBreakerDialog"
        property string routeId
        property string instanceId
        function ask(route: string, instance: string, endpoint: string) {
            routeId = route
            instanceId = instance
            title = qsTr("Reset the breaker of %1?").arg(endpoint)
            text = tab.gateway.resetConfirmation(route, instance)
            open()
        }
        confirmText: qsTr("Reset")
        onAccepted: tab.gateway.resetBreaker(routeId, instanceId)
    }
}
