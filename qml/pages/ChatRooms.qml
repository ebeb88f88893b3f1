pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The rooms, newest activity first: unread count, last activity and message, who is in it and
// whether they are online.
Rectangle {
    id: panel
    readonly property RoomsModel rooms: ChatController.rooms

    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 6
        spacing: 4

        Label {
            visible: ChatController.presenceError.length > 0
            text: ChatController.presenceError
            color: Theme.warning
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        ListView {
            id: roomList
            objectName: "roomList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: panel.rooms
            activeFocusOnTab: true
            keyNavigationEnabled: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Chat rooms")
            Keys.onReturnPressed: ChatController.openRoom(String(panel.rooms.valueAt(currentIndex, "roomId") ?? ""))
            delegate: ItemDelegate {
                id: roomEntry
                required property int index
                required property string roomId
                required property string name
                required property string kind
                required property bool isPrivate
                required property int unread
                required property string lastActivity
                required property string lastMessage
                required property int participantCount
                required property int onlineCount
                required property bool isParticipant
                required property bool demo
                width: roomList.width
                highlighted: roomId === ChatController.selectedRoom
                Accessible.name: qsTr("Room %1%2, %3 unread, %4 of %5 online").arg(name)
                                 .arg(isPrivate ? qsTr(" (private)") : "").arg(unread).arg(onlineCount).arg(participantCount)
                onClicked: {
                    roomList.currentIndex = index
                    ChatController.openRoom(roomId)
                }
                background: SelectionBackground {
                    selected: roomEntry.highlighted
                    focused: roomEntry.ListView.isCurrentItem && roomList.activeFocus
                }
                contentItem: ColumnLayout {
                    spacing: 0
                    RowLayout {
                        Label {
                            text: roomEntry.isPrivate ? qsTr("%1 (private)").arg(roomEntry.name) : roomEntry.name
                            font.bold: roomEntry.unread > 0
                            color: Theme.text
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                        Label {
                            visible: roomEntry.demo
                            text: qsTr("demo")
                            color: Theme.mutedText
                        }
                        Label {
                            objectName: "unreadCount"
                            visible: roomEntry.unread > 0
                            text: roomEntry.unread
                            color: "white"
                            font.pixelSize: 11
                            leftPadding: 6
                            rightPadding: 6
                            background: Rectangle {
                                radius: height / 2
                                color: Theme.accent
                            }
                        }
                    }
                    Label {
                        text: roomEntry.lastMessage.length > 0 ? roomEntry.lastMessage
                              : (roomEntry.isParticipant ? qsTr("No messages yet") : qsTr("Not a participant"))
                        color: Theme.mutedText
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        text: qsTr("%1 · %2 of %3 online").arg(roomEntry.lastActivity).arg(roomEntry.onlineCount)
                              .arg(roomEntry.participantCount)
                        color: Theme.mutedText
                        font.pixelSize: 11
                    }
                }
            }
        }
        ListStatus {
            loading: panel.rooms.loading
            error: panel.rooms.error
            empty: panel.rooms.count === 0
            emptyText: qsTr("No rooms you may read yet.")
            retryName: qsTr("Retry loading the rooms")
            onRetry: ChatController.refresh()
            Layout.fillWidth: true
        }
        Button {
            visible: ChatController.roomsHaveMore
            text: qsTr("More rooms")
            Accessible.name: qsTr("Load more rooms")
            onClicked: ChatController.loadMoreRooms()
        }
    }
}
