pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The users (search, role and status filters), one user's detail with their sessions, and the
// changes an administrator makes: create, disable or enable, change role, reset password, revoke.
RowLayout {
    id: tab
    property bool canWrite
    readonly property UsersModel users: AccessController.users
    // (count: the row is found again when the list reloads)
    readonly property int selectedRow: users.count >= 0 ? users.indexOf(AccessController.selectedUser) : -1
    readonly property string selectedEmail: String(users.valueAt(selectedRow, "email") ?? "")

    function focusSearch() {
        searchField.forceActiveFocus()
    }

    spacing: Theme.spacing

    ColumnLayout {
        Layout.preferredWidth: 420
        Layout.fillHeight: true
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: searchField
                objectName: "userSearch"
                placeholderText: qsTr("Search by email or name")
                Accessible.name: qsTr("Search users")
                Layout.fillWidth: true
                onTextChanged: searchDelay.restart()
                Timer {
                    id: searchDelay
                    interval: 300
                    onTriggered: AccessController.userSearch = searchField.text
                }
            }
            Button {
                text: qsTr("New user…")
                Accessible.name: qsTr("Create a user")
                visible: tab.canWrite
                onClicked: createDialog.open()
            }
        }
        RowLayout {
            ComboBox {
                Accessible.name: qsTr("Filter users by role")
                implicitContentWidthPolicy: ComboBox.WidestText
                textRole: "label"
                valueRole: "value"
                model: AccessController.roleFilterChoices
                onActivated: AccessController.userRoleFilter = currentValue
            }
            ComboBox {
                Accessible.name: qsTr("Filter users by status")
                implicitContentWidthPolicy: ComboBox.WidestText
                textRole: "label"
                valueRole: "value"
                model: AccessController.statusFilterChoices
                onActivated: AccessController.userStatusFilter = currentValue
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
                    id: userList
                    objectName: "userList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: tab.users
                    currentIndex: tab.selectedRow
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Users")
                    Keys.onReturnPressed: AccessController.selectUser(String(tab.users.valueAt(currentIndex, "userId") ?? ""))
                    delegate: ItemDelegate {
                        id: userEntry
                        required property string userId
                        required property string email
                        required property string name
                        required property string role
                        required property string status
                        required property string lastSignIn
                        width: userList.width
                        highlighted: ListView.isCurrentItem
                        Accessible.name: qsTr("%1, %2, %3, %4").arg(email).arg(role).arg(status).arg(lastSignIn)
                        onClicked: AccessController.selectUser(userId)
                        background: SelectionBackground {
                            selected: userEntry.highlighted
                            focused: userEntry.ListView.isCurrentItem && userList.activeFocus
                        }
                        contentItem: ColumnLayout {
                            spacing: 0
                            Label {
                                text: userEntry.name.length > 0 ? qsTr("%1 <%2>").arg(userEntry.name).arg(userEntry.email)
                                                                : userEntry.email
                                textFormat: Text.PlainText
                                color: userEntry.status === "active" ? Theme.text : Theme.mutedText
                                font.bold: userEntry.highlighted
                            }
                            Label {
                                text: qsTr("%1 · %2 · last sign-in %3").arg(userEntry.role).arg(userEntry.status)
                                                                         .arg(userEntry.lastSignIn)
                                color: Theme.mutedText
                                font.pixelSize: 11
                            }
                        }
                    }
                }
                ListStatus {
                    Layout.fillWidth: true
                    loading: tab.users.loading
                    error: tab.users.error
                    empty: userList.count === 0
                    emptyText: AccessController.userSearch.length > 0 || AccessController.userRoleFilter.length > 0
                               || AccessController.userStatusFilter.length > 0
                               ? qsTr("No user matches these filters.")
                               : qsTr("No users yet. The admin token works without one; create users for the people who sign in.")
                    retryName: qsTr("Retry loading the users")
                    onRetry: AccessController.refreshUsers()
                }
            }
        }
    }

    // The selected user
    ColumnLayout {
        objectName: "userDetail"
        Layout.fillWidth: true
        Layout.fillHeight: true
        spacing: 8

        Label {
            visible: tab.selectedRow < 0
            text: qsTr("Select a user to see their sessions and change their access.")
            color: Theme.mutedText
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        ColumnLayout {
            visible: tab.selectedRow >= 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            Label {
                text: tab.selectedEmail
                font.bold: true
                font.pixelSize: 16
                color: Theme.text
            }
            RowLayout {
                visible: tab.canWrite
                spacing: 8
                ComboBox {
                    id: roleBox
                    Accessible.name: qsTr("Role of %1").arg(tab.selectedEmail)
                    implicitContentWidthPolicy: ComboBox.WidestText
                    textRole: "label"
                    valueRole: "value"
                    model: AccessController.roleChoices
                    currentIndex: AccessController.roleChoices.indexOf(String(tab.users.valueAt(tab.selectedRow, "role") ?? ""))
                    onActivated: {
                        confirm.action = "role"
                        confirm.text = qsTr("%1 becomes %2: from their next request on they may do what that role may, "
                                            + "and no more.").arg(tab.selectedEmail).arg(currentText)
                        confirm.open()
                    }
                }
                Button {
                    readonly property bool active: Boolean(tab.users.valueAt(tab.selectedRow, "active"))
                    text: active ? qsTr("Disable…") : qsTr("Enable")
                    Accessible.name: active ? qsTr("Disable %1").arg(tab.selectedEmail) : qsTr("Enable %1").arg(tab.selectedEmail)
                    onClicked: {
                        if (!active) {
                            AccessController.setUserStatus(AccessController.selectedUser, true)
                            return
                        }
                        confirm.action = "disable"
                        confirm.text = qsTr("%1 can no longer sign in. Their sessions end now, their API keys stop "
                                            + "working and their live views are closed. You can enable them again.")
                                       .arg(tab.selectedEmail)
                        confirm.open()
                    }
                }
            }
            RowLayout {
                visible: tab.canWrite
                spacing: 8
                TextField {
                    id: newPassword
                    echoMode: TextInput.Password
                    placeholderText: qsTr("New password")
                    Accessible.name: qsTr("New password for %1").arg(tab.selectedEmail)
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Reset password…")
                    Accessible.name: qsTr("Reset the password of %1").arg(tab.selectedEmail)
                    enabled: newPassword.text.length > 0
                    onClicked: {
                        confirm.action = "password"
                        confirm.text = qsTr("The password of %1 is replaced and every session they have ends: "
                                            + "each of their devices must sign in again.").arg(tab.selectedEmail)
                        confirm.open()
                    }
                }
            }
            RowLayout {
                Label {
                    text: qsTr("Sessions")
                    font.bold: true
                    color: Theme.text
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Revoke all…")
                    Accessible.name: qsTr("Revoke every session of %1").arg(tab.selectedEmail)
                    visible: tab.canWrite && sessionList.count > 0
                    onClicked: {
                        confirm.action = "revokeAll"
                        confirm.text = qsTr("Every session of %1 ends now: each of their devices must sign in again. "
                                            + "Their API keys keep working.").arg(tab.selectedEmail)
                        confirm.open()
                    }
                }
            }
            ListView {
                id: sessionList
                objectName: "sessionList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: AccessController.sessions
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Sessions of %1").arg(tab.selectedEmail)
                delegate: ItemDelegate {
                    id: sessionEntry
                    required property string sessionId
                    required property string address
                    required property string userAgent
                    required property string created
                    required property string lastUsed
                    required property string expires
                    required property bool current
                    width: sessionList.width
                    Accessible.name: qsTr("Session from %1, %2, last used %3").arg(address).arg(userAgent).arg(lastUsed)
                    contentItem: RowLayout {
                        ColumnLayout {
                            spacing: 0
                            Layout.fillWidth: true
                            Label {
                                text: qsTr("%1 · %2%3").arg(sessionEntry.address).arg(sessionEntry.userAgent)
                                                       .arg(sessionEntry.current ? qsTr(" (this console)") : "")
                                color: Theme.text
                            }
                            Label {
                                text: qsTr("signed in %1 · last used %2 · expires %3").arg(sessionEntry.created)
                                      .arg(sessionEntry.lastUsed).arg(sessionEntry.expires)
                                color: Theme.mutedText
                                font.pixelSize: 11
                            }
                        }
                        Button {
                            text: qsTr("Revoke…")
                            Accessible.name: qsTr("Revoke the session from %1").arg(sessionEntry.address)
                            visible: tab.canWrite
                            onClicked: {
                                confirm.action = "revoke"
                                confirm.sessionId = sessionEntry.sessionId
                                confirm.text = qsTr("The session from %1 (%2) ends now: that device must sign in again.")
                                               .arg(sessionEntry.address).arg(sessionEntry.userAgent)
                                confirm.open()
                            }
                        }
                    }
                }
            }
            ListStatus {
                Layout.fillWidth: true
                loading: AccessController.sessions.loading
                error: AccessController.sessions.error
                empty: sessionList.count === 0
                emptyText: qsTr("No open sessions: this user is signed in nowhere.")
                retryName: qsTr("Retry loading the sessions")
                onRetry: {
                    const id = AccessController.selectedUser
                    AccessController.selectUser("")
                    AccessController.selectUser(id)
                }
            }
        }
    }

    ConfirmDialog {
        id: confirm
        property string action
        property string sessionId
        objectName: "userConfirm"
        title: action === "disable" ? qsTr("Disable %1?").arg(tab.selectedEmail)
             : action === "role" ? qsTr("Change the role of %1?").arg(tab.selectedEmail)
             : action === "password" ? qsTr("Reset the password of %1?").arg(tab.selectedEmail)
             : qsTr("Revoke sessions of %1?").arg(tab.selectedEmail)
        onAccepted: {
            const id = AccessController.selectedUser
            if (action === "disable")
                AccessController.setUserStatus(id, false)
            else if (action === "role")
                AccessController.setUserRole(id, roleBox.currentValue)
            else if (action === "password") {
                AccessController.resetPassword(id, newPassword.text)
                newPassword.text = ""
            } else if (action === "revokeAll")
                AccessController.revokeAllSessions()
            else
                AccessController.revokeSession(sessionId)
        }
        onRejected: {
            if (action === "role")
                roleBox.currentIndex = AccessController.roleChoices.indexOf(String(tab.users.valueAt(tab.selectedRow, "role") ?? ""))
        }
    }

    Dialog {
        id: createDialog
        property bool pending
        objectName: "createUserDialog"
        title: qsTr("New user")
        anchors.centerIn: Overlay.overlay
        modal: true
        focus: true
        contentWidth: 420
        onOpened: {
            createError.text = ""
            emailField.forceActiveFocus()
        }
        Connections {
            target: AccessController
            function onActionFinished(ok: bool, message: string) {
                if (!createDialog.pending)
                    return
                createDialog.pending = false
                if (ok) {
                    passwordField.text = ""
                    createDialog.close()
                } else {
                    createError.text = message
                }
            }
        }
        ColumnLayout {
            width: 420
            TextField {
                id: emailField
                placeholderText: qsTr("Email address")
                Accessible.name: qsTr("Email address of the new user")
                Layout.fillWidth: true
            }
            TextField {
                id: nameField
                placeholderText: qsTr("Name")
                Accessible.name: qsTr("Name of the new user")
                Layout.fillWidth: true
            }
            TextField {
                id: passwordField
                echoMode: TextInput.Password
                placeholderText: qsTr("Password")
                Accessible.name: qsTr("Password of the new user")
                Layout.fillWidth: true
            }
            ComboBox {
                id: newRole
                Accessible.name: qsTr("Role of the new user")
                implicitContentWidthPolicy: ComboBox.WidestText
                textRole: "label"
                valueRole: "value"
                model: AccessController.roleChoices
                currentIndex: AccessController.roleChoices.indexOf("developer")
            }
            Label {
                id: createError
                objectName: "createUserError"
                visible: text.length > 0
                color: Theme.critical
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
        footer: DialogButtonBox {
            Button {
                text: qsTr("Create")
                Accessible.name: qsTr("Create the user")
                enabled: !createDialog.pending && emailField.text.length > 0
                onClicked: {
                    createDialog.pending = true
                    createError.text = ""
                    AccessController.createUser(emailField.text, nameField.text, passwordField.text, newRole.currentValue)
                }
            }
            Button {
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel creating a user")
                onClicked: createDialog.close()
            }
        }
    }
}
