pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The support view of chat: rooms and the open conversation, search across rooms, reports. A
// private room the signed-in principal is not in opens only after a reason is given; the dialog
// says that the read is recorded.
ColumnLayout {
    id: page

    objectName: "chatPage"
    spacing: Theme.spacing

    // `known` changes with the principal, so bindings that call this follow a new sign-in.
    function can(permission: string): bool {
        return Console.session.known && Console.session.can(permission)
    }

    Connections {
        target: Console
        function onFindRequested() {
            tabs.currentIndex = 1
            search.focusSearch()
        }
        function onRefreshRequested() {
            ChatController.refresh()
        }
    }
    Connections {
        target: ChatController
        function onActionFinished(ok: bool, message: string) {
            result.ok = ok
            result.text = message
        }
        function onReasonRequested(roomName: string, detail: string) {
            reasonDialog.roomName = roomName
            reasonDialog.detail = detail
            reasonDialog.forReports = ChatController.reasonForReports
            reasonDialog.open()
        }
        function onRoomOpened(roomId: string) {
            tabs.currentIndex = 0
        }
    }

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Chat")
        subtitle: qsTr("Rooms, conversations, search, reports and invitations")
    }

    Label {
        id: result
        property bool ok: true
        objectName: "chatResult"
        visible: text.length > 0
        color: ok ? Theme.text : Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }

    TabBar {
        id: tabs
        objectName: "chatTabs"
        Accessible.name: qsTr("Chat sections")
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
        TabButton {
            text: qsTr("Rooms")
            Accessible.name: text
        }
        TabButton {
            text: qsTr("Search")
            Accessible.name: text
        }
        TabButton {
            text: ChatController.reports.count > 0 && ChatController.reportsState === "open"
                  ? qsTr("Reports (%1)").arg(ChatController.reports.count) : qsTr("Reports")
            Accessible.name: qsTr("Reports")
        }
    }

    StackLayout {
        currentIndex: tabs.currentIndex
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0

        RowLayout {
            spacing: Theme.spacing
            ChatRooms {
                Layout.preferredWidth: 300
                Layout.fillHeight: true
            }
            ChatConversation {
                Layout.fillWidth: true
                Layout.fillHeight: true
            }
            ChatRoomPanel {
                visible: ChatController.selectedRoom.length > 0
                canInvite: page.can("chat.write")
                Layout.preferredWidth: 320
                Layout.fillHeight: true
            }
        }
        ChatSearch {
            id: search
        }
        ChatReports {
            canResolve: page.can("chat.moderate")
        }
    }

    // Reading a private room the principal is not in: the reason first, and what happens to it.
    Dialog {
        id: reasonDialog
        property string roomName
        property string detail
        // The reason is for the reports list (private rooms' reported text), not for one room.
        property bool forReports
        objectName: "reasonDialog"
        title: forReports ? qsTr("Why do you need to read the reported messages?")
                                               : qsTr("Why do you need to read %1?").arg(roomName)
        anchors.centerIn: Overlay.overlay
        modal: true
        focus: true
        contentWidth: 480
        closePolicy: Popup.CloseOnEscape
        onOpened: {
            reasonField.text = ""
            reasonField.forceActiveFocus()
        }
        onRejected: ChatController.cancelReason()
        onAccepted: ChatController.provideReason(reasonField.text)
        ColumnLayout {
            width: 480
            Label {
                objectName: "reasonExplanation"
                text: reasonDialog.forReports
                      ? qsTr("Some reports come from private rooms you are not a participant of. Reading "
                             + "their text is recorded for each room with your name, the reason and the "
                             + "messages you see, and the rooms' owners can see that record.")
                      : qsTr("%1 is a private room you are not a participant of. Your read is recorded with "
                             + "your name, the reason and the messages you see, and the room's owners can see "
                             + "that record.").arg(reasonDialog.roomName)
                wrapMode: Text.WordWrap
                color: Theme.text
                Layout.fillWidth: true
            }
            Label {
                visible: reasonDialog.detail.length > 0
                text: reasonDialog.detail
                wrapMode: Text.WordWrap
                color: Theme.mutedText
                Layout.fillWidth: true
            }
            TextField {
                id: reasonField
                objectName: "reasonField"
                placeholderText: qsTr("Reason (ticket number, report…)")
                Accessible.name: qsTr("Reason for reading the room")
                Layout.fillWidth: true
                onAccepted: {
                    if (text.trim().length > 0)
                        reasonDialog.accept()
                }
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button {
                    objectName: "readWithReason"
                    text: qsTr("Read and record")
                    Accessible.name: qsTr("Read the room with this reason")
                    enabled: reasonField.text.trim().length > 0
                    onClicked: reasonDialog.accept()
                }
                Button {
                    text: qsTr("Cancel")
                    Accessible.name: qsTr("Do not read the room")
                    onClicked: reasonDialog.reject()
                }
            }
        }
    }
}
