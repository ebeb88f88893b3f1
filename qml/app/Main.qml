import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme
import Meshdeck.Pages

ApplicationWindow {
    id: window
    property string currentPage: "overview"

    width: 1200
    height: 760
    minimumWidth: 800
    minimumHeight: 500
    visible: true
    title: qsTr("Meshdeck")
    color: Theme.background
    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent

    // Keyboard first: Ctrl+1 … Ctrl+9 open the sidebar's pages in order.
    Repeater {
        model: Console.navigation
        delegate: Item {
            required property int index
            required property string pageId
            Shortcut {
                sequence: "Ctrl+" + (parent.index + 1)
                onActivated: window.currentPage = parent.pageId
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            Layout.fillHeight: true
            Layout.preferredWidth: 220
            currentPage: window.currentPage
            onPageRequested: pageId => window.currentPage = pageId
        }

        Loader {
            id: pageLoader
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: {
                switch (window.currentPage) {
                case "overview": return overviewPage
                case "localstack": return localStackPage
                case "settings": return settingsPage
                default: return unavailablePage
                }
            }
        }
    }

    footer: StatusBar {}

    Component {
        id: overviewPage
        OverviewPage {}
    }
    Component {
        id: localStackPage
        LocalStackPage {}
    }
    Component {
        id: settingsPage
        SettingsPage {}
    }
    Component {
        id: unavailablePage
        UnavailablePage {
            pageTitle: Console.navigation.titleOf(window.currentPage)
            service: {
                const row = Console.navigation.indexOf(window.currentPage)
                return row < 0 ? "" : Console.navigation.data(Console.navigation.index(row, 0), NavigationModel.ServiceRole)
            }
        }
    }
}
