pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Beside the open room: its invitations (QR code, uses, expiry, state, revoke) and the recorded
// support reads of it.
Rectangle {
    id: panel
    property bool canInvite
    readonly property InvitationsModel invitations: ChatController.invitations
    readonly property SupportReadsModel reads: ChatController.supportReads

    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius
    clip: true

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 6
        spacing: 4

        TabBar {
            id: sections
            objectName: "roomPanelTabs"
            Accessible.name: qsTr("Room details")
            Layout.fillWidth: true
            TabButton {
                text: qsTr("Invitations")
                Accessible.name: text
            }
            TabButton {
                text: qsTr("Support reads")
                Accessible.name: text
            }
        }

        StackLayout {
            currentIndex: sections.currentIndex
            Layout.fillWidth: true
            Layout.fillHeight: true

            ColumnLayout {
                spacing: 4
                Flow {
                    visible: panel.canInvite
                    spacing: 4
                    Layout.fillWidth: true
                    ComboBox {
                        id: expiry
                        Accessible.name: qsTr("Invitation expiry")
                        textRole: "label"
                        valueRole: "seconds"
                        model: [
                            { label: qsTr("1 hour"), seconds: 3600 },
                            { label: qsTr("1 day"), seconds: 86400 },
                            { label: qsTr("7 days"), seconds: 604800 }
                        ]
                        currentIndex: 1
                    }
                    SpinBox {
                        id: maxUses
                        Accessible.name: qsTr("Maximum uses")
                        from: 1
                        to: 1000
                        value: 10
                    }
                    Button {
                        text: qsTr("Invite")
                        Accessible.name: qsTr("Create an invitation")
                        onClicked: ChatController.createInvitation(expiry.currentValue, maxUses.value)
                    }
                }
                ListView {
                    id: invitationList
                    objectName: "invitationList"
                    Layout.fillWidth: true
                    Layout.preferredHeight: 170
                    clip: true
                    model: panel.invitations
                    activeFocusOnTab: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Invitations to this room")
                    delegate: ItemDelegate {
                        id: invitation
                        required property string token
                        required property string usesText
                        required property string stateText
                        required property string expires
                        required property bool active
                        width: invitationList.width
                        highlighted: token === ChatController.qrToken
                        Accessible.name: qsTr("Invitation %1: %2, %3, expires %4").arg(token.substring(0, 10)).arg(stateText)
                                         .arg(usesText).arg(expires)
                        onClicked: ChatController.showQr(token)
                        background: SelectionBackground {
                            selected: invitation.highlighted
                        }
                        contentItem: ColumnLayout {
                            spacing: 0
                            ColumnLayout {
                                spacing: 0
                                Layout.fillWidth: true
                                Label {
                                    text: qsTr("%1 · %2").arg(invitation.stateText).arg(invitation.usesText)
                                    color: invitation.active ? Theme.text : Theme.mutedText
                                }
                                Label {
                                    text: qsTr("expires %1").arg(invitation.expires)
                                    color: Theme.mutedText
                                    font.pixelSize: 11
                                }
                            }
                            RowLayout {
                                Button {
                                    text: qsTr("QR code")
                                    Accessible.name: qsTr("Show the QR code of invitation %1").arg(invitation.token.substring(0, 10))
                                    onClicked: ChatController.showQr(invitation.token)
                                }
                                Button {
                                    visible: invitation.active && panel.canInvite
                                    text: qsTr("Revoke")
                                    Accessible.name: qsTr("Revoke invitation %1").arg(invitation.token.substring(0, 10))
                                    onClicked: {
                                        revokeDialog.token = invitation.token
                                        revokeDialog.open()
                                    }
                                }
                            }
                        }
                    }
                }
                ListStatus {
                    loading: panel.invitations.loading
                    error: panel.invitations.error
                    empty: panel.invitations.count === 0
                    emptyText: qsTr("No invitations to this room.")
                    retryName: qsTr("Retry loading the invitations")
                    onRetry: ChatController.refresh()
                    Layout.fillWidth: true
                }
                ColumnLayout {
                    visible: ChatController.qrToken.length > 0
                    Layout.fillWidth: true
                    Image {
                        id: qr
                        objectName: "invitationQr"
                        source: ChatController.qrImage
                        visible: ChatController.qrImage.length > 0
                        fillMode: Image.PreserveAspectFit
                        smooth: false
                        Layout.preferredWidth: 180
                        Layout.preferredHeight: 180
                        Layout.alignment: Qt.AlignHCenter
                        Accessible.role: Accessible.Graphic
                        Accessible.name: qsTr("QR code of the invitation link %1").arg(ChatController.qrUrl)
                    }
                    Label {
                        visible: ChatController.qrLoading
                        text: qsTr("Loading the QR code…")
                        color: Theme.mutedText
                    }
                    Label {
                        visible: ChatController.qrError.length > 0
                        text: ChatController.qrError
                        color: Theme.critical
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    TextField {
                        objectName: "invitationUrl"
                        readOnly: true
                        text: ChatController.qrUrl
                        Accessible.name: qsTr("Invitation link")
                        Layout.fillWidth: true
                    }
                }

                Item {
                    Layout.fillHeight: true
                }
            }

            ColumnLayout {
                spacing: 4
                ListView {
                    id: readList
                    objectName: "supportReadList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: panel.reads
                    activeFocusOnTab: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Support reads of this room")
                    delegate: ItemDelegate {
                        id: read
                        required property string actorName
                        required property string reason
                        required property int messageCount
                        required property string time
                        width: readList.width
                        Accessible.name: qsTr("%1 read %2 message(s) at %3: %4").arg(actorName).arg(messageCount).arg(time).arg(reason)
                        contentItem: ColumnLayout {
                            spacing: 0
                            Label {
                                text: qsTr("%1 · %2 · %n message(s)", "", read.messageCount).arg(read.time).arg(read.actorName)
                                color: Theme.mutedText
                                font.pixelSize: 11
                            }
                            Label {
                                text: read.reason
                                color: Theme.text
                                wrapMode: Text.WordWrap
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
                ListStatus {
                    loading: panel.reads.loading
                    error: panel.reads.error
                    empty: panel.reads.count === 0
                    emptyText: qsTr("Nobody has read this room as support.")
                    retryName: qsTr("Retry loading the support reads")
                    onRetry: ChatController.refreshSupportReads()
                    Layout.fillWidth: true
                }
            }
        }
    }

    ConfirmDialog {
        id: revokeDialog
        property string token
        objectName: "revokeInvitationDialog"
        title: qsTr("Revoke the invitation?")
        confirmText: qsTr("Revoke")
        text: ChatController.describeRevoke(token)
        onAccepted: ChatController.revokeInvitation(token)
    }
}
