pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The open room: who is in it (and online), its messages oldest first, with older pages loaded
// above as the view is scrolled up; edits, deletions and replies shown as such; who is typing.
Rectangle {
    id: panel
    readonly property MessagesModel messages: ChatController.messages
    readonly property var participants: {
        const row = ChatController.rooms.rowOfRoom(ChatController.selectedRoom)
        return row >= 0 ? ChatController.rooms.valueAt(row, "participants") : []
    }
    // Deleting others' messages: an admin anywhere, an owner or moderator in their room (the
    // backend decides; this only keeps the action away from those it would refuse).
    readonly property bool mayDelete: Console.session.known && Console.session.can("chat.write")
                                      && Console.session.can("chat.moderate")
                                      && (Console.session.role === "admin" || ChatController.selectedRoomModerated)

    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius

    Label {
        visible: ChatController.selectedRoom.length === 0
        anchors.centerIn: parent
        text: qsTr("Pick a room to read its conversation.")
        color: Theme.mutedText
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 6
        spacing: 4
        visible: ChatController.selectedRoom.length > 0

        Label {
            objectName: "conversationTitle"
            text: (ChatController.selectedRoomPrivate ? qsTr("%1 (private)") : "%1").arg(ChatController.selectedRoomName)
            font.bold: true
            font.pixelSize: 16
            color: Theme.text
        }
        Label {
            visible: ChatController.selectedRoomTopic.length > 0
            text: ChatController.selectedRoomTopic
            color: Theme.mutedText
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Label {
            objectName: "recordedRead"
            visible: ChatController.readReason.length > 0
            text: qsTr("Read as support, recorded with the reason: %1").arg(ChatController.readReason)
            color: Theme.warning
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Flow {
            Layout.fillWidth: true
            spacing: 8
            Repeater {
                model: panel.participants
                delegate: Row {
                    id: person
                    required property var modelData
                    spacing: 4
                    Rectangle {
                        width: 8
                        height: 8
                        radius: 4
                        anchors.verticalCenter: parent.verticalCenter
                        color: person.modelData.status === "online" ? Theme.passing
                               : person.modelData.status === "away" ? Theme.warning : Theme.idle
                    }
                    Label {
                        text: qsTr("%1 (%2)").arg(person.modelData.name).arg(person.modelData.statusText)
                        color: Theme.mutedText
                        font.pixelSize: 11
                    }
                }
            }
        }

        Button {
            objectName: "loadOlder"
            visible: panel.messages.hasMore
            enabled: !panel.messages.fetchingOlder
            text: panel.messages.fetchingOlder ? qsTr("Loading older messages…") : qsTr("Older messages")
            Accessible.name: qsTr("Load older messages")
            onClicked: panel.messages.loadOlder()
        }

        ListView {
            id: messageList
            objectName: "messageList"
            property bool followEnd: true
            property bool focusPending: panel.messages.focusMessageId.length > 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: panel.messages
            spacing: 6
            activeFocusOnTab: true
            keyNavigationEnabled: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Messages")
            ScrollBar.vertical: ScrollBar {}
            // Scrolled to the top: the page before it (rows are added above, the view stays put).
            onAtYBeginningChanged: {
                if (atYBeginning && moving && panel.messages.hasMore && !panel.messages.fetchingOlder)
                    panel.messages.loadOlder()
            }
            onMovementEnded: followEnd = atYEnd
            onCountChanged: {
                if (focusPending) {
                    const row = panel.messages.rowOf(panel.messages.focusMessageId)
                    if (row >= 0) {
                        focusPending = false
                        followEnd = false
                        Qt.callLater(positionViewAtIndex, row, ListView.Center)
                    }
                } else if (followEnd) {
                    Qt.callLater(positionViewAtEnd)
                }
            }
            // Another room, or the same one at another message: follow the end, or find the message.
            readonly property string opened: panel.messages.roomId + "\n" + panel.messages.focusMessageId
            onOpenedChanged: {
                followEnd = panel.messages.focusMessageId.length === 0
                focusPending = panel.messages.focusMessageId.length > 0
            }
            delegate: ItemDelegate {
                id: entry
                required property int index
                required property string messageId
                required property string authorName
                required property string body
                required property string time
                required property bool edited
                required property string editedTime
                required property bool deleted
                required property string deletedTime
                required property bool hasReply
                required property string replyAuthor
                required property string replyExcerpt
                required property bool replyDeleted
                required property bool focused
                width: messageList.width
                Accessible.name: deleted ? qsTr("%1 at %2: message deleted").arg(authorName).arg(time)
                                         : qsTr("%1 at %2: %3").arg(authorName).arg(time).arg(body)
                background: SelectionBackground {
                    selected: entry.focused
                    focused: entry.ListView.isCurrentItem && messageList.activeFocus
                }
                contentItem: ColumnLayout {
                    spacing: 2
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            text: entry.edited && !entry.deleted
                                  ? qsTr("%1 · %2 · edited %3").arg(entry.authorName).arg(entry.time).arg(entry.editedTime)
                                  : qsTr("%1 · %2").arg(entry.authorName).arg(entry.time)
                            color: Theme.mutedText
                            font.pixelSize: 11
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                        ToolButton {
                            objectName: "deleteMessage"
                            visible: panel.mayDelete && !entry.deleted
                            text: qsTr("Delete…")
                            font.pixelSize: 11
                            Accessible.name: qsTr("Delete the message of %1 from %2: %3").arg(entry.authorName).arg(entry.time).arg(entry.body)
                            onClicked: {
                                deleteDialog.messageId = entry.messageId
                                deleteDialog.author = entry.authorName
                                deleteDialog.time = entry.time
                                deleteDialog.open()
                            }
                        }
                    }
                    Label {
                        visible: entry.hasReply
                        padding: 3
                        Layout.fillWidth: true
                        text: entry.replyDeleted ? qsTr("↪ %1: (deleted message)").arg(entry.replyAuthor)
                                                 : qsTr("↪ %1: %2").arg(entry.replyAuthor).arg(entry.replyExcerpt)
                        textFormat: Text.PlainText
                        color: Theme.mutedText
                        elide: Text.ElideRight
                        background: Rectangle {
                            color: "transparent"
                            border.color: Theme.border
                            radius: 3
                        }
                    }
                    Label {
                        text: entry.deleted ? qsTr("This message was deleted (%1).").arg(entry.deletedTime) : entry.body
                        font.italic: entry.deleted
                        color: entry.deleted ? Theme.mutedText : Theme.text
                        wrapMode: Text.Wrap
                        textFormat: Text.PlainText
                        Layout.fillWidth: true
                    }
                }
            }
        }
        ListStatus {
            loading: panel.messages.loading
            error: panel.messages.error
            empty: panel.messages.count === 0
            emptyText: ChatController.reasonPending ? "" : qsTr("No messages in this room yet.")
            retryName: qsTr("Retry loading the messages")
            onRetry: {
                if (panel.messages.roomId.length === 0 || ChatController.reasonPending)
                    ChatController.openRoom(ChatController.selectedRoom)
                else
                    panel.messages.retry()
            }
            Layout.fillWidth: true
        }
        Label {
            objectName: "typing"
            text: panel.messages.typingText
            visible: text.length > 0
            color: Theme.mutedText
            font.italic: true
        }
        Label {
            visible: panel.messages.liveError.length > 0
            text: panel.messages.liveError
            color: Theme.critical
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Button {
            visible: !panel.messages.atLatest
            text: qsTr("Jump to the latest messages")
            Accessible.name: text
            onClicked: ChatController.jumpToLatest()
        }
    }

    ConfirmDialog {
        id: deleteDialog
        property string messageId
        property string author
        property string time
        objectName: "deleteMessageDialog"
        title: qsTr("Delete this message?")
        confirmText: qsTr("Delete")
        text: qsTr("The message of %1 from %2 is deleted for everyone: its text leaves the room, search, "
                   + "reports and replies, and a note that you deleted it stays in its place. This cannot "
                   + "be undone.").arg(author).arg(time)
        onAccepted: ChatController.deleteMessage(messageId)
    }
}
