import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

ColumnLayout {
    id: page
    objectName: "settingsPage"
    spacing: Theme.spacing

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Settings")
    }

    Card {
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
        title: qsTr("Appearance")

        RowLayout {
            spacing: Theme.spacing
            Label {
                text: qsTr("Dark theme")
                color: Theme.text
                Layout.preferredWidth: 140
            }
            Switch {
                objectName: "darkThemeSwitch"
                Accessible.name: qsTr("Dark theme")
                checked: Console.settings.dark
                onToggled: Console.settings.theme = checked ? "dark" : "light"
            }
        }
        RowLayout {
            spacing: Theme.spacing
            Label {
                text: qsTr("Language")
                color: Theme.text
                Layout.preferredWidth: 140
            }
            ComboBox {
                id: languageBox
                objectName: "languageBox"
                Accessible.name: qsTr("Language")
                textRole: "label"
                valueRole: "value"
                model: Console.settings.languageChoices
                Component.onCompleted: currentIndex = indexOfValue(Console.settings.language)
                onActivated: Console.settings.language = currentValue
                // The setting may change elsewhere (the command line, another page): follow it.
                Connections {
                    target: Console.settings
                    function onLanguageChanged() {
                        languageBox.currentIndex = languageBox.indexOfValue(Console.settings.language)
                    }
                }
            }
        }
    }

    Card {
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
        title: qsTr("Notifications")

        RowLayout {
            spacing: Theme.spacing
            Label {
                text: qsTr("Service critical")
                color: Theme.text
                Layout.preferredWidth: 140
            }
            ComboBox {
                id: notificationsBox
                objectName: "notificationsBox"
                Accessible.name: qsTr("Notify when a service goes critical")
                textRole: "label"
                valueRole: "value"
                implicitContentWidthPolicy: ComboBox.WidestText
                model: Console.settings.notificationChoices
                Component.onCompleted: currentIndex = indexOfValue(Console.settings.notifications)
                onActivated: Console.settings.notifications = currentValue
                Connections {
                    target: Console.settings
                    function onNotificationsChanged() {
                        notificationsBox.currentIndex = notificationsBox.indexOfValue(Console.settings.notifications)
                    }
                }
            }
        }
    }

    Item {
        Layout.fillHeight: true
    }
}
