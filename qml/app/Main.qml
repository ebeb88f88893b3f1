import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme
import Meshdeck.Pages

ApplicationWindow {
    id: mainWindow

    width: 1200
    height: 760
    minimumWidth: 800
    minimumHeight: 500
    visible: true
    title: qsTr("Meshdeck")
    color: Theme.background
    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            Layout.fillHeight: true
            Layout.preferredWidth: 220
            onManageClustersRequested: clustersDialog.open()
        }

        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true
            Layout.fillHeight: true

            ClusterBand {
                Layout.fillWidth: true
            }

            Loader {
                id: pageLoader
                Layout.fillWidth: true
                Layout.fillHeight: true
                sourceComponent: {
                    switch (Console.navigation.currentPage) {
                    case "overview": return overviewPage
                    case "localstack": return localStackPage
                    case "events": return eventsPage
                    case "services": return servicesPage
                    case "gateway": return gatewayPage
                    case "deployments": return deploymentsPage
                    case "settings": return settingsPage
                    case "access": return accessPage
                    case "chat": return chatPage
                    default: return unavailablePage
                    }
                }
            }
        }
    }

    ClustersDialog {
        id: clustersDialog
    }
    CertificateDialog {}
    LoginDialog {}

    footer: StatusBar {}

    // Standard keys for whichever page is on screen: Ctrl+F focuses its search or filter, F5 reloads it.
    Shortcut {
        sequence: "Ctrl+F"
        onActivated: Console.requestFind()
    }
    Shortcut {
        sequence: "F5"
        onActivated: Console.requestRefresh()
    }

    Component {
        id: overviewPage
        OverviewPage {}
    }
    Component {
        id: localStackPage
        LocalStackPage {}
    }
    Component {
        id: eventsPage
        EventsPage {}
    }
    Component {
        id: servicesPage
        ServicesPage {}
    }
    Component {
        id: gatewayPage
        GatewayPage {}
    }
    Component {
        id: deploymentsPage
        DeploymentsPage {}
    }
    Component {
        id: settingsPage
        SettingsPage {}
    }
    Component {
        id: accessPage
        AccessPage {}
    }
    Component {
        id: chatPage
        ChatPage {}
    }
    Component {
        id: unavailablePage
        UnavailablePage {
            pageTitle: Console.navigation.currentTitle
            service: Console.navigation.currentService
        }
    }
}
