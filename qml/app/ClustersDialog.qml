pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Add, edit and remove cluster profiles. The credential goes to the OS keychain; this form never
// shows a stored one (leave it empty to keep it).
Dialog {
    id: manager
    property string editingId: ""
    property string message: ""
    property bool confirmRemove: false
    readonly property bool pinned: trustField.currentValue === "pinned"
    readonly property bool passwordSignIn: credentialField.currentValue === "password"

    objectName: "clustersDialog"
    title: qsTr("Cluster profiles")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(860, parent ? parent.width - 60 : 860)
    height: Math.min(640, parent ? parent.height - 40 : 640)

    onOpened: edit(Console.target !== "local" && Console.target !== "attach" ? Console.target : "")

    function edit(id) {
        const f = id !== "" ? Console.profiles.get(id) : {}
        editingId = id
        nameField.text = f.name ?? ""
        urlsField.text = f.urlsText ?? ""
        const colourIndex = colourField.indexOfValue(f.colour ?? "#2563eb")
        colourField.currentIndex = colourIndex >= 0 ? colourIndex : 0
        trustField.currentIndex = Math.max(0, trustField.indexOfValue(f.trust ?? "system"))
        caField.text = f.caFile ?? ""
        pinField.text = f.pin ?? ""
        backupPinField.text = f.backupPin ?? ""
        credentialField.currentIndex = Math.max(0, credentialField.indexOfValue(f.credential ?? "adminToken"))
        emailField.text = f.email ?? ""
        secretField.text = ""
        message = ""
        confirmRemove = false
    }
    function fields() {
        return {
            id: editingId,
            name: nameField.text,
            urls: urlsField.text,
            colour: colourField.currentValue,
            trust: trustField.currentValue,
            caFile: caField.text,
            pin: pinField.text,
            backupPin: backupPinField.text,
            credential: credentialField.currentValue,
            email: emailField.text
        }
    }

    // qmllint disable
    // (qmllint 6.4 does not see that a QAbstractListModel is a QObject; it is fine at run time)
    Connections {
        target: Console.profiles
        function onSaved(id) {
            manager.edit(id)
            manager.message = manager.passwordSignIn ? qsTr("Saved. Attach to sign in.")
                                                     : qsTr("Saved. The credential is in the keychain.")
        }
        function onFailed(reason) {
            manager.message = reason
        }
        function onRemoved(id) {
            if (id === manager.editingId)
                manager.edit("")
        }
    }
    // qmllint enable

    RowLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        ColumnLayout {
            Layout.preferredWidth: 220
            Layout.fillHeight: true

            ListView {
                id: profileList
                objectName: "profileList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: Console.profiles
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Cluster profiles")
                delegate: ItemDelegate {
                    id: entry
                    required property string profileId
                    required property string name
                    required property string colour
                    width: profileList.width
                    highlighted: manager.editingId === entry.profileId
                    Accessible.name: qsTr("Profile %1").arg(entry.name)
                    onClicked: manager.edit(entry.profileId)
                    Keys.onReturnPressed: manager.edit(entry.profileId)
                    contentItem: RowLayout {
                        spacing: 8
                        Rectangle {
                            width: 12
                            height: 12
                            radius: 6
                            color: entry.colour
                        }
                        Label {
                            text: entry.name
                            color: Theme.text
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                    }
                }
            }
            Label {
                visible: profileList.count === 0
                text: qsTr("No profile yet: fill in the form to add the first one.")
                color: Theme.mutedText
                wrapMode: Text.WordWrap
                Layout.preferredWidth: 220
            }
            Button {
                text: qsTr("New profile")
                Accessible.name: qsTr("New cluster profile")
                Layout.fillWidth: true
                onClicked: manager.edit("")
            }
        }

        ScrollView {
            id: formScroll
            // A fixed preference: the content's width follows the view's, never the other way.
            Layout.preferredWidth: 400
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true

            ColumnLayout {
                width: formScroll.availableWidth
                spacing: 6

                Label {
                    text: manager.editingId === "" ? qsTr("New profile") : qsTr("Edit profile")
                    font.bold: true
                    color: Theme.text
                }
                TextField {
                    id: nameField
                    objectName: "profileName"
                    placeholderText: qsTr("Name, for example Production")
                    Accessible.name: qsTr("Profile name")
                    Layout.fillWidth: true
                }
                TextArea {
                    id: urlsField
                    objectName: "profileUrls"
                    placeholderText: qsTr("Node URLs, one a line: https://node1.example:7700")
                    Accessible.name: qsTr("Node URLs, one a line")
                    Layout.fillWidth: true
                    Layout.preferredHeight: 70
                }
                ComboBox {
                    id: colourField
                    objectName: "profileColour"
                    Layout.fillWidth: true
                    textRole: "text"
                    valueRole: "value"
                    model: [
                        { value: "#2563eb", text: qsTr("Blue") },
                        { value: "#1f9d63", text: qsTr("Green") },
                        { value: "#d48806", text: qsTr("Amber") },
                        { value: "#c0392b", text: qsTr("Red") },
                        { value: "#7c3aed", text: qsTr("Purple") },
                        { value: "#5a6170", text: qsTr("Grey") }
                    ]
                    Accessible.name: qsTr("Profile colour")
                }
                ComboBox {
                    id: trustField
                    objectName: "profileTrust"
                    Layout.fillWidth: true
                    textRole: "text"
                    valueRole: "value"
                    model: [
                        { value: "system", text: qsTr("The system's CAs (ask on first contact)") },
                        { value: "caFile", text: qsTr("The CA in a file") },
                        { value: "pinned", text: qsTr("A pinned key (SPKI SHA-256)") }
                    ]
                    Accessible.name: qsTr("Certificate trust")
                }
                TextField {
                    id: caField
                    visible: trustField.currentValue === "caFile"
                    placeholderText: qsTr("CA certificate file (PEM), for example /etc/meshdeck/ca.pem")
                    Accessible.name: qsTr("CA file path")
                    Layout.fillWidth: true
                }
                TextField {
                    id: pinField
                    visible: manager.pinned
                    placeholderText: qsTr("Pin: base64 SHA-256 of the public key")
                    Accessible.name: qsTr("Pinned key")
                    font.family: Theme.monospace
                    Layout.fillWidth: true
                }
                TextField {
                    id: backupPinField
                    visible: manager.pinned
                    placeholderText: qsTr("Backup pin (optional, for a planned key change)")
                    Accessible.name: qsTr("Backup pin")
                    font.family: Theme.monospace
                    Layout.fillWidth: true
                }
                ComboBox {
                    id: credentialField
                    objectName: "profileCredentialKind"
                    Layout.fillWidth: true
                    textRole: "text"
                    valueRole: "value"
                    model: [
                        { value: "adminToken", text: qsTr("Admin token") },
                        { value: "apiKey", text: qsTr("API key") },
                        { value: "password", text: qsTr("Email and password (sign in)") }
                    ]
                    Accessible.name: qsTr("Credential kind")
                }
                TextField {
                    id: emailField
                    objectName: "profileEmail"
                    visible: manager.passwordSignIn
                    placeholderText: qsTr("Email address you sign in with")
                    Accessible.name: qsTr("Email address for signing in")
                    inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase
                    Layout.fillWidth: true
                }
                Label {
                    visible: manager.passwordSignIn
                    text: qsTr("You sign in when you attach; the password is never stored. The session is kept "
                               + "in the OS keychain until you sign out.")
                    color: Theme.mutedText
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
                TextField {
                    id: secretField
                    objectName: "profileSecret"
                    visible: !manager.passwordSignIn
                    echoMode: TextInput.Password
                    placeholderText: manager.editingId === "" ? qsTr("The token or key (kept in the OS keychain)")
                                                              : qsTr("Leave empty to keep the stored credential")
                    Accessible.name: qsTr("Credential")
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "profileMessage"
                    visible: text !== ""
                    text: manager.message
                    color: Theme.text
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
                Label {
                    visible: manager.confirmRemove
                    text: qsTr("Remove %1 and delete its credential from the keychain?").arg(nameField.text)
                    color: Theme.critical
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
                RowLayout {
                    spacing: 6
                    Button {
                        objectName: "saveProfile"
                        text: qsTr("Save")
                        Accessible.name: qsTr("Save the profile")
                        enabled: !Console.profiles.loading
                        onClicked: manager.message = Console.profiles.save(manager.fields(), secretField.text)
                    }
                    Button {
                        visible: manager.editingId !== ""
                        text: qsTr("Attach")
                        Accessible.name: qsTr("Attach to this cluster")
                        onClicked: {
                            Console.attachProfile(manager.editingId)
                            manager.close()
                        }
                    }
                    Button {
                        visible: manager.editingId !== ""
                        text: manager.confirmRemove ? qsTr("Remove it") : qsTr("Remove…")
                        Accessible.name: manager.confirmRemove ? qsTr("Confirm removing this profile")
                                                               : qsTr("Remove this profile")
                        enabled: !Console.profiles.loading
                        onClicked: {
                            if (manager.confirmRemove)
                                Console.profiles.remove(manager.editingId)
                            manager.confirmRemove = !manager.confirmRemove
                        }
                    }
                    Button {
                        text: qsTr("Close")
                        Accessible.name: qsTr("Close the cluster profiles")
                        onClicked: manager.close()
                    }
                }
            }
        }
    }
}
