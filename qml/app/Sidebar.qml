pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme
import Meshdeck.Pages

Rectangle {
    id: sidebar

    color: Theme.sidebar
    signal manageClustersRequested

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Label {
            text: "Meshdeck"
            font.pixelSize: 20
            font.bold: true
            color: Theme.text
            Layout.margins: Theme.spacing * 1.5
        }

        ClusterSwitcher {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            Layout.rightMargin: Theme.spacing
            Layout.bottomMargin: Theme.spacing
            onManageRequested: sidebar.manageClustersRequested()
        }

        ListView {
            id: list
            objectName: "navigationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            model: Console.navigation
            keyNavigationEnabled: true
            focus: true
            activeFocusOnTab: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Pages")
            currentIndex: Console.navigation.indexOf(Console.navigation.currentPage)

            delegate: ItemDelegate {
                id: entry
                required property int index
                required property string pageId
                required property string title
                required property bool available

                width: list.width
                highlighted: ListView.isCurrentItem
                Accessible.name: available ? title : qsTr("%1 (not available yet)").arg(title)
                onClicked: Console.navigation.currentPage = pageId
                Keys.onReturnPressed: Console.navigation.currentPage = pageId

                // Keyboard first: Ctrl+1 … Ctrl+9 open the pages in sidebar order.
                Shortcut {
                    sequence: "Ctrl+" + (entry.index + 1)
                    context: Qt.ApplicationShortcut
                    onActivated: Console.navigation.currentPage = entry.pageId
                }

                contentItem: RowLayout {
                    spacing: 8
                    Label {
                        text: entry.title
                        color: entry.available ? Theme.text : Theme.mutedText
                        font.bold: entry.highlighted
                        Layout.fillWidth: true
                    }
                    Label {
                        visible: !entry.available
                        text: qsTr("not yet")
                        font.pixelSize: 10
                        color: Theme.mutedText
                    }
                }
                background: SelectionBackground {
                    selected: entry.highlighted
                    focused: entry.highlighted && list.activeFocus
                }
            }
        }
    }
}
