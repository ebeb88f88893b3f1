pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The API gateway: its routes with their live numbers, the selected route's charts and breakers,
// the route editor, and the access log. A backend without the gateway says so and shows nothing.
ColumnLayout {
    id: page
    readonly property GatewayController gateway: Console.gateway

    objectName: "gatewayPage"
    spacing: Theme.spacing

    // Standard keys, asked by the window (Main.qml) of the page on screen.
    Connections {
        target: Console
        function onFindRequested() {
            const tab = stack.children[stack.currentIndex]
            if (tab && tab.focusSearch)
                tab.focusSearch()
        }
        function onRefreshRequested() {
            page.gateway.refresh()
            page.gateway.refreshMetrics()
        }
    }

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Gateway")
        subtitle: !page.gateway.available ? ""
                  : page.gateway.live ? qsTr("Live: %1").arg(page.gateway.totalsText)
                  : page.gateway.hasTotals ? qsTr("Not live; refreshed every few seconds: %1").arg(page.gateway.totalsText)
                  : qsTr("Waiting for the gateway…")
    }

    Label {
        objectName: "gatewayUrl"
        visible: page.gateway.available && page.gateway.gatewayUrl.length > 0
        text: qsTr("Traffic enters the gateway at %1").arg(page.gateway.gatewayUrl)
        color: Theme.mutedText
        textFormat: Text.PlainText
        Layout.leftMargin: Theme.spacing * 2
        Accessible.role: Accessible.StaticText
        Accessible.name: text
    }
    Label {
        objectName: "rateLimitMode"
        visible: page.gateway.rateLimitMode === "local-share"
        text: qsTr("Rate limits: Redis is not reachable, so each node enforces its share locally. %1")
              .arg(page.gateway.rateLimitReason)
        color: Theme.warning
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }
    Label {
        objectName: "gatewayError"
        visible: text.length > 0
        text: page.gateway.error.length > 0 ? page.gateway.error : page.gateway.liveError
        color: Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }
    Label {
        id: result
        property bool ok: true
        objectName: "gatewayResult"
        visible: text.length > 0
        color: ok ? Theme.text : Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }
    Connections {
        target: page.gateway
        function onActionFinished(ok: bool, message: string) {
            result.ok = ok
            result.text = message
        }
    }

    Card {
        objectName: "noGateway"
        visible: !page.gateway.available
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2

        Label {
            text: qsTr("This backend has no gateway: it answered that /v1/gateway/overview does not exist. "
                       + "A meshdeckd with the gateway shows its routes, numbers and breakers here.")
            color: Theme.mutedText
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }
    Item {
        visible: !page.gateway.available
        Layout.fillHeight: true
    }

    TabBar {
        id: tabs
        objectName: "gatewayTabs"
        visible: page.gateway.available
        Accessible.name: qsTr("Gateway sections")
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
        TabButton {
            text: qsTr("Routes")
            Accessible.name: text
        }
        TabButton {
            text: qsTr("Access log")
            Accessible.name: qsTr("Access log")
        }
    }

    StackLayout {
        id: stack
        visible: page.gateway.available
        currentIndex: tabs.currentIndex
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0

        GatewayRoutesTab {
            gateway: page.gateway
        }
        GatewayAccessLogTab {
            gateway: page.gateway
        }
    }
}
