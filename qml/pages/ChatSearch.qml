pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Search across the rooms the principal may read; a hit opens its room at that message.
ColumnLayout {
    id: tab
    readonly property SearchModel hits: ChatController.search

    function focusSearch() {
        queryField.forceActiveFocus()
    }
    function run() {
        ChatController.searchMessages(queryField.text, reasonField.text)
    }

    spacing: 6

    RowLayout {
        Layout.fillWidth: true
        TextField {
            id: queryField
            objectName: "chatSearchField"
            placeholderText: qsTr("Search messages (at least two characters)")
            Accessible.name: qsTr("Search messages")
            Layout.fillWidth: true
            onAccepted: tab.run()
        }
        TextField {
            id: reasonField
            placeholderText: qsTr("Reason, to include private rooms (recorded)")
            Accessible.name: qsTr("Reason for searching private rooms")
            Layout.preferredWidth: 280
            onAccepted: tab.run()
        }
        Button {
            text: qsTr("Search")
            Accessible.name: qsTr("Search the chat")
            onClicked: tab.run()
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
            anchors.margins: 6
            ListView {
                id: hitList
                objectName: "searchHits"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: tab.hits
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Search hits")
                Keys.onReturnPressed: ChatController.openSearchHit(currentIndex)
                delegate: ItemDelegate {
                    id: hit
                    required property int index
                    required property string roomName
                    required property bool isPrivate
                    required property string authorName
                    required property string time
                    required property string highlight
                    required property string excerpt
                    width: hitList.width
                    Accessible.name: qsTr("%1 in %2 at %3: %4").arg(authorName).arg(roomName).arg(time).arg(excerpt)
                    onClicked: {
                        hitList.currentIndex = index
                        ChatController.openSearchHit(index)
                    }
                    background: SelectionBackground {
                        focused: hit.ListView.isCurrentItem && hitList.activeFocus
                    }
                    contentItem: ColumnLayout {
                        spacing: 0
                        Label {
                            text: qsTr("%1 · %2 · %3").arg(hit.isPrivate ? qsTr("%1 (private)").arg(hit.roomName) : hit.roomName)
                                  .arg(hit.authorName).arg(hit.time)
                            color: Theme.mutedText
                            font.pixelSize: 11
                        }
                        Label {
                            text: hit.highlight
                            textFormat: Text.StyledText
                            color: Theme.text
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                    }
                }
            }
            ListStatus {
                loading: tab.hits.loading
                error: tab.hits.error
                empty: tab.hits.count === 0
                emptyText: queryField.text.length > 0 ? qsTr("No message matches.") : ""
                retryName: qsTr("Retry the search")
                onRetry: tab.run()
                Layout.fillWidth: true
            }
        }
    }
}
