pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Teams, the selected team's members with their team roles, adding and removing members, and
// invitations by email (no mail is sent: the token is shown to the inviter, once).
RowLayout {
    id: tab
    property bool canWrite
    property bool canReadUsers
    readonly property TeamsModel teams: AccessController.teams
    readonly property int selectedRow: teams.count >= 0 ? teams.indexOf(AccessController.selectedTeam) : -1
    readonly property string selectedName: String(teams.valueAt(selectedRow, "name") ?? "")

    function focusSearch() {
        teamList.forceActiveFocus()
    }

    spacing: Theme.spacing

    ColumnLayout {
        Layout.preferredWidth: 320
        Layout.fillHeight: true
        RowLayout {
            Layout.fillWidth: true
            visible: tab.canWrite
            TextField {
                id: teamName
                placeholderText: qsTr("New team name")
                Accessible.name: qsTr("New team name")
                Layout.fillWidth: true
                onAccepted: createTeam.clicked()
            }
            Button {
                id: createTeam
                text: qsTr("Create")
                Accessible.name: qsTr("Create the team")
                enabled: teamName.text.trim().length > 0
                onClicked: {
                    AccessController.createTeam(teamName.text)
                    teamName.text = ""
                }
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
                    id: teamList
                    objectName: "teamList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: tab.teams
                    currentIndex: tab.selectedRow
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Teams")
                    Keys.onReturnPressed: AccessController.selectTeam(String(tab.teams.valueAt(currentIndex, "teamId") ?? ""))
                    delegate: ItemDelegate {
                        id: teamEntry
                        required property string teamId
                        required property string name
                        required property int memberCount
                        width: teamList.width
                        highlighted: ListView.isCurrentItem
                        text: qsTr("%1 (%n member(s))", "", memberCount).arg(name)
                        Accessible.name: text
                        onClicked: AccessController.selectTeam(teamId)
                        background: SelectionBackground {
                            selected: teamEntry.highlighted
                            focused: teamEntry.ListView.isCurrentItem && teamList.activeFocus
                        }
                    }
                }
                ListStatus {
                    Layout.fillWidth: true
                    loading: tab.teams.loading
                    error: tab.teams.error
                    empty: teamList.count === 0
                    emptyText: tab.canWrite ? qsTr("No teams yet. A team shares topics, sites and rooms among its members.")
                                            : qsTr("You are in no team yet.")
                    retryName: qsTr("Retry loading the teams")
                    onRetry: AccessController.refreshTeams()
                }
            }
        }
    }

    ColumnLayout {
        objectName: "teamDetail"
        Layout.fillWidth: true
        Layout.fillHeight: true
        spacing: 6
        Label {
            visible: tab.selectedRow < 0
            text: qsTr("Select a team to see and change its members.")
            color: Theme.mutedText
        }
        ColumnLayout {
            visible: tab.selectedRow >= 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            Label {
                text: qsTr("Members of %1").arg(tab.selectedName)
                font.bold: true
                font.pixelSize: 16
                color: Theme.text
            }
            RowLayout {
                visible: tab.canWrite && tab.canReadUsers
                Layout.fillWidth: true
                ComboBox {
                    id: memberUser
                    Accessible.name: qsTr("User to add")
                    textRole: "email"
                    valueRole: "userId"
                    model: AccessController.users
                    Layout.fillWidth: true
                }
                TextField {
                    id: memberRoles
                    text: "member"
                    placeholderText: qsTr("Team roles, comma-separated")
                    Accessible.name: qsTr("Team roles of the user to add")
                }
                Button {
                    text: qsTr("Add")
                    Accessible.name: qsTr("Add the user to the team")
                    enabled: memberUser.currentIndex >= 0
                    onClicked: AccessController.addMember(memberUser.currentValue, memberRoles.text)
                }
            }
            RowLayout {
                visible: tab.canWrite
                Layout.fillWidth: true
                TextField {
                    id: inviteEmail
                    placeholderText: qsTr("Invite by email address")
                    Accessible.name: qsTr("Email address to invite")
                    Layout.fillWidth: true
                }
                TextField {
                    id: inviteRoles
                    text: "member"
                    placeholderText: qsTr("Team roles, comma-separated")
                    Accessible.name: qsTr("Team roles of the invitation")
                }
                Button {
                    text: qsTr("Invite")
                    Accessible.name: qsTr("Invite to the team")
                    enabled: inviteEmail.text.trim().length > 0
                    onClicked: AccessController.invite(inviteEmail.text, inviteRoles.text)
                }
            }
            ListView {
                id: memberList
                objectName: "memberList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: AccessController.memberships
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Members of %1").arg(tab.selectedName)
                delegate: ItemDelegate {
                    id: memberEntry
                    required property string membershipId
                    required property string email
                    required property string name
                    required property string roles
                    required property string joined
                    width: memberList.width
                    Accessible.name: qsTr("%1, %2, joined %3").arg(email).arg(roles).arg(joined)
                    contentItem: RowLayout {
                        Label {
                            text: qsTr("%1 · %2 · joined %3").arg(memberEntry.email).arg(memberEntry.roles).arg(memberEntry.joined)
                            color: Theme.text
                            Layout.fillWidth: true
                        }
                        Button {
                            text: qsTr("Remove…")
                            Accessible.name: qsTr("Remove %1 from the team").arg(memberEntry.email)
                            visible: tab.canWrite
                            onClicked: {
                                removeDialog.membershipId = memberEntry.membershipId
                                removeDialog.text = qsTr("%1 leaves %2: what the team's permissions gave them (its "
                                                         + "topics, sites and rooms) is no longer theirs, from their "
                                                         + "next request on.").arg(memberEntry.email).arg(tab.selectedName)
                                removeDialog.open()
                            }
                        }
                    }
                }
            }
            ListStatus {
                Layout.fillWidth: true
                loading: AccessController.memberships.loading
                error: AccessController.memberships.error
                empty: memberList.count === 0
                emptyText: qsTr("This team has no members.")
                retryName: qsTr("Retry loading the members")
                onRetry: {
                    const id = AccessController.selectedTeam
                    AccessController.selectTeam("")
                    AccessController.selectTeam(id)
                }
            }
        }
    }

    ConfirmDialog {
        id: removeDialog
        property string membershipId
        title: qsTr("Remove from %1?").arg(tab.selectedName)
        confirmText: qsTr("Remove")
        onAccepted: AccessController.removeMember(membershipId)
    }

    Dialog {
        id: tokenDialog
        objectName: "invitationShownOnce"
        property string email
        title: qsTr("Invitation for %1").arg(email)
        anchors.centerIn: Overlay.overlay
        modal: true
        focus: true
        contentWidth: 520
        onClosed: tokenField.text = ""
        Connections {
            target: AccessController
            function onInvitationCreated(token: string, email: string) {
                tokenDialog.email = email
                tokenField.text = token
                inviteEmail.text = ""
                tokenDialog.open()
            }
        }
        ColumnLayout {
            width: 520
            Label {
                text: qsTr("No mail is sent: give this token to %1 yourself. You will not see it again.").arg(tokenDialog.email)
                color: Theme.warning
                font.bold: true
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: tokenField
                    readOnly: true
                    selectByMouse: true
                    font.family: "monospace"
                    Accessible.name: qsTr("The invitation token")
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Copy")
                    Accessible.name: qsTr("Copy the invitation token")
                    onClicked: {
                        tokenField.selectAll()
                        tokenField.copy()
                        tokenField.deselect()
                    }
                }
            }
        }
        footer: DialogButtonBox {
            Button {
                text: qsTr("Done")
                Accessible.name: qsTr("Close the invitation")
                onClicked: tokenDialog.close()
            }
        }
    }
}
